"""Sites journeys in Chromium: connect, a wrong password, remove."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from dashboard.sites.models import Site

SHOTS = Path("/tmp/shots/sites")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def fill_connect(page, base_url: str, username: str, password: str) -> None:
    page.get_by_label("Site address").fill(base_url)
    page.get_by_label("WordPress username").fill(username)
    page.get_by_label("Application Password").fill(password)
    page.get_by_role("button", name="Verify and connect").click()


def test_connecting_a_site_verifies_it_and_shows_what_was_found(
    user, sim, logged_in_page, live_server
):
    page = logged_in_page
    expect(page.get_by_role("heading", name="Connect your first site")).to_be_visible()
    page.get_by_role("link", name="Connect a site").first.click()
    admin = sim.acme.site.users["admin"]
    fill_connect(page, sim.acme.base_url, "admin", admin.app_password)
    expect(page).to_have_url(re.compile(r"/sites/"))
    expect(page.locator(".flash-success")).to_contain_text("Connected Acme Store")
    card = page.locator(".site-card", has_text="Acme Store")
    expect(card).to_contain_text("Administrator")
    expect(card).to_contain_text("Connected")  # FluentCRM
    shot(page, "connected")
    assert admin.app_password not in page.content()
    page.get_by_role("link", name="Inbox").click()
    expect(page.locator("[data-row]").first).to_be_visible()


def test_a_wrong_password_is_said_plainly_keeps_the_fields_and_saves_nothing(
    user, sim, logged_in_page, live_server
):
    page = logged_in_page
    page.goto(f"{live_server.url}/sites/connect/")
    fill_connect(page, sim.acme.base_url, "admin", "aaaa bbbb cccc dddd eeee ffff")
    error = page.locator(".field-error")
    expect(error).to_contain_text("refused this username or Application Password")
    expect(page.get_by_label("Site address")).to_have_value(sim.acme.base_url)
    expect(page.get_by_label("Application Password")).to_have_value("")
    shot(page, "wrong-password")
    assert not Site.objects.filter(owner=user).exists()


def test_removing_a_site_asks_first_and_removes_it(acme, sim, logged_in_page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/sites/")
    page.locator(".site-card", has_text="Acme Store").get_by_role("link", name="Disconnect").click()
    expect(page.get_by_role("heading", name="Disconnect Acme Store?")).to_be_visible()
    page.get_by_role("button", name="Disconnect").click()
    expect(page.locator(".flash-success")).to_contain_text("Removed your connection to Acme Store")
    # The site stays the team's, ready to connect again.
    card = page.locator(".site-card", has_text="Acme Store")
    expect(card).to_contain_text("Not connected")
    expect(card.get_by_role("link", name="Connect")).to_be_visible()
    assert not Site.objects.filter(pk=acme.pk).exists()


def login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_teammate_opens_a_copied_ticket_link_after_connecting_the_site(
    acme, sim, logged_in_page, live_server, browser, other_user, password
):
    page = logged_in_page
    ticket = next(t for t in sim.acme.site.tickets.values() if t["agent_id"] is None)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"{live_server.url}/sites/{acme.slug}/tickets/{ticket['id']}/")
    page.locator("#thread-head").get_by_role("link", name="Copy link").click()
    expect(page.locator(".flash-success")).to_contain_text("Link to this ticket copied")
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"{live_server.url}/sites/acme-store/tickets/{ticket['id']}/"
    shot(page, "copied-link")

    # The second agent, in their own browser, has not connected the store yet.
    other = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    try:
        second = other.new_page()
        login(second, live_server, other_user.username, password)
        second.goto(link)
        expect(
            second.get_by_role("heading", name="You have not connected Acme Store")
        ).to_be_visible()
        expect(second.get_by_text(ticket["title"])).to_have_count(0)
        shot(second, "connect-prompt-390")
        second.get_by_role("link", name="Connect Acme Store").click()
        second.get_by_label("WordPress username").fill("maria")
        second.get_by_label("Application Password").fill(sim.acme.site.users["maria"].app_password)
        second.get_by_role("button", name="Verify and connect").click()
        expect(second).to_have_url(link)
        expect(second.locator(".thread-title")).to_have_text(ticket["title"])
        shot(second, "link-opened-390")
    finally:
        other.close()
    assert Site.objects.get(owner=other_user).team_site == acme.team_site
