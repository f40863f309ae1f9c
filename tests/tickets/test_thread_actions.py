"""Editing and deleting messages, properties, status and tags: every change confirmed by the
simulated site, every refusal said where it happened."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import connect
from tests.tickets.test_thread import HTMX, rows_of, textarea, ticket_where, url

PROPERTY = "/fluent-support/v2/tickets/*/property"


def agent_reply(sim_site, ticket_id: int) -> dict:
    return next(
        row
        for row in rows_of(sim_site, ticket_id)
        if row["conversation_type"] == "response"
        and sim_site.site.store.persons[row["person_id"]]["person_type"] == "agent"
    )


def selected(html: str, select_id: str) -> str:
    select = re.search(rf'<select id="{select_id}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]*)"[^>]* selected', select).group(1)


# Editing


def test_edit_form_holds_the_message_as_markdown(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    row = agent_reply(sim.acme, ticket_id)
    row["content"] = "<p>Hi Sofia,</p>\n<p>Try <strong>this</strong> &amp; that.</p>"
    response = agent_client.get(url("response_edit", acme, ticket_id, row["id"]), **HTMX)
    assert response.status_code == 200
    # The formatting comes back as the Markdown that makes it, so saving keeps it.
    assert textarea(response.content.decode()) == "Hi Sofia,\n\nTry **this** &amp; that."


def test_edit_saves_on_the_site_and_shows_what_the_site_stored(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    row = agent_reply(sim.acme, ticket_id)
    path = url("response_edit", acme, ticket_id, row["id"])
    response = agent_client.post(path, {"text": "Corrected: <i>see</i> the docs."}, **HTMX)
    assert response.status_code == 200
    stored = sim.acme.site.responses[row["id"]]["content"]
    assert "Corrected: &lt;i&gt;see&lt;/i&gt; the docs." in stored
    html = response.content.decode()
    assert f'<div class="message-body" id="body-{row["id"]}" hx-swap-oob="true">' in html
    assert "Corrected: &lt;i&gt;see&lt;/i&gt; the docs." in html
    assert json.loads(response["HX-Trigger"])["ticketUpdated"]["ticket"] == ticket_id


def test_empty_edit_is_refused_and_changes_nothing(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    row = agent_reply(sim.acme, ticket_id)
    before = row["content"]
    response = agent_client.post(
        url("response_edit", acme, ticket_id, row["id"]), {"text": " "}, **HTMX
    )
    assert response.status_code == 422
    assert "the message is empty" in response.content.decode()
    assert sim.acme.site.responses[row["id"]]["content"] == before


def test_edit_refused_by_the_site_keeps_the_text_and_says_why(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    row = agent_reply(sim.acme, ticket_id)
    sim.acme.site.add_fault("revoked_401", route="/fluent-support/v2/tickets/*/responses/*")
    response = agent_client.post(
        url("response_edit", acme, ticket_id, row["id"]), {"text": "My careful edit"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 401
    assert textarea(html) == "My careful edit"
    assert f"Reconnect {acme.label}" in html


def test_edit_timeout_keeps_the_text(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    row = agent_reply(sim.acme, ticket_id)
    sim.acme.site.add_fault(
        "timeout", route="/fluent-support/v2/tickets/*/responses/*", method="PUT", seconds=3
    )
    response = agent_client.post(
        url("response_edit", acme, ticket_id, row["id"]), {"text": "Slow edit"}, **HTMX
    )
    assert response.status_code == 424
    assert textarea(response.content.decode()) == "Slow edit"
    assert "did not answer within" in response.content.decode()


def test_edit_without_javascript_shows_the_form_in_the_page(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    row = agent_reply(sim.acme, ticket_id)
    response = agent_client.get(url("response_edit", acme, ticket_id, row["id"]))
    assert response.status_code == 302
    page = agent_client.get(response["Location"]).content.decode()
    assert f'id="edit-text-{row["id"]}"' in page
    saved = agent_client.post(url("response_edit", acme, ticket_id, row["id"]), {"text": "New"})
    assert saved.status_code == 302
    assert sim.acme.site.responses[row["id"]]["content"].startswith("<p>New</p>")


# Deleting


def test_delete_removes_the_message_on_the_site(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("note",))
    note = next(r for r in rows_of(sim.acme, ticket_id) if r["conversation_type"] == "note")
    response = agent_client.post(url("response_delete", acme, ticket_id, note["id"]), **HTMX)
    assert response.status_code == 200 and response.content == b""
    assert note["id"] not in sim.acme.site.responses
    assert "ticketUpdated" in response["HX-Trigger"]


def test_delete_refused_by_the_site_says_so_under_the_message(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    row = agent_reply(sim.acme, ticket_id)
    sim.acme.site.add_fault("forbidden_403", route="/fluent-support/v2/tickets/*/responses/*")
    response = agent_client.post(url("response_delete", acme, ticket_id, row["id"]), **HTMX)
    assert response.status_code == 403
    assert response["HX-Retarget"] == f"#edit-{row['id']}"
    assert "not allowed to do that" in response.content.decode()
    assert row["id"] in sim.acme.site.responses


def test_delete_timeout_and_revoked_password_are_explained(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    row = agent_reply(sim.acme, ticket_id)
    route = "/fluent-support/v2/tickets/*/responses/*"
    sim.acme.site.add_fault("timeout", route=route, method="DELETE", seconds=3)
    response = agent_client.post(url("response_delete", acme, ticket_id, row["id"]), **HTMX)
    assert response.status_code == 424
    assert "did not answer within" in response.content.decode()
    sim.acme.site.clear_faults()
    sim.acme.site.add_fault("revoked_401", route=route)
    response = agent_client.post(url("response_delete", acme, ticket_id, row["id"]), **HTMX)
    assert response.status_code == 401
    assert f"Reconnect {acme.label}" in response.content.decode()


def test_delete_asks_first(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    html = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    assert '<details class="confirm-delete">' in html
    assert "This cannot be undone." in html


# Properties


def test_priority_change_is_confirmed_by_the_site(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.tickets[ticket_id]["priority"] = "normal"
    path = url("property", acme, ticket_id)
    response = agent_client.post(path, {"name": "priority", "value": "critical"}, **HTMX)
    assert response.status_code == 200
    assert sim.acme.site.tickets[ticket_id]["priority"] == "critical"
    html = response.content.decode()
    assert selected(html, "prop-priority") == "critical"
    assert "Priority changed." in html
    # The header is refreshed too, from the same fresh read.
    assert 'id="thread-head" hx-swap-oob="true"' in html and "priority-critical" in html
    assert "ticketUpdated" in response["HX-Trigger"]


def test_values_the_site_does_not_offer_never_reach_it(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.clear_log()
    path = url("property", acme, ticket_id)
    for name, value in [("priority", "super-urgent"), ("product_id", "999"), ("agent_id", "x"),
                        ("status", "closed"), ("title", "hacked")]:  # fmt: skip
        response = agent_client.post(path, {"name": name, "value": value}, **HTMX)
        assert response.status_code == 422
    assert sim.acme.site.count("PUT", PROPERTY) == 0


def test_assign_to_me_and_the_activity_line_appears(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, agent=None)
    html = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    assert "Assign to me" in html
    response = agent_client.post(
        url("property", acme, ticket_id), {"name": "agent_id", "value": "1"}, **HTMX
    )
    assert sim.acme.site.tickets[ticket_id]["agent_id"] == 1
    html = response.content.decode()
    assert selected(html, "prop-agent") == "1"
    assert "Assign to me" not in html
    assert "assigned Alex Admin in this ticket" in html


def test_product_and_mailbox_change_on_the_site(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    path = url("property", acme, ticket_id)
    agent_client.post(path, {"name": "product_id", "value": "2"}, **HTMX)
    response = agent_client.post(path, {"name": "mailbox_id", "value": "3"}, **HTMX)
    ticket = sim.acme.site.tickets[ticket_id]
    assert (ticket["product_id"], ticket["mailbox_id"]) == (2, 3)
    assert selected(response.content.decode(), "prop-mailbox") == "3"


def test_a_limited_agent_sees_the_sites_refusal(client, user, sim):
    site = connect(user, sim.acme, username="maria")
    client.force_login(user)
    ticket_id = ticket_where(sim.acme, agent=None)
    response = client.post(
        url("property", site, ticket_id), {"name": "agent_id", "value": "3"}, **HTMX
    )
    assert response.status_code == 403
    assert "You do not have permission" in response.content.decode()
    assert sim.acme.site.tickets[ticket_id]["agent_id"] is None


def test_property_change_when_password_revoked_or_site_slow(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    path = url("property", acme, ticket_id)
    sim.acme.site.add_fault("timeout", route=PROPERTY, seconds=3)
    response = agent_client.post(path, {"name": "priority", "value": "medium"}, **HTMX)
    assert response.status_code == 424
    assert "did not answer within" in response.content.decode()
    sim.acme.site.clear_faults()
    sim.acme.site.add_fault("revoked_401", route=PROPERTY)
    response = agent_client.post(path, {"name": "priority", "value": "medium"}, **HTMX)
    assert response.status_code == 401
    assert f"Reconnect {acme.label}" in response.content.decode()


def test_without_javascript_a_change_redirects_back_with_a_message(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    origin = f"site={acme.slug}&status=new"
    response = agent_client.post(
        url("property", acme, ticket_id),
        {"name": "client_priority", "value": "medium", "from": origin},
    )
    assert response.status_code == 302
    assert response["Location"] == url("thread", acme, ticket_id, **{"from": origin})
    assert sim.acme.site.tickets[ticket_id]["client_priority"] == "medium"
    assert "Client priority changed." in agent_client.get(response["Location"]).content.decode()


# Status


@pytest.mark.usefixtures("stays_after_send")
def test_close_and_reopen_use_the_sites_own_routes(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, statuses=("active",))
    sim.acme.site.clear_log()
    response = agent_client.post(url("close", acme, ticket_id), **HTMX)
    assert response.status_code == 200
    assert sim.acme.site.count("POST", f"/fluent-support/v2/tickets/{ticket_id}/close") == 1
    assert sim.acme.site.tickets[ticket_id]["status"] == "closed"
    html = response.content.decode()
    assert "Ticket closed." in html and "pill-closed" in html and "Re-open" in html
    response = agent_client.post(url("reopen", acme, ticket_id), **HTMX)
    assert sim.acme.site.count("POST", f"/fluent-support/v2/tickets/{ticket_id}/re-open") == 1
    assert sim.acme.site.tickets[ticket_id]["status"] == "active"
    assert "pill-active" in response.content.decode()


def test_close_refused_leaves_the_ticket_open_and_says_why(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, statuses=("active",))
    sim.acme.site.add_fault("status_500", route="/fluent-support/v2/tickets/*/close")
    response = agent_client.post(url("close", acme, ticket_id), **HTMX)
    assert response.status_code == 424
    assert "server error (500)" in response.content.decode()
    assert sim.acme.site.tickets[ticket_id]["status"] == "active"
    assert "pill-active" in response.content.decode()


# Tags


def test_tag_is_added_from_the_sites_list_and_removed_in_one_click(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.tickets[ticket_id]["tag_ids"] = []
    html = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    assert '<option value="vip">' in html  # offered, type to filter
    response = agent_client.post(url("tag_add", acme, ticket_id), {"tag": "VIP"}, **HTMX)
    assert sim.acme.site.tickets[ticket_id]["tag_ids"] == [8]
    # The site answers with the list as it was before; the page shows a fresh read instead.
    assert 'aria-label="Remove tag vip"' in response.content.decode()
    response = agent_client.post(url("tag_remove", acme, ticket_id, 8), **HTMX)
    assert sim.acme.site.tickets[ticket_id]["tag_ids"] == []
    assert 'aria-label="Remove tag vip"' not in response.content.decode()
    assert "Tag removed." in response.content.decode()


def test_unknown_tag_is_refused_before_the_site(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.clear_log()
    response = agent_client.post(url("tag_add", acme, ticket_id), {"tag": "made-up"}, **HTMX)
    assert response.status_code == 422
    assert "There is no tag “made-up” on this site" in response.content.decode()
    assert sim.acme.site.count("POST", "/fluent-support/v2/tickets/*/tags") == 0


def test_tag_change_when_password_revoked_or_site_slow(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.add_fault("timeout", route="/fluent-support/v2/tickets/*/tags", seconds=3)
    response = agent_client.post(url("tag_add", acme, ticket_id), {"tag": "bug"}, **HTMX)
    assert response.status_code == 424
    sim.acme.site.clear_faults()
    sim.acme.site.add_fault("revoked_401", route="/fluent-support/v2/tickets/*/tags/*")
    response = agent_client.post(url("tag_remove", acme, ticket_id, 1), **HTMX)
    assert response.status_code == 401
    assert f"Reconnect {acme.label}" in response.content.decode()
