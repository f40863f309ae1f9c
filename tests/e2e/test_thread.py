"""Journeys on the thread page in Chromium: answering, noting, closing, editing, deleting,
changing properties and tags, and a draft that survives a reload. Screenshots of each state go
to /tmp/shots/thread/ (1440 px and 390 px wide)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.signals import request_finished, request_started
from django.urls import reverse
from playwright.sync_api import expect

SHOTS = Path("/tmp/shots/thread")


@pytest.fixture
def shoot(page):
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, *, narrow: bool = True) -> None:
        page.screenshot(path=str(SHOTS / f"{name}-1440.png"), full_page=True)
        if narrow:
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
            page.set_viewport_size({"width": 1440, "height": 900})

    return take


def open_ticket(sim_site, *, status=("new", "active"), agent="any", replies=2) -> int:
    for ticket in sim_site.site.tickets.values():
        if ticket["status"] in status and (agent == "any" or ticket["agent_id"] == agent):
            rows = sim_site.site.store.responses_by_ticket.get(ticket["id"], [])
            if len(rows) >= replies:
                return ticket["id"]
    raise AssertionError("no open ticket with replies in the seed")


def thread(live_server, site, ticket_id: int, **params) -> str:
    path = reverse("tickets:thread", args=[site.slug, ticket_id])
    return live_server.url + path + (f"?{urlencode(params)}" if params else "")


def contents(sim_site, ticket_id: int, needle: str) -> list[dict]:
    site = sim_site.site
    rows = [site.responses[r] for r in site.store.responses_by_ticket.get(ticket_id, [])]
    return [row for row in rows if needle in row["content"]]


@pytest.mark.usefixtures("stays_after_send")
def test_reply_with_the_keyboard_appears_at_once(logged_in_page, live_server, acme, sim, shoot):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme)
    page.goto(thread(live_server, acme, ticket_id))
    shoot("page")
    page.keyboard.press("r")
    composer = page.locator("#composer-text")
    expect(composer).to_be_focused()
    composer.fill("Thanks, the fix is live.\n\nDetails: https://example.com/status")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#composer .composer-status")).to_contain_text("Reply sent.")
    expect(page.locator("#composer-text")).to_have_value("")
    last = page.locator("#conversation > li").last
    expect(last).to_contain_text("Thanks, the fix is live.")
    expect(last.get_by_role("link", name="https://example.com/status")).to_be_visible()
    shoot("reply-sent")
    (row,) = contents(sim.acme, ticket_id, "the fix is live")
    assert row["conversation_type"] == "response"


def test_internal_note_is_marked_as_internal(logged_in_page, live_server, acme, sim, shoot):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme)
    page.goto(thread(live_server, acme, ticket_id))
    page.keyboard.press("n")
    expect(page.locator("#composer-text")).to_be_focused()
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_hidden()
    page.locator("#composer-text").fill("Customer is on the legacy plan.")
    shoot("note-mode", narrow=False)
    page.get_by_role("button", name="Add note").click()
    note = page.locator("#conversation > li.message-note").last
    expect(note).to_contain_text("Customer is on the legacy plan.")
    expect(note).to_contain_text("Internal note")
    assert contents(sim.acme, ticket_id, "legacy plan")[0]["conversation_type"] == "note"


@pytest.mark.usefixtures("stays_after_send")
def test_send_and_close(logged_in_page, live_server, acme, sim):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme, status=("active",))
    page.goto(thread(live_server, acme, ticket_id))
    page.locator("#composer-text").fill("Closing this as solved.")
    page.get_by_role("button", name="Send & close").click()
    expect(page.locator("#thread-head .pill")).to_have_text("Closed")
    expect(page.get_by_role("button", name="Re-open")).to_be_visible()
    assert sim.acme.site.tickets[ticket_id]["status"] == "closed"
    assert len(contents(sim.acme, ticket_id, "Closing this as solved.")) == 1


@pytest.mark.usefixtures("stays_after_send")
def test_draft_survives_a_reload_and_is_cleared_after_sending(
    logged_in_page, live_server, acme, sim, shoot
):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme)
    page.goto(thread(live_server, acme, ticket_id))
    page.locator("#composer-text").fill("Half-written answer that must not be lost")
    expect(page.locator("[data-draft-status]")).to_have_text("Draft saved")
    page.reload()
    expect(page.locator("#composer-text")).to_have_value(
        "Half-written answer that must not be lost"
    )
    expect(page.locator("[data-draft-status]")).to_have_text("Draft restored")
    shoot("draft-restored", narrow=False)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#composer .composer-status")).to_contain_text("Reply sent.")
    page.reload()
    expect(page.locator("#composer-text")).to_have_value("")


@pytest.mark.usefixtures("stays_after_send")
def test_failed_send_keeps_the_text_and_a_retry_posts_once(
    logged_in_page, live_server, acme, sim, shoot
):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme)
    page.goto(thread(live_server, acme, ticket_id))
    sim.acme.site.add_fault(
        "status_502", route="/fluent-support/v2/tickets/*/responses", method="POST"
    )
    page.locator("#composer-text").fill("Please keep this text")
    page.keyboard.press("Control+Enter")
    status = page.locator("#composer .composer-status")
    expect(status).to_contain_text("Not sent. Acme Store: The site answered with a server error")
    expect(page.locator("#composer-text")).to_have_value("Please keep this text")
    shoot("send-failed")
    sim.acme.site.clear_faults()
    page.get_by_role("button", name="Send", exact=True).dblclick()
    expect(status).to_contain_text("Reply sent.")
    assert len(contents(sim.acme, ticket_id, "Please keep this text")) == 1


@pytest.mark.usefixtures("stays_after_send")
def test_new_customer_message_is_shown_before_sending(
    logged_in_page, live_server, acme, sim, shoot
):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme)
    page.goto(thread(live_server, acme, ticket_id))
    sim.acme.site.add_customer_reply(ticket_id, "<p>Update: it started working again.</p>")
    page.locator("#composer-text").fill("Let me check the logs.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".arrived-box")).to_contain_text("Update: it started working again.")
    expect(page.locator("#conversation")).to_contain_text("Update: it started working again.")
    shoot("new-message-409")
    assert contents(sim.acme, ticket_id, "Let me check the logs.") == []
    page.get_by_role("button", name="Send anyway", exact=True).click()
    expect(page.locator("#composer .composer-status")).to_contain_text("Reply sent.")
    assert len(contents(sim.acme, ticket_id, "Let me check the logs.")) == 1


def test_edit_and_delete_in_place(logged_in_page, live_server, acme, sim, shoot):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme)
    page.goto(thread(live_server, acme, ticket_id))
    message = page.locator(
        "#conversation > li.message-agent, #conversation > li.message-note"
    ).first
    message_id = int(message.get_attribute("id").split("-")[1])
    message.get_by_role("link", name="Edit").click()
    field = message.locator("textarea")
    expect(field).to_be_focused()
    field.fill("Edited: the fix ships on Friday.")
    shoot("editing", narrow=False)
    message.get_by_role("button", name="Save").click()
    expect(message.locator(".message-body")).to_have_text("Edited: the fix ships on Friday.")
    expect(field).to_have_count(0)
    assert "the fix ships on Friday" in sim.acme.site.responses[message_id]["content"]

    message.locator("summary", has_text="Delete").click()
    shoot("delete-confirm", narrow=False)
    message.get_by_role("button", name=re.compile(r"^Delete (reply|note)$")).click()
    expect(page.locator(f"#message-{message_id}")).to_have_count(0)
    assert message_id not in sim.acme.site.responses


def test_properties_and_tags_change_inline(logged_in_page, live_server, acme, sim, shoot):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme, agent=None, replies=0)
    sim.acme.site.tickets[ticket_id]["tag_ids"] = []
    page.goto(thread(live_server, acme, ticket_id))
    priority = page.get_by_label("Priority", exact=True)
    priority.focus()
    priority.select_option("critical")
    expect(page.locator("#properties")).to_contain_text("Priority changed.")
    # The panel was replaced by the site's answer; the keyboard stays where it was.
    expect(page.get_by_label("Priority", exact=True)).to_be_focused()
    expect(page.locator("#thread-head")).to_contain_text("Critical")
    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_label("Agent", exact=True)).to_have_value("1")
    expect(page.locator("#conversation")).to_contain_text("assigned Alex Admin in this ticket")
    page.get_by_placeholder("Add a tag…").fill("vip")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("button", name="Remove tag vip")).to_be_visible()
    shoot("properties")
    ticket = sim.acme.site.tickets[ticket_id]
    assert (ticket["priority"], ticket["agent_id"], ticket["tag_ids"]) == ("critical", 1, [8])
    page.get_by_role("button", name="Remove tag vip").click()
    expect(page.get_by_role("button", name="Remove tag vip")).to_have_count(0)
    expect(page.get_by_placeholder("Add a tag…")).to_be_focused()
    assert sim.acme.site.tickets[ticket_id]["tag_ids"] == []


@pytest.mark.usefixtures("stays_after_send")
def test_close_with_c_and_reopen(logged_in_page, live_server, acme, sim):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme, status=("active",))
    page.goto(thread(live_server, acme, ticket_id))
    page.keyboard.press("c")
    expect(page.locator("#thread-head")).to_contain_text("Ticket closed.")
    assert sim.acme.site.tickets[ticket_id]["status"] == "closed"
    page.get_by_role("button", name="Re-open").click()
    expect(page.locator("#thread-head .pill")).to_have_text("Active")
    assert sim.acme.site.tickets[ticket_id]["status"] == "active"


def test_colleague_viewing_is_shown(logged_in_page, live_server, acme, sim, shoot):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme)
    site = sim.acme.site
    site.viewers.setdefault(ticket_id, {})[3] = site.monotonic() + 60
    page.goto(thread(live_server, acme, ticket_id))
    expect(page.locator("#presence")).to_contain_text("Tom Becker is viewing this ticket")
    shoot("presence", narrow=False)


def test_next_previous_and_back_keep_the_list(logged_in_page, live_server, acme, sim):
    page = logged_in_page
    page.goto(f"{live_server.url}/?site={acme.slug}&sort=newest")
    links = page.locator(f"a[href*='/sites/{acme.slug}/tickets/']")
    expect(links.first).to_be_visible()
    hrefs = list(dict.fromkeys(links.evaluate_all("els => els.map(e => e.getAttribute('href'))")))
    page.goto(live_server.url + hrefs[1])
    expect(page.locator("a[rel=next]")).to_be_visible()
    page.keyboard.press("j")
    page.wait_for_url(re.compile(re.escape(hrefs[2].split("?")[0])))
    expect(page.locator("a[rel=prev]")).to_be_visible()
    page.keyboard.press("k")
    page.wait_for_url(re.compile(re.escape(hrefs[1].split("?")[0])))
    # Leaving tells the site we stopped viewing the ticket. The page's presence check may still
    # be on its way (it starts as the page loads), and it must not register us again. The leave
    # is sent as the browser moves on, so the browser never sees its answer and the inbox
    # loading is no sign that it was handled: wait for the server to have handled it.
    with handled_by_server(r"/leave/$") as left:
        with page.expect_request(re.compile(r"/leave/$")) as leaving:
            page.keyboard.press("Escape")
        assert leaving.value.method == "POST"
        page.wait_for_url(re.compile(r"/\?site=[a-z0-9-]+&sort=newest$"))
        assert left.wait(timeout=30)
    assert 1 not in sim.acme.site.viewers.get(int(hrefs[1].split("/")[4]), {})


@contextmanager
def handled_by_server(path: str) -> Iterator[threading.Event]:
    """An event set once the live server has finished a request whose path matches."""
    done = threading.Event()
    local = threading.local()

    def started(sender, environ, **kwargs) -> None:
        local.match = bool(re.search(path, environ.get("PATH_INFO", "")))

    def finished(sender, **kwargs) -> None:
        if getattr(local, "match", False):
            done.set()

    request_started.connect(started, weak=False)
    request_finished.connect(finished, weak=False)
    try:
        yield done
    finally:
        request_started.disconnect(started)
        request_finished.disconnect(finished)
