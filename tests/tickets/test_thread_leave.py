"""Leaving a thread while its presence check is still on its way."""

from __future__ import annotations

from tests.tickets.test_thread import HTMX, ticket_where, url


def test_a_presence_check_arriving_after_leaving_does_not_register_us_again(
    agent_client, acme, sim
):
    ticket_id = ticket_where(sim.acme)
    viewers = sim.acme.site.viewers
    agent_client.get(url("presence", acme, ticket_id), {"view": "a1"}, **HTMX)
    assert 1 in viewers[ticket_id]

    agent_client.post(url("leave", acme, ticket_id), {"view": "a1"})
    # The page's next check was sent before leaving but reaches us after.
    late = agent_client.get(url("presence", acme, ticket_id), {"view": "a1"}, **HTMX)

    assert late.status_code == 200
    assert 1 not in viewers.get(ticket_id, {})
    # Opening the ticket again is a new page view, which registers us as usual.
    agent_client.get(url("presence", acme, ticket_id), {"view": "b2"}, **HTMX)
    assert 1 in viewers[ticket_id]
