"""The agent's loop in Chromium: open, reply, send-and-close-and-next with keys only (counted),
focus that never falls into the composer uninvited, the after-send preference, the next
ticket read ahead, and Load more surviving Back."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.tickets.test_inbox import row_keys

pytestmark = pytest.mark.e2e


def listed_ids(page) -> list[int]:
    return [int(key.split(":")[1]) for key in row_keys(page.content())]


def thread_path(site, ticket_id: int) -> str:
    return reverse("tickets:thread", args=[site.slug, ticket_id])


def test_the_whole_loop_with_keys_only(logged_in_page, live_server, acme, sim):
    page = logged_in_page
    page.goto(f"{live_server.url}/?site={acme.slug}")
    order = listed_ids(page)
    keys = 0

    def press(key: str) -> None:
        nonlocal keys
        keys += 1
        page.keyboard.press(key)

    press("j")  # the first row
    press("Enter")  # open it
    expect(page).to_have_url(re.compile(re.escape(thread_path(acme, order[0]))))
    expect(page.locator("#nav-links a[rel=next]")).to_be_visible()
    expect(page.locator("#composer-text")).not_to_be_focused()
    press("r")  # reply
    expect(page.locator("#composer-text")).to_be_focused()
    page.keyboard.type("Sorted, thanks for your patience.")
    press("Control+Shift+Enter")  # send, close, and go on to the next ticket

    expect(page).to_have_url(re.compile(re.escape(thread_path(acme, order[1]))))
    expect(page.get_by_text("Reply sent")).to_be_visible()
    assert keys <= 4, keys
    assert sim.acme.site.tickets[order[0]]["status"] == "closed"
    responses = sim.acme.site.store.responses_by_ticket[order[0]]
    assert any("Sorted, thanks" in sim.acme.site.responses[r]["content"] for r in responses)
    # Focus is not in the composer: the next key is a command, not text.
    expect(page.locator("#composer-text")).not_to_be_focused()
    expect(page.locator("#composer-text")).to_have_value("")

    # The next round is 2 keys plus the typing.
    expect(page.locator("#nav-links a[rel=next]")).to_be_visible()
    page.keyboard.press("r")
    expect(page.locator("#composer-text")).to_be_focused()
    page.keyboard.type("Done here too.")
    page.keyboard.press("Control+Shift+Enter")
    expect(page).to_have_url(re.compile(re.escape(thread_path(acme, order[2]))))
    assert sim.acme.site.tickets[order[1]]["status"] == "closed"


def test_after_close_the_next_key_is_not_typed_into_the_reply(
    logged_in_page, live_server, acme, sim, stays_after_send
):
    page = logged_in_page
    page.goto(f"{live_server.url}/?site={acme.slug}")
    order = listed_ids(page)
    page.goto(
        live_server.url
        + thread_path(acme, order[0])
        + "?"
        + urlencode({"from": f"site={acme.slug}"})
    )
    expect(page.locator("a[rel=next]")).to_be_visible()
    page.keyboard.press("r")
    expect(page.locator("#composer-text")).to_be_focused()
    page.keyboard.type("First answer.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#composer-status")).to_contain_text("Reply sent")
    expect(page.locator("#composer-text")).not_to_be_focused()
    # Into the composer and out again (Esc), then close with c.
    page.keyboard.press("r")
    expect(page.locator("#composer-text")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#composer-text")).not_to_be_focused()
    page.keyboard.press("c")
    expect(page.get_by_role("button", name="Re-open")).to_be_visible()
    expect(page.locator("#composer-text")).not_to_be_focused()
    page.keyboard.press("j")
    expect(page).to_have_url(re.compile(re.escape(thread_path(acme, order[1]))))
    # The j moved on; nothing was typed into the reply or kept as its draft.
    draft = page.evaluate(f"localStorage.getItem('draft:{acme.pk}:{order[0]}')")
    assert draft is None


def test_question_mark_lists_the_send_and_close_shortcut(logged_in_page, live_server, acme, sim):
    page = logged_in_page
    page.goto(f"{live_server.url}/?site={acme.slug}")
    page.goto(live_server.url + thread_path(acme, listed_ids(page)[0]))
    page.keyboard.press("?")
    dialog = page.locator("dialog#shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Send & close")
    for text in ("Reply", "Close the ticket", "Next / previous ticket"):
        expect(dialog).to_contain_text(text)


def test_the_preference_takes_the_agent_back_to_the_list(logged_in_page, live_server, acme, sim):
    page = logged_in_page
    page.goto(f"{live_server.url}/?site={acme.slug}")
    order = listed_ids(page)
    page.locator("details.user-menu summary").click()
    page.get_by_role("link", name="Preferences").click()
    page.get_by_label("Go back to the list").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Preferences saved.")).to_be_visible()
    expect(page.get_by_label("Go back to the list")).to_be_checked()

    page.goto(f"{live_server.url}/?site={acme.slug}")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Close ticket")).to_be_visible()
    expect(page.locator("#nav-links a[rel=next]")).to_be_visible()  # the page's scripts ran
    page.keyboard.press("c")
    expect(page).to_have_url(f"{live_server.url}/?site={acme.slug}")
    expect(page.locator(".flash").get_by_text(f"Ticket #{order[0]} closed.").first).to_be_visible()


def test_the_next_ticket_is_read_ahead_and_opens_without_a_site_call(
    logged_in_page, live_server, acme, sim
):
    page = logged_in_page
    page.goto(f"{live_server.url}/?site={acme.slug}")
    order = listed_ids(page)
    with page.expect_response(lambda r: "prefetch-next" in r.url) as answer:
        page.keyboard.press("j")
        page.keyboard.press("Enter")
    assert answer.value.status == 204
    assert answer.value.headers.get("x-prefetched", "").startswith(thread_path(acme, order[1]))
    assert sim.acme.site.viewers.get(order[1], {}) == {}
    # The rest of the page (customer panel, CRM contact, viewers) has loaded too.
    page.wait_for_load_state("networkidle")
    sim.acme.site.wait_idle()  # the log entry is written after the answer
    sim.acme.site.clear_log()
    page.keyboard.press("j")
    expect(page).to_have_url(re.compile(re.escape(thread_path(acme, order[1]))))
    expect(page.locator("#nav-links a[rel=prev]")).to_be_visible()
    ticket_reads = [
        e.path for e in sim.acme.site.request_log if e.path.endswith(f"/tickets/{order[1]}")
    ]
    assert ticket_reads == [], [(e.method, e.path, e.query) for e in sim.acme.site.request_log]


def test_back_after_load_more_shows_the_same_rows_at_the_same_place(
    logged_in_page, live_server, acme, academy, sim
):
    page = logged_in_page
    page.set_viewport_size({"width": 1200, "height": 700})
    page.goto(f"{live_server.url}/?sort=newest")
    page.get_by_role("link", name="Load more").click()
    expect(page).to_have_url(re.compile(r"shown=\d+"))
    rows = page.locator("#ticket-list [data-row]")
    shown = rows.count()
    assert shown >= 23
    row = rows.nth(22)
    row.scroll_into_view_if_needed()
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    row.locator("a").first.click()
    expect(page.locator("#composer")).to_be_visible()
    page.go_back()
    expect(page.locator("#ticket-list [data-row]")).to_have_count(shown)
    page.wait_for_function(f"Math.abs(window.scrollY - {scrolled}) < 5")
