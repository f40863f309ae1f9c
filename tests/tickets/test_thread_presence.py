"""Collision: who else has the ticket open, and what arrived since the page was rendered."""

from __future__ import annotations

from tests.tickets.test_thread import HTMX, open_composer, ticket_where, url


def watch(sim_site, ticket_id: int, person_id: int) -> None:
    """A colleague opened the ticket in wp-admin (the plugin remembers viewers for a minute)."""
    site = sim_site.site
    site.viewers.setdefault(ticket_id, {})[person_id] = site.monotonic() + 60


def test_colleagues_viewing_are_shown_and_we_are_registered(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    watch(sim.acme, ticket_id, 3)  # Tom
    response = agent_client.get(url("presence", acme, ticket_id), **HTMX)
    html = response.content.decode()
    assert "Tom Becker" in html and "is viewing this ticket" in html
    assert "Alex Admin" not in html  # ourselves
    # The call registered us, so colleagues in wp-admin see us too.
    assert 1 in sim.acme.site.viewers[ticket_id]


def test_nobody_else_viewing_shows_nothing(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    html = agent_client.get(url("presence", acme, ticket_id), **HTMX).content.decode()
    assert "viewing" not in html


def test_viewers_expire_after_a_minute(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    watch(sim.acme, ticket_id, 4)
    started = sim.acme.site.monotonic()
    sim.acme.site.monotonic = lambda: started + 61
    html = agent_client.get(url("presence", acme, ticket_id), **HTMX).content.decode()
    assert "Priya" not in html


def test_page_polls_presence_while_it_is_open(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    html = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    assert f'hx-get="{url("presence", acme, ticket_id)}" hx-trigger="load, every 20s"' in html


def test_conversation_is_read_again_fresh_and_moves_the_composers_mark(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    open_composer(agent_client, acme, ticket_id)  # The ticket is now cached.
    sim.acme.site.add_customer_reply(ticket_id, "<p>Any news?</p>")
    shown = agent_client.get(url("conversation", acme, ticket_id), **HTMX).content.decode()
    assert "Any news?" in shown
    newest = max(sim.acme.site.store.responses_by_ticket[ticket_id])
    assert f'id="last-seen" value="{newest}" hx-swap-oob="true"' in shown


def test_presence_failure_stays_quiet(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.add_fault("status_500", route="/fluent-support/v2/tickets/*/live_activity")
    response = agent_client.get(url("presence", acme, ticket_id), **HTMX)
    assert response.status_code == 200
    assert "viewing" not in response.content.decode()


def test_leaving_the_page_stops_showing_us_as_viewing(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    agent_client.get(url("presence", acme, ticket_id), **HTMX)
    assert 1 in sim.acme.site.viewers[ticket_id]
    response = agent_client.post(url("leave", acme, ticket_id))
    assert response.status_code == 204
    assert 1 not in sim.acme.site.viewers[ticket_id]
