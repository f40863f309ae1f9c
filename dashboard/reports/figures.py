"""The reports page's figures, merged across the user's sites (see sources.py for the calls).

Days are each site's own calendar days (the plugin counts by the site's date), added up by
date across sites. Which figures are exact and which approximate is said in ``notes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.parsing import site_zone
from dashboard.fluent.reference import essentials_get
from dashboard.reports import stats
from dashboard.reports.query import ReportQuery
from dashboard.reports.sources import TIME_PAGES, site_calls, site_filters
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets import people


@dataclass
class DayRow:
    day: date
    opened: int = 0
    closed: int = 0
    replies: int = 0
    backlog: int | None = None
    first_median: float | None = None
    first_p90: float | None = None
    resolve_median: float | None = None
    resolve_p90: float | None = None


@dataclass
class AgentRow:
    name: str
    key: str  # the person's key (people.agent_key): one person across sites
    replies: int = 0
    closed: int = 0
    first_median: float | None = None
    first_p90: float | None = None
    resolve_median: float | None = None
    resolve_p90: float | None = None
    _first: list[float] = field(default_factory=list, repr=False)
    _resolve: list[float] = field(default_factory=list, repr=False)


@dataclass
class SiteTotals:
    site: Site
    opened: int = 0
    closed: int = 0
    replies: int = 0
    open_now: int | None = None
    error: str = ""
    absent: list[str] = field(default_factory=list)
    # The site's own id for the person the agent filter names (found once, by site_filters).
    agent_id: int | None = None


@dataclass
class Summary:
    opened: int = 0
    closed: int = 0
    replies: int = 0
    first_median: float | None = None
    first_p90: float | None = None
    resolve_median: float | None = None
    resolve_p90: float | None = None


@dataclass
class Report:
    query: ReportQuery
    days: list[DayRow]
    summary: Summary
    previous: Summary | None
    agents: list[AgentRow]
    grid: list[list[int]]  # [weekday][hour]
    grid_kind: str
    sites: list[SiteTotals]
    notes: list[str]
    options: dict[str, list]


def _day(moment, zone) -> date | None:
    return moment.astimezone(zone).date() if moment else None


def load_report(
    *, user, sites: list[Site], query: ReportQuery, today: date, refresh: bool = False
) -> Report:
    """Every figure of the reports page for ``user``'s ``sites`` (one when the query names
    one); a site that fails is listed with its error and the others still add up."""
    chosen = query.sites_read(sites)
    clients = {site.pk: client_for(site) for site in chosen}
    zones = {site.pk: site_zone(site.timezone) for site in chosen}
    reference = run_parallel(
        {s.pk: partial(essentials_get, clients[s.pk], refresh=refresh) for s in chosen}
    )
    totals = {site.pk: SiteTotals(site) for site in chosen}
    calls = {}
    options: dict[str, dict] = {"agents": {}, "mailboxes": {}, "products": {}}
    for site in chosen:
        outcome = reference[site.pk]
        if not outcome.ok:
            totals[site.pk].error = _message(outcome.error)
            continue
        essentials = outcome.value
        for agent in essentials.agents:
            options["agents"].setdefault(people.agent_key(site, agent), agent.name)
        options["mailboxes"].update({m.name: m.name for m in essentials.mailboxes if m.name})
        options["products"].update({p.title: p.title for p in essentials.products if p.title})
        filters = site_filters(site, essentials, query)
        totals[site.pk].absent = filters.absent
        totals[site.pk].agent_id = filters.agent_id
        if filters.absent:
            continue
        calls |= site_calls(
            site,
            clients[site.pk],
            filters,
            query,
            today=today,
            zone=zones[site.pk],
            refresh=refresh,
        )
    outcomes = run_parallel(calls)
    return _merge(query, today, chosen, zones, totals, outcomes, reference, options)


def _message(error: UpstreamError | BaseException) -> str:
    return getattr(error, "message", "") or "The site did not answer."


def _merge(query, today, chosen, zones, totals, outcomes, reference, options) -> Report:
    period = [query.start + timedelta(days=n) for n in range(query.days)]
    rows = {day: DayRow(day) for day in period}
    opened_all: dict[date, int] = {}
    closed_all: dict[date, int] = {}
    open_now_total = 0
    grid = [[0] * 24 for _ in range(7)]
    agents: dict[str, AgentRow] = {}
    firsts: dict[date, list[float]] = {}
    resolves: dict[date, list[float]] = {}
    previous_first: list[float] = []
    previous_resolve: list[float] = []
    notes: list[str] = []
    previous = Summary() if query.compare else None
    prev_start, prev_end = query.previous
    for site in chosen:
        row = totals[site.pk]
        got = {name: outcomes.get((site.pk, name)) for name in ("opened", "closed", "replies")}
        if row.error or row.absent or not got["opened"]:
            continue
        failed = [o.error for o in outcomes_of(outcomes, site.pk) if not o.ok]
        if failed:
            row.error = _message(failed[0])
            continue
        names = {a.id: (people.agent_key(site, a), a.name) for a in reference[site.pk].value.agents}
        # A site without the person is absent above: with a filter, the site has their id.
        wanted = names[row.agent_id][0] if query.agent else ""
        for series in ("opened", "closed", "replies"):
            counts = got[series].value
            for day, count in counts.items():
                if day in rows:
                    setattr(rows[day], series, getattr(rows[day], series) + count)
                    setattr(row, series, getattr(row, series) + count)
                elif previous is not None and prev_start <= day <= prev_end:
                    setattr(previous, series, getattr(previous, series) + count)
            if series == "opened":
                _add(opened_all, counts)
            elif series == "closed":
                _add(closed_all, counts)
        row.open_now = outcomes[(site.pk, "open_now")].value
        open_now_total += row.open_now
        for (weekday, hour), count in outcomes[(site.pk, "grid")].value.items():
            if 0 <= weekday < 7 and 0 <= hour < 24:
                grid[weekday][hour] += count
        for summary_row in outcomes[(site.pk, "agents")].value:
            unknown = (f"{site.pk}:{summary_row.id}", summary_row.label)
            key, name = names.get(summary_row.id, unknown)
            if query.agent and key != wanted:
                continue
            agent = agents.setdefault(key, AgentRow(name, key))
            agent.replies += summary_row.stats.responses or 0
            agent.closed += summary_row.stats.closed or 0
        recent = outcomes[(site.pk, "tickets")].value
        if not recent.complete:
            notes.append(
                f"{site.label}: more than {TIME_PAGES * 100} tickets in the period, so its "
                "response and resolution times count only the newest of them."
            )
        for ticket in recent.tickets:
            created = _day(ticket.created_at, zones[site.pk])
            first = ticket.first_response_time
            closing = ticket.total_close_time if ticket.status == "closed" else None
            if created in rows:
                if first is not None:
                    firsts.setdefault(created, []).append(first)
                if closing is not None:
                    resolves.setdefault(created, []).append(closing)
                key, name = names.get(ticket.agent_id, ("", ""))
                if ticket.agent_id and key and (not query.agent or key == wanted):
                    agent = agents.setdefault(key, AgentRow(name, key))
                    if first is not None:
                        agent._first.append(first)
                    if closing is not None:
                        agent._resolve.append(closing)
            elif created and prev_start <= created <= prev_end:
                if first is not None:
                    previous_first.append(first)
                if closing is not None:
                    previous_resolve.append(closing)
    levels = stats.backlog(open_now_total, opened_all, closed_all, period)
    for day, row in rows.items():
        row.backlog = levels.get(day)
        _times(row, firsts.get(day, []), resolves.get(day, []))
    for agent in agents.values():
        _times(agent, agent._first, agent._resolve)
    summary = Summary(
        opened=sum(r.opened for r in rows.values()),
        closed=sum(r.closed for r in rows.values()),
        replies=sum(r.replies for r in rows.values()),
    )
    _times(
        summary,
        [v for vs in firsts.values() for v in vs],
        [v for vs in resolves.values() for v in vs],
    )
    if previous is not None:
        _times(previous, previous_first, previous_resolve)
    return Report(
        query=query,
        days=list(rows.values()),
        summary=summary,
        previous=previous,
        agents=sorted(agents.values(), key=lambda a: (-a.replies, a.name.lower())),
        grid=grid,
        grid_kind="agent replies" if query.agent else "tickets opened",
        sites=list(totals.values()),
        notes=notes,
        options={
            # (key, name): one person per email across sites, sorted by name.
            "agents": sorted(options["agents"].items(), key=lambda item: item[1].casefold()),
            "mailboxes": sorted(options["mailboxes"]),
            "products": sorted(options["products"]),
        },
    )


def outcomes_of(outcomes, site_pk):
    return [outcome for (pk, _), outcome in outcomes.items() if pk == site_pk]


def _add(total: dict[date, int], counts: dict[date, int]) -> None:
    for day, count in counts.items():
        total[day] = total.get(day, 0) + count


def _times(target, firsts: list[float], resolves: list[float]) -> None:
    target.first_median = stats.median(firsts)
    target.first_p90 = stats.percentile(firsts, 0.9)
    target.resolve_median = stats.median(resolves)
    target.resolve_p90 = stats.percentile(resolves, 0.9)
