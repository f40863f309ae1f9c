"""An agency's agent with many sites: the inbox counts what its list read and counts the rest
on demand; the queues show a few sites at a time and page through them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.queues import figures as queue_figures
from dashboard.queues import views as queue_views
from dashboard.tickets import counts as inbox_counts

SHOTS = Path("/tmp/shots/many-sites")


@pytest.fixture
def many_sites(monkeypatch):
    # Three sites stand for an agency's thirty: two are "many".
    monkeypatch.setattr(inbox_counts, "EAGER_SITES", 2)
    monkeypatch.setattr(queue_figures, "SITES_PER_VIEW", 2)
    monkeypatch.setattr(queue_views, "SITES_PER_VIEW", 2)


def test_agency_counts_on_demand_and_pages_through_the_queues(
    many_sites, logged_in_page, live_server, sim, acme, academy, beta
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = logged_in_page
    page.goto(f"{live_server.url}/")
    open_acme = sum(1 for t in sim.acme.site.tickets.values() if t["status"] != "closed")
    expect(page.locator(f"#count-site-{acme.pk}")).to_have_text(str(open_acme))
    note = page.locator("#counts-note")
    expect(note).to_contain_text("only the counts this list has already read")
    mine = page.locator("#count-view-unassigned")
    expect(mine).to_have_text("·")
    page.screenshot(path=str(SHOTS / "inbox-bounded.png"), full_page=True)

    note.get_by_role("button", name="Count all").click()
    expect(mine).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("#count-status-new")).to_have_text(re.compile(r"^\d+$"))
    expect(note).to_be_empty()

    page.goto(f"{live_server.url}/queues/")
    expect(page.get_by_text("Figures for sites 1\u20132 of 3")).to_be_visible()
    expect(page.locator(".queues-sites tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Next sites →").click()
    expect(page).to_have_url(re.compile(r"/queues/\?sites_from=2$"))
    expect(page.get_by_text("Figures for sites 3\u20133 of 3")).to_be_visible()
    expect(page.locator(".queues-sites tbody tr")).to_have_count(1)
    expect(page.locator(".figure-skeleton")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "queues-next.png"), full_page=True)
