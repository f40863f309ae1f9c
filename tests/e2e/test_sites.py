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
    page.locator(".site-card", has_text="Acme Store").get_by_role("link", name="Remove").click()
    expect(page.get_by_role("heading", name="Remove Acme Store?")).to_be_visible()
    page.get_by_role("button", name="Remove site").click()
    expect(page.locator(".flash-success")).to_contain_text("Removed Acme Store")
    expect(page.locator(".site-card")).to_have_count(0)
    assert not Site.objects.filter(pk=acme.pk).exists()
