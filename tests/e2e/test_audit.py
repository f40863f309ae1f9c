"""The audit trail in Chromium: an agent's reply appears on a team lead's audit page, which
filters by swapping only the results, keeps the filter in the address, and links each ticket
to its thread. Screenshots go to /tmp/shots/audit/ (1440 px and 390 px wide)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from dashboard.accounts.roles import AGENT, set_role
from tests.audit.helpers import grant_audit
from tests.conftest import connect
from tests.e2e.test_thread import open_ticket, thread

SHOTS = Path("/tmp/shots/audit")
MARKER = "Refund approved, reference 7Q2X"


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.usefixtures("stays_after_send")
def test_an_agents_reply_appears_in_the_leads_audit_trail(
    logged_in_page, live_server, user, acme, sim, browser, browser_context_args, password
):
    set_role(user, AGENT)
    agent = logged_in_page
    ticket_id = open_ticket(sim.acme)
    agent.goto(thread(live_server, acme, ticket_id))
    agent.keyboard.press("r")
    agent.locator("#composer-text").fill(MARKER)
    agent.keyboard.press("Control+Enter")
    expect(agent.locator("#composer .composer-status")).to_contain_text("Reply sent.")
    # An agent without the permission has no way in.
    expect(agent.get_by_role("link", name="Audit", exact=True)).to_have_count(0)

    lead = get_user_model().objects.create_user("lead", password=password)
    grant_audit(lead)
    lead_site = connect(lead, sim.acme)
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    log_in(page, live_server, lead.username, password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    page.wait_for_url(f"{live_server.url}/audit/")
    row = page.locator(".audit-row").first
    expect(row).to_contain_text("Reply")
    expect(row).to_contain_text("agent")
    expect(row).to_contain_text("Acme Store")
    expect(row).to_contain_text(f"Ticket #{ticket_id}")
    expect(row.locator(".outcome")).to_have_text("Done")
    expect(page.locator("#audit-results")).not_to_contain_text(MARKER)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "trail-1440.png"), full_page=True)

    # A filter swaps only the results and is written in the address.
    page.locator("#audit-results").evaluate("el => el.dataset.before = 'yes'")
    page.get_by_label("Action").select_option("note")
    expect(page).to_have_url(re.compile(r"[?&]action=note"))
    expect(page.get_by_text("No entries")).to_be_visible()
    expect(page.locator("#audit-filters")).to_be_visible()
    page.get_by_label("Action").select_option("reply")
    expect(page.locator(".audit-row")).to_have_count(1)
    page.go_back()
    expect(page).to_have_url(re.compile(r"[?&]action=note"))

    # By keyboard: j to the row, then its ticket link opens the thread, through the lead's own
    # connection of the site.
    page.goto(f"{live_server.url}/audit/?action=reply")
    page.keyboard.press("j")
    expect(page.locator(".audit-row").first).to_be_focused()
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator(".audit-row").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(SHOTS / "trail-390.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.get_by_role("link", name=f"Ticket #{ticket_id}").click()
    page.wait_for_url(re.compile(rf"/sites/{lead_site.slug}/tickets/{ticket_id}/"))
    context.close()
