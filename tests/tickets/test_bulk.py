"""Bulk actions from the inbox: where they return to and what they say, over real HTTP."""

from __future__ import annotations

import html as htmllib
import re

from django.urls import reverse

from dashboard.tickets.people import email_key
from tests.tickets.test_inbox import row_keys

HTMX = {"HTTP_HX_REQUEST": "true"}


def hidden_next(html: str) -> str:
    return htmllib.unescape(re.search(r'name="next" value="([^"]*)"', html).group(1))


def test_two_htmx_bulk_actions_both_return_to_the_agents_list(agent_client, acme, sim):
    listed = f"/?site={acme.slug}&priority=normal&sort=newest&status=all&page=2"
    page = agent_client.get(listed).content.decode()
    expected = row_keys(page)
    assert len(expected) >= 3
    first, second = expected[0], expected[1]
    after_first = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "add_tag", "tag": 1, "t": [first], "next": hidden_next(page)},
        **HTMX,
    ).content.decode()
    back = hidden_next(after_first)
    assert (
        back.startswith("/?")
        and "priority=normal" in back
        and "sort=newest" in back
        and "page=2" in back
    )
    after_second = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "add_tag", "tag": 1, "t": [second], "next": back},
        **HTMX,
    ).content.decode()
    keys = row_keys(after_second)
    assert keys == expected
    normal = {
        f"{acme.pk}:{t['id']}" for t in sim.acme.site.tickets.values() if t["priority"] == "normal"
    }
    assert set(keys) <= normal
    assert "priority=normal" in hidden_next(after_second)


def flashes(html: str) -> list[str]:
    return [
        htmllib.unescape(text.strip())
        for text in re.findall(
            r'<div class="flash flash-\w+" role="status">(.*?)</div>', html, re.S
        )
    ]


def test_bulk_assign_says_how_many_changed_and_names_the_agent(agent_client, acme, sim):
    (nameless,) = [a for a in sim.acme.site.agents.values() if not a["first_name"]]
    ids = sorted(t["id"] for t in sim.acme.site.tickets.values() if t["status"] != "closed")[:6]
    sim.acme.site.tickets[ids[0]]["agent_id"] = nameless["id"]
    html = agent_client.post(
        reverse("tickets:bulk"),
        {
            "action": "assign_agent",
            "agent": email_key(nameless["email"]),
            "t": [f"{acme.pk}:{i}" for i in ids],
            "next": f"/?site={acme.slug}",
        },
        **HTMX,
    ).content.decode()
    numbers = ", ".join(f"#{i}" for i in ids)
    assert flashes(html) == [
        f"Acme Store: 5 of 6 tickets assigned to {nameless['email']}; the other 1 already was "
        f"(or the site skipped it) ({numbers})."
    ]
    assert "have been assigned" not in html
    assert all(sim.acme.site.tickets[i]["agent_id"] == nameless["id"] for i in ids)


def test_bulk_close_counts_tickets_gone_since_the_list_was_shown(agent_client, acme, sim):
    ids = sorted(t["id"] for t in sim.acme.site.tickets.values() if t["status"] != "closed")[:3]
    del sim.acme.site.store.tickets[ids[2]]
    sim.acme.site.touch()
    html = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "close", "t": [f"{acme.pk}:{i}" for i in ids], "next": f"/?site={acme.slug}"},
        **HTMX,
    ).content.decode()
    numbers = ", ".join(f"#{i}" for i in ids)
    assert flashes(html) == [
        f"Acme Store: 2 of 3 tickets closed; 1 no longer exists or is not yours ({numbers})."
    ]


def test_bulk_tag_names_the_tag(agent_client, acme, sim):
    ticket_id = min(t["id"] for t in sim.acme.site.tickets.values())
    tag = sim.acme.site.store.ticket_tags[1]["title"]
    html = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "add_tag", "tag": 1, "t": [f"{acme.pk}:{ticket_id}"]},
        **HTMX,
    ).content.decode()
    assert flashes(html) == [f"Acme Store: tag “{tag}” added to 1 ticket (#{ticket_id})."]
