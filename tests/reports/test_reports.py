"""The reports page: figures equal what the simulated site's own tickets say, per-user
isolation, URL state, CSV exports and the page cache."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.reports import stats
from dashboard.reports.figures import load_report
from dashboard.reports.query import ReportQuery
from tests.conftest import PRIYA, connect

PAGE = "/reports/"


def local_day(sim_site, moment):
    return moment.astimezone(sim_site.site.clock.zone).date()


def by_hand(sim_site, start, end):
    """Opened and closed per day, and the median times of the tickets opened in the period,
    computed straight from the simulated site's tickets."""
    tickets = list(sim_site.site.store.tickets.values())
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    opened = dict.fromkeys(days, 0)
    closed = dict.fromkeys(days, 0)
    firsts, resolves = [], []
    for ticket in tickets:
        created = local_day(sim_site, ticket["created_at"])
        if created in opened:
            opened[created] += 1
            if ticket["first_response_time"] is not None:
                firsts.append(ticket["first_response_time"])
            if ticket["status"] == "closed" and ticket["total_close_time"] is not None:
                resolves.append(ticket["total_close_time"])
        if ticket["status"] == "closed" and ticket["resolved_at"]:
            resolved = local_day(sim_site, ticket["resolved_at"])
            if resolved in closed:
                closed[resolved] += 1
    return opened, closed, firsts, resolves


def test_figures_equal_the_sites_own_tickets(user, acme, sim):
    today = timezone.localdate()
    query = ReportQuery.from_params({"period": "30"}, today=today)
    report = load_report(user=user, sites=[acme], query=query, today=today)
    opened, closed, firsts, resolves = by_hand(sim.acme, query.start, query.end)
    assert sum(opened.values()) > 0 and sum(closed.values()) > 0, "the seed has no activity"
    assert {row.day: row.opened for row in report.days} == opened
    assert {row.day: row.closed for row in report.days} == closed
    assert firsts and resolves
    assert report.summary.first_median == stats.median(firsts)
    assert report.summary.first_p90 == stats.percentile(firsts, 0.9)
    assert report.summary.resolve_median == stats.median(resolves)
    assert report.summary.opened == sum(opened.values())
    open_now = sum(1 for t in sim.acme.site.store.tickets.values() if t["status"] != "closed")
    assert report.days[-1].backlog == open_now


def test_figures_add_up_across_sites_and_split_per_site(user, acme, academy, sim):
    today = timezone.localdate()
    query = ReportQuery.from_params({"period": "7"}, today=today)
    report = load_report(user=user, sites=[acme, academy], query=query, today=today)
    expected = [
        sum(by_hand(s, query.start, query.end)[0].values()) for s in (sim.acme, sim.academy)
    ]
    assert [row.opened for row in report.sites] == expected
    assert report.summary.opened == sum(expected)


def test_agent_filter_counts_one_person_across_sites(user, acme, sim):
    agent = next(a for a in sim.acme.site.store.agents.values() if a["first_name"])
    name = f"{agent['first_name']} {agent['last_name']}".strip()
    today = timezone.localdate()
    query = ReportQuery.from_params({"period": "30", "agent": name.upper()}, today=today)
    report = load_report(user=user, sites=[acme], query=query, today=today)
    days = {row.day for row in report.days}
    mine = sum(
        1
        for t in sim.acme.site.store.tickets.values()
        if t["agent_id"] == agent["id"] and local_day(sim.acme, t["created_at"]) in days
    )
    assert report.summary.opened == mine
    assert [row.name for row in report.agents] == [name]


def test_agent_filter_is_one_person_per_email_whatever_each_site_calls_them(
    user, acme, academy, priya, sim
):
    from dashboard.tickets.people import email_key

    today = timezone.localdate()
    everyone = load_report(
        user=user,
        sites=[acme, academy],
        query=ReportQuery.from_params({"period": "30"}, today=today),
        today=today,
    )
    key = email_key(PRIYA)
    # One choice for her, although the sites name her "Priya Nair" and "Priya N.".
    assert [k for k, _name in everyone.options["agents"]].count(key) == 1
    assert len({name for _k, name in everyone.options["agents"] if name.startswith("Priya")}) == 1
    query = ReportQuery.from_params({"period": "30", "agent": key}, today=today)
    report = load_report(user=user, sites=[acme, academy], query=query, today=today)
    days = {row.day for row in report.days}
    hers = sum(
        1
        for entry, agent_id in ((sim.acme, priya["acme"]), (sim.academy, priya["academy"]))
        for t in entry.site.store.tickets.values()
        if t["agent_id"] == agent_id and local_day(entry, t["created_at"]) in days
    )
    assert report.summary.opened == hers > 0
    assert len(report.agents) == 1 and report.agents[0].key == key


def test_page_keeps_its_state_in_the_url_and_swaps_only_the_results(agent_client, acme, sim):
    url = f"{PAGE}?period=7&compare=1&site={acme.slug}"
    page = agent_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="7" checked' in html and 'name="compare" value="1" checked' in html
    assert f'<option value="{acme.slug}" selected>' in html
    assert "compared with" in html
    fragment = agent_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<form" not in fragment and 'data-chart="volume"' in fragment
    for key in ("volume", "backlog", "first", "resolve", "agents", "hours"):
        assert f'data-chart="{key}"' in html
    assert 'style="' not in html and "<script>" not in html.split("</header>")[-1]


def test_a_site_is_named_by_its_slug_and_an_older_number_still_works(agent_client, acme, sim):
    html = agent_client.get(f"{PAGE}?site={acme.pk}").content.decode()
    assert f'<option value="{acme.slug}" selected>' in html
    assert f"site={acme.pk}" not in html


def test_another_users_site_is_a_404(agent_client, other_user, sim):
    theirs = connect(other_user, sim.beta)
    assert agent_client.get(f"{PAGE}?site={theirs.pk}").status_code == 404
    assert agent_client.get(f"{PAGE}export/volume.csv?site={theirs.pk}").status_code == 404


def test_bad_input_falls_back_to_the_default_period(agent_client, acme, sim):
    response = agent_client.get(f"{PAGE}?period=bogus&from=nope&to=2026-99-99&site=abc")
    assert response.status_code == 200
    assert 'value="30" checked' in response.content.decode()
    assert agent_client.get(f"{PAGE}export/nothing.csv").status_code == 404


def test_custom_range_is_read_in_windows_of_62_days(agent_client, acme, sim):
    today = timezone.localdate()
    start = today - timedelta(days=99)
    sim.acme.site.clear_log()
    agent_client.get(f"{PAGE}?period=custom&from={start}&to={today}")
    growth = sim.acme.site.count(method="GET", route="/fluent-support/v2/reports/tickets-growth")
    assert growth == 2


def test_csv_export_has_the_tables_figures(agent_client, user, acme, sim):
    today = timezone.localdate()
    rows = list(
        csv.reader(
            io.StringIO(agent_client.get(f"{PAGE}export/volume.csv?period=7").content.decode())
        )
    )
    opened, closed, _, _ = by_hand(sim.acme, today - timedelta(days=6), today)
    assert rows[0] == ["Day", "Opened", "Closed"]
    assert {r[0]: (int(r[1]), int(r[2])) for r in rows[1:]} == {
        d.isoformat(): (opened[d], closed[d]) for d in opened
    }


def test_warm_page_asks_the_sites_nothing(agent_client, acme, academy, sim):
    agent_client.get(f"{PAGE}mine/")  # a page before, which gives the browser its CSRF cookie
    agent_client.get(f"{PAGE}?period=30")
    for entry in sim.all():
        entry.site.clear_log()
    again = agent_client.get(f"{PAGE}?period=30")
    assert again.get("X-Page-Cache") == "hit"
    assert sum(entry.site.count() for entry in sim.all()) == 0


def test_cold_page_cost_per_site_is_bounded(agent_client, acme, sim):
    sim.acme.site.clear_log()
    agent_client.get(f"{PAGE}?period=30&compare=1")
    assert sim.acme.site.count() <= 13


def test_my_stats_count_my_own_replies(agent_client, acme, sim):
    me = sim.acme.site.users["admin"].person_id
    today = timezone.localdate()
    days = {today - timedelta(days=n) for n in range(7)}
    mine = sum(
        1
        for r in sim.acme.site.store.responses.values()
        if r["person_id"] == me
        and r["conversation_type"] == "response"
        and local_day(sim.acme, r["created_at"]) in days
    )
    response = agent_client.get(f"{PAGE}mine/?period=7")
    assert response.status_code == 200
    assert response.context["mine"].replies == mine
    assert sum(count for _, count in response.context["mine"].per_day) == mine


@pytest.mark.parametrize(
    ("values", "median", "p90"),
    [([], None, None), ([5], 5, 5), ([1, 2, 3, 4], 2.5, 4), ([10, 1, 7, 3, 5], 5, 10)],
)
def test_percentiles(values, median, p90):
    assert stats.median(values) == median
    assert stats.percentile(values, 0.9) == p90


def test_backlog_walks_back_from_todays_count():
    today = timezone.localdate()
    days = [today - timedelta(days=2), today - timedelta(days=1), today]
    opened = {days[0]: 2, days[1]: 3, days[2]: 1}
    closed = {days[0]: 0, days[1]: 1, days[2]: 4}
    assert stats.backlog(10, opened, closed, days) == {days[2]: 10, days[1]: 13, days[0]: 11}


def test_axis_labels_never_run_into_each_other():
    """Agents without a name are shown by their email: a long label is cut to its slot."""
    from dashboard.reports.charts import CHAR_PX, PLOT_W, grouped_bars

    names = [
        "Maria Ortega",
        "Priya Nair",
        "som.agent@acme-academy.test",
        "demo.test@acme-store.test",
    ]
    chart = grouped_bars(names, [("replies", "s1", [5, 4, 3, 2])])
    slot = PLOT_W / len(names)
    labels = [tick.label for tick in chart.x_ticks]
    assert labels[:2] == ["Maria Ortega", "Priya Nair"]
    assert all(len(label) * CHAR_PX <= slot for label in labels)
    assert labels[2].startswith("som.agent@") and labels[2].endswith("…")
