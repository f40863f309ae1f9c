"""Inbox journeys in Chromium: filtering with Back/forward, bulk close, keyboard, a site down."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

SHOTS = Path("/tmp/shots/inbox")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def open_ids(sim_site) -> set[int]:
    return {t["id"] for t in sim_site.site.tickets.values() if t["status"] in ("new", "active")}


def test_filtering_pushes_the_url_and_back_restores_it(
    acme, academy, sim, logged_in_page, live_server
):
    page = logged_in_page
    expect(page.locator("#results")).to_have_attribute(
        "data-total", str(len(open_ids(sim.acme)) + len(open_ids(sim.academy)))
    )
    expect(page.locator("#count-status-open")).not_to_contain_text("00")  # counts arrived
    shot(page, "all-sites")

    page.locator("#f-priority").select_option("critical")
    expect(page).to_have_url(re.compile(r"priority=critical"))
    critical = sum(
        1
        for entry in (sim.acme, sim.academy)
        for t in entry.site.tickets.values()
        if t["status"] in ("new", "active") and t["priority"] == "critical"
    )
    expect(page.locator("#results")).to_have_attribute("data-total", str(critical))

    page.get_by_role("link", name=re.compile(r"^Closed")).click()
    expect(page).to_have_url(re.compile(r"status=closed"))
    expect(page.locator(".tab.is-current")).to_contain_text("Closed")

    page.go_back()
    expect(page).to_have_url(re.compile(r"priority=critical"))
    expect(page.locator(".tab.is-current")).to_contain_text("Open")
    expect(page.locator("#results")).to_have_attribute("data-total", str(critical))
    page.go_forward()
    expect(page.locator(".tab.is-current")).to_contain_text("Closed")

    page.locator("#search").fill("zzzznothing")
    expect(page.get_by_text("No tickets match these filters")).to_be_visible()
    shot(page, "no-match")


def test_bulk_close_with_shift_click_range(acme, sim, logged_in_page):
    page = logged_in_page
    page.goto(page.url.split("?")[0] + f"?site={acme.slug}")
    boxes = page.locator(".row-check")
    boxes.nth(0).click()
    boxes.nth(2).click(modifiers=["Shift"])
    expect(page.locator(".selected-count")).to_have_text("3 selected")
    keys = [boxes.nth(i).get_attribute("value") for i in range(3)]
    page.locator("#bulk-action").select_option("close")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator(".flash-success")).to_contain_text("Acme Store")
    shot(page, "bulk-closed")
    for key in keys:
        ticket_id = int(key.split(":")[1])
        assert sim.acme.site.tickets[ticket_id]["status"] == "closed"
        expect(page.locator(f'[data-key-id="{key}"]')).to_have_count(0)


def test_keyboard_moves_selects_and_opens(acme, sim, logged_in_page):
    page = logged_in_page
    page.goto(page.url.split("?")[0] + f"?site={acme.slug}")
    page.keyboard.press("j")
    page.keyboard.press("j")
    second = page.locator("[data-row]").nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("x")
    expect(second.locator(".row-check")).to_be_checked()
    page.keyboard.press("k")
    expect(page.locator("[data-row]").nth(0)).to_be_focused()
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    key = page.locator("[data-row]").nth(0).get_attribute("data-key-id")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/sites/{acme.slug}/tickets/{key.split(':')[1]}/"))


def test_a_site_going_down_shows_a_warning_chip_while_others_list(
    acme, academy, sim, logged_in_page
):
    page = logged_in_page
    expect(page.locator("[data-row]").first).to_be_visible()
    sim.academy.site.add_fault("status_502")
    page.locator("#f-priority").select_option("medium")
    expect(page.locator(".chip-error")).to_contain_text("Acme Academy")
    rows = page.locator("[data-row]")
    expect(rows.first).to_be_visible()
    for key in rows.evaluate_all("rows => rows.map(r => r.dataset.keyId)"):
        assert key.startswith(f"{acme.pk}:")
    shot(page, "site-down")


def test_the_inbox_works_on_a_phone(acme, academy, sim, logged_in_page):
    page = logged_in_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator("[data-row]").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways ({width}px)"
    shot(page, "phone")


def test_one_person_across_sites_filters_and_takes_tickets_on_both(
    acme, academy, sim, priya, logged_in_page, live_server
):
    page = logged_in_page
    # The first list's counts learn each site's agents; the next list offers their people.
    expect(page.locator("#count-status-open")).not_to_contain_text("00")
    page.goto(f"{live_server.url}/?agent=unassigned")
    choices = page.locator("#f-agent option", has_text="Priya")
    expect(choices).to_have_text(["Priya N."])

    # One ticket of each site, unassigned, given to her: each site gets its own id for her.
    picked = []
    for site in (acme, academy):
        box = page.locator(f'.row-check[value^="{site.pk}:"]').first
        picked.append(box.get_attribute("value"))
        box.click()
    page.locator("#bulk-action").select_option("assign_agent")
    page.locator("#bulk-agent").select_option(label="Priya N.")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator(".flash-success")).to_have_count(2)
    shot(page, "assigned-to-a-person")
    by_site = {acme.pk: (sim.acme, 4), academy.pk: (sim.academy, 3)}
    for key in picked:
        site_id, ticket_id = map(int, key.split(":"))
        sim_site, agent_id = by_site[site_id]
        assert sim_site.site.tickets[ticket_id]["agent_id"] == agent_id

    # Filtering by her lists her tickets of both sites, those two among them.
    page.locator("#f-agent").select_option(label="Priya N.")
    expect(page).to_have_url(re.compile(r"agent=p-[0-9a-f]{10}"))
    mine = sum(
        1
        for entry, agent_id in ((sim.acme, 4), (sim.academy, 3))
        for t in entry.site.tickets.values()
        if t["status"] in ("new", "active") and t["agent_id"] == agent_id
    )
    expect(page.locator("#results")).to_have_attribute("data-total", str(mine))
    expect(page.locator(".row-agent", has_text="Priya Nair")).to_have_count(0)
    shot(page, "filtered-by-a-person")
