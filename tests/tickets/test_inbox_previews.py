"""What a row says about its ticket: the preview text under the title."""

from __future__ import annotations

import re

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
