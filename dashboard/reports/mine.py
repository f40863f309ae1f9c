"""An agent's own figures ("My stats"), from the ``my-reports/*`` routes any agent may read.

Per site: ``my-reports/my-summary`` (replies and closed tickets in the period),
``my-reports/response-growth`` (replies per day) and the agent's own tickets opened in the
period (the same bounded read as the team's times) for first-response and resolution times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial

from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.parsing import site_zone
from dashboard.fluent.report_charts import report_growth
from dashboard.fluent.reports import report_my_summary
from dashboard.reports import charts, stats
from dashboard.reports.query import ReportQuery
from dashboard.reports.sources import SiteFilters, recent_tickets
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets.people import mine_agent_id


@dataclass
class MySite:
    site: Site
    replies: int = 0
    closed: int = 0
    interactions: int = 0
    error: str = ""


@dataclass
class Mine:
    sites: list[MySite]
    replies: int
    closed: int
    per_day: list[tuple[date, int]]
    first_median: float | None
    first_p90: float | None
    resolve_median: float | None
    resolve_p90: float | None
    chart: charts.Chart | None = None
    notes: list[str] = field(default_factory=list)


def load_mine(*, sites: list[Site], query: ReportQuery, today: date, refresh: bool) -> Mine:
    chosen = query.sites_read(sites)
    calls = {}
    for site in chosen:
        client = client_for(site)
        days = (query.start, query.end)
        calls[(site.pk, "summary")] = partial(report_my_summary, client, days=days, refresh=refresh)
        calls[(site.pk, "growth")] = partial(
            report_growth,
            client,
            series="my_replies",
            start=query.start,
            end=query.end,
            refresh=refresh,
        )
        if mine_agent_id(site):
            calls[(site.pk, "tickets")] = partial(
                recent_tickets,
                client,
                filters=SiteFilters(agent_id=mine_agent_id(site)),
                since=query.start,
                zone=site_zone(site.timezone),
                refresh=refresh,
            )
    outcomes = run_parallel(calls)
    rows, per_day, firsts, resolves = [], {}, [], []
    for site in chosen:
        row = MySite(site)
        rows.append(row)
        failed = [o for (pk, _), o in outcomes.items() if pk == site.pk and not o.ok]
        if failed:
            row.error = getattr(failed[0].error, "message", "") or "The site did not answer."
            continue
        mine = outcomes[(site.pk, "summary")].value
        if mine is not None:
            row.replies = mine.stats.responses or 0
            row.closed = mine.stats.closed or 0
            row.interactions = mine.stats.interactions or 0
        for day, count in outcomes[(site.pk, "growth")].value.items():
            per_day[day] = per_day.get(day, 0) + count
        recent = outcomes.get((site.pk, "tickets"))
        for ticket in recent.value.tickets if recent else []:
            if ticket.first_response_time is not None:
                firsts.append(ticket.first_response_time)
            if ticket.status == "closed" and ticket.total_close_time is not None:
                resolves.append(ticket.total_close_time)
    days = sorted(per_day.items())
    return Mine(
        sites=rows,
        replies=sum(r.replies for r in rows),
        closed=sum(r.closed for r in rows),
        per_day=days,
        first_median=stats.median(firsts),
        first_p90=stats.percentile(firsts, 0.9),
        resolve_median=stats.median(resolves),
        resolve_p90=stats.percentile(resolves, 0.9),
        chart=charts.grouped_bars(
            [d.strftime("%d %b") for d, _ in days], [("replies", "series-a", [c for _, c in days])]
        ),
    )
