"""What a row says about its ticket: the preview text under the title."""

from __future__ import annotations

import re

from django.urls import reverse

from dashboard.simulator.store import add_response

INBOX = "/"


def excerpt(html: str, site_id: int, ticket_id: int) -> str:
    row = re.search(rf'data-key-id="{site_id}:{ticket_id}".*?</li>', html, re.DOTALL).group(0)
    return re.search(r'class="row-excerpt">([^<]*)<', row).group(1)


def latest_response(sim_site, ticket_id: int) -> dict:
    site = sim_site.site
    return site.responses[site.store.responses_by_ticket[ticket_id][-1]]


def newest_open_ticket_with_a_reply(sim_site) -> int:
    site = sim_site.site
    candidates = [
        t["id"]
        for t in site.tickets.values()
        if t["status"] != "closed"
        and site.store.responses_by_ticket.get(t["id"])
        and latest_response(sim_site, t["id"])["conversation_type"] == "response"
    ]
    return max(candidates, key=lambda tid: site.tickets[tid]["updated_at"])


def test_preview_keeps_a_space_between_blocks(agent_client, acme, sim):
    ticket_id = newest_open_ticket_with_a_reply(sim.acme)
    latest_response(sim.acme, ticket_id)["content"] = (
        "<p>Hello,</p><p>Cannot log in&hellip; #1.</p>Thanks<br>Ana"
        "<ul><li>one</li><li>two</li></ul><h3>Head</h3><blockquote>quote</blockquote>"
        "<div>div</div><table><tr><td>a</td></tr><tr><td>b</td></tr></table>"
    )
    html = agent_client.get(INBOX, {"site": acme.pk, "refresh": "1"}).content.decode()
    assert excerpt(html, acme.pk, ticket_id) == (
        "Hello, Cannot log in… #1. Thanks Ana one two Head quote div a b"
    )


def newest_row_first(sim_site, ticket_id: int) -> None:
    """Make the ticket head the default list (last activity first)."""
    sim_site.site.tickets[ticket_id]["updated_at"] = sim_site.site.current_time()
    sim_site.site.touch()


def test_a_property_change_keeps_the_latest_message_as_the_preview(agent_client, acme, sim):
    ticket_id = newest_open_ticket_with_a_reply(sim.acme)
    sim.acme.site.tickets[ticket_id]["agent_id"] = None
    latest_response(sim.acme, ticket_id)["content"] = "<p>The latest word on this ticket.</p>"
    newest_row_first(sim.acme, ticket_id)
    before = agent_client.get(INBOX, {"site": acme.pk, "refresh": "1"}).content.decode()
    assert excerpt(before, acme.pk, ticket_id) == "The latest word on this ticket."

    agent_client.post(
        reverse("tickets:property", args=[acme.slug, ticket_id]),
        {"name": "agent_id", "value": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert latest_response(sim.acme, ticket_id)["conversation_type"] == "internal_info"

    after = agent_client.get(INBOX, {"site": acme.pk, "refresh": "1"}).content.decode()
    assert excerpt(after, acme.pk, ticket_id) == "The latest word on this ticket."


def test_an_activity_line_from_elsewhere_keeps_the_preview_the_list_showed(agent_client, acme, sim):
    ticket_id = newest_open_ticket_with_a_reply(sim.acme)
    latest_response(sim.acme, ticket_id)["content"] = "<p>Seen in the list.</p>"
    newest_row_first(sim.acme, ticket_id)
    agent_client.get(INBOX, {"site": acme.pk, "refresh": "1"})

    # Someone closes and re-opens it in wp-admin: the newest row is now an activity line.
    site = sim.acme.site
    add_response(
        site.store, site.tickets[ticket_id], 2, "internal_info", "Ticket has been closed",
        site.current_time(),
    )  # fmt: skip
    html = agent_client.get(INBOX, {"site": acme.pk, "refresh": "1"}).content.decode()
    assert excerpt(html, acme.pk, ticket_id) == "Seen in the list."


def test_an_internal_note_as_preview_is_marked_as_a_note(agent_client, acme, sim):
    ticket_id = newest_open_ticket_with_a_reply(sim.acme)
    site = sim.acme.site
    add_response(
        site.store, site.tickets[ticket_id], 2, "note", "<p>VIP, be quick.</p>",
        site.current_time(),
    )  # fmt: skip
    html = agent_client.get(INBOX, {"site": acme.pk, "refresh": "1"}).content.decode()
    row = re.search(rf'data-key-id="{acme.pk}:{ticket_id}".*?</li>', html, re.DOTALL).group(0)
    assert (
        '<span class="row-excerpt"><span class="row-note">Note:</span> VIP, be quick.</span>' in row
    )


def test_a_list_read_again_rewrites_no_preview_it_already_holds(
    agent_client, acme, sim, monkeypatch
):
    """Every cold inbox read used to write one cache entry per row (15 file writes on a laptop);
    a preview is written when it is new or its message changed, not on every read."""
    from django.core.cache import cache

    from dashboard.tickets.previews import _key

    ticket_id = newest_open_ticket_with_a_reply(sim.acme)
    newest_row_first(sim.acme, ticket_id)
    agent_client.get(INBOX, {"site": acme.pk, "refresh": "1"})
    assert cache.get(_key(acme.pk, ticket_id)) is not None

    written: list[str] = []
    real = cache.set_many

    def recording(data, *args, **kwargs):
        written.extend(key for key in data if key.startswith("row-preview:"))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(cache, "set_many", recording)
    agent_client.get(INBOX, {"site": acme.pk, "refresh": "1"})
    assert written == []

    latest_response(sim.acme, ticket_id)["content"] = "<p>A newer word.</p>"
    sim.acme.site.touch()
    html = agent_client.get(INBOX, {"site": acme.pk, "refresh": "1"}).content.decode()
    assert excerpt(html, acme.pk, ticket_id) == "A newer word."
    assert written == [_key(acme.pk, ticket_id)]
