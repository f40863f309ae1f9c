"""A team lead opens Reports, narrows them down, compares periods, reads a chart's table and
downloads its CSV; an agent opens My stats. Screenshots at 1440 and 390 px."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from playwright.sync_api import expect

SHOTS = Path("/tmp/shots/reports")
PHONE = {"width": 390, "height": 844}


def opened_total(sim_site, days: int) -> int:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    zone = sim_site.site.clock.zone
    return sum(
        1
        for t in sim_site.site.store.tickets.values()
        if first <= t["created_at"].astimezone(zone).date() <= today
    )


def test_team_lead_reads_trends_filters_compares_and_downloads(
    logged_in_page, live_server, sim, acme, academy
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = logged_in_page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page).to_have_url(re.compile(r"/reports/$"))
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    total = opened_total(sim.acme, 30) + opened_total(sim.academy, 30)
    expect(page.locator('[data-kpi="opened"] .kpi-value')).to_have_text(str(total))
    for key in ("volume", "backlog", "first", "resolve", "agents", "hours"):
        expect(page.locator(f'[data-chart="{key}"] svg')).to_be_visible()
    page.screenshot(path=str(SHOTS / "reports-1440.png"), full_page=True)

    # One site, last 7 days, compared with the week before: the URL says so, the page follows.
    page.get_by_label("Site", exact=True).select_option(label=acme.label)
    expect(page).to_have_url(re.compile(rf"site={acme.slug}"))
    page.get_by_label("Last 7 days").check()
    expect(page).to_have_url(re.compile(r"period=7"))
    expect(page.locator('[data-kpi="opened"] .kpi-value')).to_have_text(
        str(opened_total(sim.acme, 7))
    )
    page.get_by_label("Compare with the previous period").check()
    expect(page).to_have_url(re.compile(r"compare=1"))
    expect(page.locator("[data-range]")).to_contain_text("compared with")
    expect(page.locator('[data-kpi="opened"] .kpi-change')).to_be_visible()

    # Back returns to the previous state (the URL was pushed).
    page.go_back()
    expect(page.locator("[data-range]")).not_to_contain_text("compared with")
    page.go_forward()
    expect(page.locator("[data-range]")).to_contain_text("compared with")

    # The chart's figures as a table, and the same as CSV.
    chart = page.locator('[data-chart="volume"]')
    chart.get_by_text("Figures as a table").click()
    table = chart.locator("table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(7)
    with page.expect_download() as download_info:
        chart.get_by_role("link", name="Download CSV").click()
    with open(download_info.value.path(), newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sum(int(r["Opened"]) for r in rows) == opened_total(sim.acme, 7)

    # One agent: the URL names the person by key, not by name; the agents' table has them only.
    agent = page.get_by_label("Agent", exact=True)
    name = agent.locator("option").nth(1).inner_text()
    agent.select_option(label=name)
    expect(page).to_have_url(re.compile(r"agent=p-[0-9a-f]{10}"))
    agents = page.locator('[data-chart="agents"]')
    agents.get_by_text("Figures as a table").click()
    expect(agents.locator("tbody tr")).to_have_count(1)
    expect(agents.locator("tbody tr th")).to_have_text(name)

    page.set_viewport_size(PHONE)
    expect(page.locator('[data-chart="hours"] svg')).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=str(SHOTS / "reports-390.png"), full_page=True)


def test_agent_opens_my_stats(logged_in_page, live_server, sim, acme):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = logged_in_page
    page.goto(live_server.url + "/reports/")
    page.get_by_role("link", name="My stats").click()
    expect(page.get_by_role("heading", name="My stats", level=1)).to_be_visible()
    expect(page.locator('[data-chart="my-replies"] svg')).to_be_visible()
    page.get_by_label("Last 90 days").check()
    expect(page).to_have_url(re.compile(r"/reports/mine/\?period=90"))
    expect(page.locator(".report-range")).to_contain_text("(90 days)")
    page.screenshot(path=str(SHOTS / "my-stats-1440.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SHOTS / "my-stats-390.png"), full_page=True)
