"""A team lead opens the queues, follows a number into the inbox and downloads the CSV."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from playwright.sync_api import expect

from dashboard.fluent.tickets import ticket_reopen
from dashboard.sites.services import client_for
from tests.queues.helpers import Expected, is_open

SHOTS = Path("/tmp/shots/queues")


def test_team_lead_opens_queues_follows_a_number_and_downloads_the_csv(
    logged_in_page, live_server, sim, acme, academy, beta
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = logged_in_page
    wants = {
        site.label: Expected.of(s)
        for site, s in ((acme, sim.acme), (academy, sim.academy), (beta, sim.beta))
    }
    total_waiting = sum(w.waiting for w in wants.values())

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queues").click()
    expect(page).to_have_url(re.compile(r"/queues/$"))
    expect(page.get_by_role("heading", name="Queues", level=1)).to_be_visible()

    # The figures arrive into the frame: the total of customers waiting for a reply.
    waiting = page.locator('tfoot [data-figure="waiting"] a')
    expect(waiting).to_have_text(str(total_waiting))
    expect(page.locator(".figure-skeleton")).to_have_count(0)
    for label, want in wants.items():
        row = page.locator("tbody tr", has=page.get_by_role("rowheader", name=label))
        expect(row.locator('[data-figure="open"] a')).to_have_text(str(want.open))
    expect(page.locator(".queues-longest tbody tr")).to_have_count(10)
    page.screenshot(path=str(SHOTS / "queues-1440.png"), full_page=True)

    # Download the CSV: the same figures, one row per site and the total.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert re.fullmatch(r"queues-\d{4}-\d\d-\d\d-\d{4}\.csv", download.suggested_filename)
    with open(download.path(), newline="") as handle:
        rows = list(csv.DictReader(handle))
    sites = {r["Site"]: r for r in rows if r["Section"] == "Site"}
    for label, want in wants.items():
        assert sites[label]["Open"] == str(want.open)
        assert sites[label]["Waiting"] == str(want.waiting)
    total = next(r for r in rows if r["Section"] == "Total")
    assert total["Waiting"] == str(total_waiting)

    # Follow a number: the inbox lists exactly those tickets.
    waiting.click()
    expect(page).to_have_url(re.compile(r"/\?waiting=1&sort=waiting$"))
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(total_waiting))

    # A phone: the site table scrolls sideways with the site column kept in view.
    page.set_viewport_size({"width": 390, "height": 844})
    page.go_back()
    expect(page.locator('tfoot [data-figure="waiting"] a')).to_have_text(str(total_waiting))
    page.screenshot(path=str(SHOTS / "queues-390.png"), full_page=True)


HIDDEN_TAB = """
Object.defineProperty(Document.prototype, "visibilityState", {
  configurable: true,
  get() { return window.__tabHidden ? "hidden" : "visible"; },
});
"""


def set_hidden(page, hidden: bool) -> None:
    page.evaluate(
        f"window.__tabHidden = {'true' if hidden else 'false'};"
        "document.dispatchEvent(new Event('visibilitychange'));"
    )


def test_the_figures_refresh_every_minute_while_the_tab_is_visible(
    logged_in_page, live_server, sim, acme
):
    page = logged_in_page
    page.add_init_script(HIDDEN_TAB)
    page.clock.install()
    refreshes: list[str] = []
    page.on("request", lambda r: "/queues/stats/" in r.url and refreshes.append(r.url))
    page.goto(f"{live_server.url}/queues/")
    open_figure = page.locator(f'tr[data-site="{acme.pk}"] [data-figure="open"] a')
    expect(open_figure).to_have_text(str(Expected.of(sim.acme).open))

    # A closed ticket is re-opened; a minute later the page shows it without a reload.
    ticket = next(t for t in sim.acme.site.tickets.values() if t["status"] == "closed")
    ticket_reopen(client_for(acme), ticket_id=ticket["id"])
    want = Expected.of(sim.acme).open
    page.clock.run_for(30_000)
    expect(open_figure).to_have_text(str(want - 1))
    page.clock.run_for(30_500)
    expect(open_figure).to_have_text(str(want))
    assert len(refreshes) == 2

    # A hidden tab asks nothing, however long; shown again, it catches up at once.
    set_hidden(page, True)
    page.clock.run_for(5 * 60_000)
    with page.expect_request("**/queues/stats/"):
        set_hidden(page, False)
    expect(open_figure).to_have_text(str(want))
    assert len(refreshes) == 3


def test_a_person_on_two_sites_is_one_row_whose_sites_open_on_demand(
    logged_in_page, live_server, sim, acme, academy, priya
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = logged_in_page
    open_on = {
        "Acme Store": sum(
            1 for t in sim.acme.site.tickets.values() if t["agent_id"] == 4 and is_open(t)
        ),
        "Acme Academy": sum(
            1 for t in sim.academy.site.tickets.values() if t["agent_id"] == 3 and is_open(t)
        ),
    }
    page.goto(f"{live_server.url}/queues/")
    agents = page.locator(".queues-agents")
    priya_rows = agents.locator(":scope > tbody > tr", has=page.get_by_text("Priya N.", exact=True))
    expect(priya_rows).to_have_count(1)
    expect(agents.get_by_text("Priya Nair")).to_have_count(0)
    row = priya_rows.first
    expect(row.locator(':scope > [data-figure="open"] a')).to_have_text(str(sum(open_on.values())))

    # Her sites are one click away, each with its own figures.
    breakdown = row.locator(".person-breakdown")
    expect(breakdown).to_be_hidden()
    row.get_by_text("2 sites").click()
    expect(breakdown).to_be_visible()
    for label, count in open_on.items():
        part = breakdown.locator("tr", has=page.get_by_role("rowheader", name=label))
        expect(part.locator('[data-figure="open"] a')).to_have_text(str(count))
    page.screenshot(path=str(SHOTS / "queues-person.png"), full_page=True)

    # Her summed figure opens the inbox at her tickets on both sites.
    row.locator(':scope > [data-figure="open"] a').click()
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(sum(open_on.values())))
    expect(page.locator("#f-agent option:checked")).to_have_text("Priya N.")
