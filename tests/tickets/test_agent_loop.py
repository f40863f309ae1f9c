"""The agent's loop: where a send or close goes next (the agent's preference), and the next
ticket read ahead so that opening it costs the sites no call."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard.tickets.loop import AfterSend, after_send, following, set_after_send
from tests.tickets.test_inbox import INBOX, row_keys
from tests.tickets.test_thread import HTMX, open_composer, url
from tests.tickets.test_thread_compose import post


def listed(client, site) -> list[int]:
    """The ticket ids of the site's inbox, in the order the agent sees them."""
    html = client.get(f"{INBOX}?site={site.slug}").content.decode()
    return [int(key.split(":")[1]) for key in row_keys(html)]


def from_list(site) -> dict[str, str]:
    return {"from": urlencode({"site": site.slug})}


def thread_of(site, ticket_id: int) -> str:
    return reverse("tickets:thread", args=[site.slug, ticket_id]) + "?" + urlencode(from_list(site))


def site_calls(sim_site, *, method: str = "GET") -> list[str]:
    return [e.path for e in sim_site.site.request_log if e.method == method]


# The preference


def test_the_preference_defaults_to_the_next_ticket_and_is_kept_per_user(user, other_user):
    assert after_send(user) == AfterSend.NEXT
    set_after_send(user, AfterSend.LIST)
    assert after_send(user) == AfterSend.LIST
    assert after_send(other_user) == AfterSend.NEXT
    with pytest.raises(ValueError, match="unknown choice"):
        set_after_send(user, "elsewhere")


def test_the_preferences_page_saves_the_choice_and_refuses_nonsense(agent_client, user):
    page = agent_client.get(reverse("tickets:preferences"))
    assert page.status_code == 200
    assert re.search(r'<input[^>]*value="next"[^>]*checked', page.content.decode())
    saved = agent_client.post(reverse("tickets:preferences"), {"after_send": "stay"})
    assert saved.status_code == 302 and after_send(user) == AfterSend.STAY
    refused = agent_client.post(reverse("tickets:preferences"), {"after_send": "away"})
    assert refused.status_code == 422 and after_send(user) == AfterSend.STAY


def test_the_account_menu_links_the_preferences(agent_client, acme):
    html = agent_client.get(INBOX).content.decode()
    assert f'href="{reverse("tickets:preferences")}"' in html


# Which ticket is next


def test_the_next_ticket_follows_the_current_one_and_ends_with_the_list():
    keys = [(1, 10), (2, 20), (1, 11)]
    assert following(keys, (1, 10), set()) == (2, 20)
    assert following(keys, (1, 11), set()) is None  # the last ticket of the list
    assert following(keys, (3, 99), set()) is None  # not in the list (any more)


def test_the_next_ticket_passes_over_a_site_that_failed():
    keys = [(1, 10), (2, 20), (2, 21), (1, 11)]
    assert following(keys, (1, 10), {2}) == (1, 11)
    assert following(keys, (2, 20), {1, 2}) is None


# After a send or a close


def test_send_and_close_opens_the_next_ticket_from_the_cache(agent_client, acme, sim):
    order = listed(agent_client, acme)
    current, upcoming = order[0], order[1]
    assert agent_client.get(thread_of(acme, current)).status_code == 200
    fields = open_composer(agent_client, acme, current)
    fields.update(from_list(acme))

    sent = post(agent_client, acme, current, fields, text="Done, thanks.", action="reply_close")

    assert sent.status_code == 200
    assert sent["HX-Redirect"] == thread_of(acme, upcoming)
    assert "draftDone" in sent["HX-Trigger"]
    assert sim.acme.site.tickets[current]["status"] == "closed"
    sim.acme.site.wait_idle()  # the log entry is written after the answer
    sim.acme.site.clear_log()
    page = agent_client.get(sent["HX-Redirect"])
    nav = agent_client.get(url("thread_nav", acme, upcoming, **from_list(acme)), **HTMX)
    assert page.status_code == 200 and nav.status_code == 200
    assert "Reply sent" in page.content.decode()
    assert site_calls(sim.acme) == []  # opening the next ticket: 0 upstream calls


def test_a_plain_send_follows_the_preference_too_but_a_note_stays(agent_client, acme, sim):
    order = listed(agent_client, acme)
    fields = open_composer(agent_client, acme, order[0])
    fields.update(from_list(acme))
    noted = post(agent_client, acme, order[0], fields, text="For the team.", action="note")
    assert "HX-Redirect" not in noted and noted.status_code == 200
    fields = open_composer(agent_client, acme, order[0])
    fields.update(from_list(acme))
    sent = post(agent_client, acme, order[0], fields, text="Hello.")
    assert sent["HX-Redirect"] == thread_of(acme, order[1])
    assert sim.acme.site.tickets[order[0]]["status"] != "closed"


def test_after_the_last_ticket_of_the_list_the_agent_is_back_on_the_list(agent_client, acme, sim):
    last = listed(agent_client, acme)[-1]
    closed = agent_client.post(url("close", acme, last), from_list(acme), **HTMX)
    assert closed["HX-Redirect"] == f"{INBOX}?site={acme.slug}"
    page = agent_client.get(closed["HX-Redirect"]).content.decode()
    assert "That was the last ticket of the list." in page


def test_close_goes_back_to_the_list_when_the_agent_chose_so(agent_client, user, acme, sim):
    set_after_send(user, AfterSend.LIST)
    first = listed(agent_client, acme)[0]
    closed = agent_client.post(url("close", acme, first), from_list(acme), **HTMX)
    assert closed["HX-Redirect"] == f"{INBOX}?site={acme.slug}"
    second = listed(agent_client, acme)[0]
    without_js = agent_client.post(url("close", acme, second), from_list(acme))
    assert without_js.status_code == 302 and without_js["Location"] == f"{INBOX}?site={acme.slug}"


def test_close_stays_when_the_agent_chose_so(agent_client, user, acme, sim):
    set_after_send(user, AfterSend.STAY)
    first = listed(agent_client, acme)[0]
    closed = agent_client.post(url("close", acme, first), from_list(acme), **HTMX)
    assert "HX-Redirect" not in closed and 'id="composer"' in closed.content.decode()


def test_a_failed_close_stays_with_its_error(agent_client, acme, sim):
    first = listed(agent_client, acme)[0]
    sim.acme.site.add_fault("status_500", route="*/close", method="POST")
    closed = agent_client.post(url("close", acme, first), from_list(acme), **HTMX)
    assert "HX-Redirect" not in closed


# Reading the next ticket ahead


def test_the_prefetch_warms_the_next_ticket_without_registering_a_viewer(agent_client, acme, sim):
    order = listed(agent_client, acme)
    assert agent_client.get(thread_of(acme, order[0])).status_code == 200
    sim.acme.site.wait_idle()  # the log entry is written after the answer
    sim.acme.site.clear_log()

    warmed = agent_client.get(url("prefetch_next", acme, order[0], **from_list(acme)))

    assert warmed.status_code == 204
    assert warmed["X-Prefetched"] == thread_of(acme, order[1])
    calls = site_calls(sim.acme)
    assert any(path.endswith(f"/tickets/{order[1]}") for path in calls), calls
    assert not any("live_activity" in path for path in calls)
    assert sim.acme.site.viewers.get(order[1], {}) == {}
    sim.acme.site.wait_idle()  # the log entry is written after the answer
    sim.acme.site.clear_log()
    assert agent_client.get(thread_of(acme, order[1])).status_code == 200
    assert site_calls(sim.acme) == []


def test_no_prefetch_from_a_site_that_failed(agent_client, acme, sim):
    order = listed(agent_client, acme)
    acme.auth_failed_at = timezone.now()
    acme.save()
    sim.acme.site.wait_idle()  # the log entry is written after the answer
    sim.acme.site.clear_log()
    warmed = agent_client.get(url("prefetch_next", acme, order[0], **from_list(acme)))
    assert warmed.status_code == 204 and "X-Prefetched" not in warmed
    assert site_calls(sim.acme) == []


def test_no_prefetch_from_a_site_that_is_down(agent_client, acme, sim):
    order = listed(agent_client, acme)
    sim.acme.site.add_fault("reset")
    # Its list is old by now (a colleague's write), so it is read again, and fails.
    from dashboard.fluent.cache import bump_generation
    from dashboard.fluent.client import site_key

    bump_generation(site_key(acme.base_url), "tickets")
    sim.acme.site.wait_idle()  # the log entry is written after the answer
    sim.acme.site.clear_log()
    warmed = agent_client.get(url("prefetch_next", acme, order[0], **from_list(acme)))
    assert warmed.status_code == 204 and "X-Prefetched" not in warmed
    assert not any(f"/tickets/{order[1]}" in path for path in site_calls(sim.acme))
