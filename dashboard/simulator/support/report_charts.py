"""Fluent Support's chart reports: tickets opened, resolved and answered per day (overall, per
mailbox and per product) and the day-of-week x hour activity grid.

The plugin groups by ``DATE(column)`` in SQL, and its ticket columns hold the site's local
time, so every bucket here is a day (or hour) of the site's own calendar. A range is
``date_range[]=<from>&date_range[]=<to>`` or ``date_range=<from>,<to>``, both days included;
up to 62 days answer one key per day, a one-day range answers ``"HH:00 - HH:59"`` keys for its
non-empty hours only, and longer ranges answer ``"Mon YYYY"`` months (the plugin's weekly
buckets between 63 and 181 days have broken keys; the dashboard never asks for them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..rest import Reply, Request

if TYPE_CHECKING:
    from ..state import SiteState

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REPORT_TYPES = ("ticket", "agent_response", "customer_response")


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def date_range(site: SiteState, request: Request) -> tuple[date, date]:
    """The requested days, or the plugin's default (30 days ago to tomorrow)."""
    raw = request.param("date_range")
    if isinstance(raw, str):
        raw = raw.split(",")
    if isinstance(raw, dict):
        raw = list(raw.values())
    today = site.current_time().astimezone(site.clock.zone).date()
    start = _date(raw[0]) if isinstance(raw, list) and len(raw) >= 1 else None
    end = _date(raw[1]) if isinstance(raw, list) and len(raw) >= 2 else None
    return start or today - timedelta(days=30), end or today + timedelta(days=1)


def _local(site: SiteState, at: datetime | None) -> datetime | None:
    return at.astimezone(site.clock.zone) if at else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _buckets(start: date, end: date, moments: Iterable[datetime]) -> dict[str, int]:
    days = (end - start).days
    inside = [m for m in moments if start <= m.date() <= end]
    if days <= 0:
        hourly: dict[int, int] = {}
        for moment in inside:
            hourly[moment.hour] = hourly.get(moment.hour, 0) + 1
        return {f"{h:02d}:00 - {h:02d}:59": hourly[h] for h in sorted(hourly)}
    if days > 181:
        return _monthly(start, end, inside)
    if days > 62:
        return _weekly(start, end, inside)
    stats = {(start + timedelta(days=n)).isoformat(): 0 for n in range(days + 1)}
    for moment in inside:
        stats[moment.date().isoformat()] += 1
    return stats


def _monthly(start: date, end: date, inside: list[datetime]) -> dict[str, int]:
    """Month keys from the first day while before the last (the plugin's DatePeriod leaves the
    last month out), then each month that has tickets, the last one included."""
    months: dict[str, int] = {}
    cursor = start
    while cursor < end:
        months[cursor.strftime("%b %Y")] = 0
        cursor = (cursor.replace(day=1) + timedelta(days=32)).replace(day=start.day)
    for moment in sorted(inside):
        key = moment.strftime("%b %Y")
        months[key] = months.get(key, 0) + 1
    return months


def _weekly(start: date, end: date, inside: list[datetime]) -> dict[str, int]:
    """The plugin's weekly buckets, broken as recorded: a zero for every seventh day from the
    first (before the last), then one key per MySQL ``WEEK()`` (weeks from Sunday) that has
    tickets, named after its earliest day rather than its first."""
    stats: dict[str, int] = {}
    cursor = start
    while cursor < end:
        stats[cursor.isoformat()] = 0
        cursor += timedelta(days=7)
    weeks: dict[tuple[int, int], list[datetime]] = {}
    for moment in inside:
        sunday = moment.date() - timedelta(days=(moment.weekday() + 1) % 7)
        weeks.setdefault((sunday.year, sunday.toordinal()), []).append(moment)
    for week in sorted(weeks):
        stats[min(weeks[week]).date().isoformat()] = len(weeks[week])
    return stats


def _matches(ticket: dict[str, Any], request: Request, names: Iterable[str]) -> bool:
    for name in names:
        wanted = _int(request.param(name))
        if wanted and ticket.get(name) != wanted:
            return False
    return True


def _tickets_growth(site: SiteState, request: Request) -> Reply:
    start, end = date_range(site, request)
    names = ("agent_id", "product_id", "mailbox_id")
    moments = [
        _local(site, t["created_at"])
        for t in site.store.tickets.values()
        if _matches(t, request, names)
    ]
    return Reply(200, {"stats": _buckets(start, end, [m for m in moments if m])})


def _resolve_growth(site: SiteState, request: Request) -> Reply:
    start, end = date_range(site, request)
    kind = str(request.param("type") or "")
    column = f"{kind}_id" if kind else "id"
    moments = [
        _local(site, t["resolved_at"])
        for t in site.store.tickets.values()
        if t["status"] == "closed"
        and t["resolved_at"] is not None
        and (t.get(column) or 0) > 0
        and _matches(t, request, ("agent_id", "product_id", "mailbox_id"))
    ]
    return Reply(200, {"stats": _buckets(start, end, [m for m in moments if m])})


def _agent_responses(site: SiteState, person_id: int | None = None) -> list[dict[str, Any]]:
    store = site.store
    return [
        row
        for row in store.responses.values()
        if row["conversation_type"] == "response"
        and store.persons.get(row["person_id"], {}).get("person_type") == "agent"
        and (person_id is None or row["person_id"] == person_id)
    ]


def _response_growth(site: SiteState, request: Request) -> Reply:
    start, end = date_range(site, request)
    rows = _agent_responses(site, _int(request.param("agent_id")) or None)
    return Reply(
        200, {"stats": _buckets(start, end, [_local(site, r["created_at"]) for r in rows])}
    )


def _group_response_growth(site: SiteState, request: Request) -> Reply:
    """The mailbox and product variant: the tickets' response counts summed by the day each
    ticket was created (not by the day of the responses)."""
    kind = str(request.param("type") or "")
    if not kind:
        return Reply(
            500,
            {
                "code": "unknown_column",
                "message": "Unknown column '_id' in 'where clause'",
                "data": {"status": 500},
            },
        )
    start, end = date_range(site, request)
    stats = _buckets(start, end, [])
    column = f"{kind}_id"
    for ticket in site.store.tickets.values():
        if (ticket.get(column) or 0) <= 0 or not _matches(ticket, request, (column,)):
            continue
        created = _local(site, ticket["created_at"])
        key = created.date().isoformat() if created else ""
        if created and start <= created.date() <= end and key in stats:
            stats[key] += int(ticket["response_count"] or 0)
    return Reply(200, {"stats": stats})


def reports_tickets_growth(site: SiteState, request: Request) -> Reply:
    return _tickets_growth(site, request)


def reports_resolve_growth(site: SiteState, request: Request) -> Reply:
    return _resolve_growth(site, request)


def reports_response_growth(site: SiteState, request: Request) -> Reply:
    return _response_growth(site, request)


def group_response_growth(site: SiteState, request: Request) -> Reply:
    return _group_response_growth(site, request)


def my_resolve_growth(site: SiteState, request: Request) -> Reply:
    start, end = date_range(site, request)
    me_id = request.user.person_id
    moments = [
        _local(site, t["resolved_at"])
        for t in site.store.tickets.values()
        if t["status"] == "closed" and t["resolved_at"] is not None and t["agent_id"] == me_id
    ]
    return Reply(200, {"stats": _buckets(start, end, [m for m in moments if m])})


def my_response_growth(site: SiteState, request: Request) -> Reply:
    start, end = date_range(site, request)
    rows = _agent_responses(site, request.user.person_id)
    return Reply(
        200, {"stats": _buckets(start, end, [_local(site, r["created_at"]) for r in rows])}
    )


def _grid(moments: Iterable[datetime]) -> dict[str, dict[str, int]]:
    grid = {day: {f"{h}:00": 0 for h in range(24)} for day in DAYS}
    for moment in moments:
        grid[DAYS[moment.weekday()]][f"{moment.hour}:00"] += 1
    return grid


def reports_day_time_stats(site: SiteState, request: Request) -> Reply:
    kind = request.param("report_type")
    if kind not in REPORT_TYPES:
        return Reply(200, {"stats": []})
    start, end = date_range(site, request)
    store = site.store
    if kind == "ticket":
        moments = [_local(site, t["created_at"]) for t in store.tickets.values()]
    else:
        person_type = "agent" if kind == "agent_response" else "customer"
        agent_id = _int(request.param("agent_id")) if kind == "agent_response" else None
        moments = [
            _local(site, row["created_at"])
            for row in store.responses.values()
            if row["conversation_type"] == "response"
            and store.persons.get(row["person_id"], {}).get("person_type") == person_type
            and (not agent_id or row["person_id"] == agent_id)
        ]
    inside = [m for m in moments if m and start <= m.date() <= end]
    return Reply(200, {"stats": _grid(inside)})
