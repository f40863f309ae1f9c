"""Closing from the thread header: the composer follows the ticket's new state at once."""

from __future__ import annotations

import re

import pytest

from tests.tickets.test_thread import HTMX, ticket_where, url
from tests.tickets.test_thread_compose import open_composer, post


def composer_of(html: str) -> str:
    return re.search(r'<form id="composer".*?</form>', html, re.S).group(0)


@pytest.mark.usefixtures("stays_after_send")
def test_close_from_the_header_updates_the_composer_at_once(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, statuses=("active",))
    fields = open_composer(agent_client, acme, ticket_id)
    noted = post(agent_client, acme, ticket_id, fields, text="Checked.", action="note")
    assert "Note added." in composer_of(noted.content.decode())

    closed = agent_client.post(url("close", acme, ticket_id), **HTMX)

    assert sim.acme.site.tickets[ticket_id]["status"] == "closed"
    composer = composer_of(closed.content.decode())
    assert 'hx-swap-oob="true"' in composer.split(">", 1)[0]
    assert 'value="reply_close"' not in composer
    assert "Note added." not in composer

    reopened = agent_client.post(url("reopen", acme, ticket_id), **HTMX)
    assert 'value="reply_close"' in composer_of(reopened.content.decode())
