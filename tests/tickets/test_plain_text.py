"""Text an agent types stays that literal text, whichever composer it goes through.

The simulated plugin treats text the way the real one was recorded to (seq_escaping_*): a new
ticket's text is entity-decoded after sanitising, replies, notes and edits are not. So what
the dashboard sends differs per route; what the site stores must always read back as typed.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from dashboard.html import html_to_text
from tests.customers.helpers import OLIVIA, customer_by_email
from tests.tickets.test_thread import HTMX, bodies, open_composer, rows_of, ticket_where, url
from tests.tickets.test_thread_actions import agent_reply

# REAL-API's test text, plus a backslash, a typed entity and an entity-like number.
T = (
    "a < b & c > d \"q\" 'q' &lt;b&gt;not bold&lt;/b&gt; <b>bold</b> "
    "<img src=x onerror=alert(1)> <script>alert(2)</script>"
)
TYPED = T + r" C:\temp\new &#92; &amp;"
LIVE = ("<img", "<script", "<b>", "onerror=alert(1)>")


def stored_text(content: str) -> str:
    """What a stored message says once a browser has turned its entities back into text."""
    return html.unescape(re.sub(r"<[^>]+>", "", content)).strip()


def assert_shown_literally(page: str, text: str) -> None:
    shown = bodies(page)
    assert html_to_text(shown).count(text) == 1
    for live in LIVE:
        assert live not in shown


def test_new_ticket_text_is_stored_escaped_and_shown_as_typed(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    before = set(sim.acme.site.tickets)

    response = agent_client.post(
        reverse("customers:new_ticket"),
        {
            "site": str(acme.pk),
            "priority": "normal",
            "customer_mode": "existing",
            "customer": str(olivia["id"]),
            "title": "Literal text",
            "content": TYPED,
            "intent": "create",
        },
    )

    assert response.status_code == 302
    (ticket_id,) = set(sim.acme.site.tickets) - before
    stored = sim.acme.site.tickets[ticket_id]["content"]
    # Stored escaped once: no tag the plugin could serve live to wp-admin or an email.
    assert "<img" not in stored and "<script" not in stored and "<b>" not in stored
    assert stored_text(stored) == TYPED
    assert_shown_literally(agent_client.get(url("thread", acme, ticket_id)).content.decode(), TYPED)


@pytest.mark.usefixtures("stays_after_send")
def test_reply_and_note_text_are_stored_escaped_and_shown_as_typed(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    for action in ("reply", "note"):
        fields = open_composer(agent_client, acme, ticket_id)
        data = {"text": f"{action}: {TYPED}", "action": action}
        data |= {"mode": "note" if action == "note" else "reply"} | fields
        response = agent_client.post(url("reply", acme, ticket_id), data, **HTMX)
        assert response.status_code == 200
        # The site's answer to the POST carries the text decoded (live tags): the swapped-in
        # conversation is read back with a GET instead, so it shows the text as typed.
        assert_shown_literally(response.content.decode(), f"{action}: {TYPED}")

        (row,) = [r for r in rows_of(sim.acme, ticket_id) if f"{action}:" in r["content"]]
        assert "<img" not in row["content"] and "<b>" not in row["content"]
        assert stored_text(row["content"]) == f"{action}: {TYPED}"
        page = agent_client.get(url("thread", acme, ticket_id)).content.decode()
        assert_shown_literally(page, f"{action}: {TYPED}")


def test_edited_text_is_stored_escaped_and_shown_as_typed(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    row = agent_reply(sim.acme, ticket_id)

    response = agent_client.post(
        url("response_edit", acme, ticket_id, row["id"]), {"text": TYPED}, **HTMX
    )

    assert response.status_code == 200
    swapped = response.content.decode()
    assert html_to_text(swapped).count(TYPED) == 1 and "<img" not in swapped
    stored = sim.acme.site.responses[row["id"]]["content"]
    assert "<img" not in stored and "<b>" not in stored
    assert stored_text(stored) == TYPED
    assert_shown_literally(agent_client.get(url("thread", acme, ticket_id)).content.decode(), TYPED)
