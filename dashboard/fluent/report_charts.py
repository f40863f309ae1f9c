"""Fluent Support's chart reports: counts per day and the day-of-week x hour grid.

Each bucket is a day (or hour) of the site's own calendar: the plugin groups by ``DATE()`` of
columns stored in site-local time. Up to 62 days the answer has one ``YYYY-MM-DD`` key per day,
both ends included; longer ranges switch to weekly buckets with broken keys, so callers split
longer ranges into windows of at most ``MAX_DAYS`` (captures seq_reports_tickets_growth_*).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dashboard.fluent.client import SUPPORT, FluentClient

MAX_DAYS = 62
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Which filters each route honours (REAL-API.md, "Reports"). The mailbox and product variants
# of the resolve and response routes need ``type`` or answer 500 with SQL.
GROWTH_ROUTES = {
    "opened": ("/reports/tickets-growth", ("agent_id", "product_id", "mailbox_id")),
    "closed": ("/reports/tickets-resolve-growth", ("agent_id", "product_id", "mailbox_id")),
    "replies": ("/reports/response-growth", ("agent_id",)),
    "my_replies": ("/my-reports/response-growth", ()),
    "my_closed": ("/my-reports/tickets-resolve-growth", ()),
}


def windows(start: date, end: date) -> list[tuple[date, date]]:
    """``start``..``end`` (both included) cut into pieces the plugin answers per day."""
    pieces = []
    cursor = start
    while cursor <= end:
        last = min(end, cursor + timedelta(days=MAX_DAYS - 1))
        pieces.append((cursor, last))
        cursor = last + timedelta(days=1)
    return pieces


def _range(start: date, end: date) -> list[tuple[str, Any]]:
    return [("date_range[]", start.isoformat()), ("date_range[]", end.isoformat())]


def _daily(data: Any) -> dict[date, int]:
    stats = data.get("stats") if isinstance(data, dict) else None
    counts: dict[date, int] = {}
    if isinstance(stats, dict):
        for key, value in stats.items():
            try:
                counts[date.fromisoformat(str(key))] = int(value or 0)
            except ValueError:
                continue  # an hourly or weekly key: never asked for (see windows)
    return counts


def report_growth(
    client: FluentClient,
    *,
    series: str,
    start: date,
    end: date,
    filters: dict[str, int] | None = None,
    refresh: bool = False,
) -> dict[date, int]:
    """One count per day from ``start`` to ``end``: tickets opened (``opened``), closed
    (``closed``), agent replies (``replies``) or the caller's own (``my_*``), read in windows
    of at most 62 days."""
    # Reference: GET /reports/tickets-growth, /reports/tickets-resolve-growth,
    # /reports/response-growth, /my-reports/* with date_range[] (captures
    # seq_reports_tickets_growth_range, _agent, _mailbox, _product, _resolve_growth_*,
    # _response_growth_*).
    path, accepted = GROWTH_ROUTES[series]
    extra = [(name, value) for name, value in (filters or {}).items() if name in accepted and value]
    counts: dict[date, int] = {}
    for first, last in windows(start, end):
        answer = client.get(
            f"{SUPPORT}{path}", kind="report", params=_range(first, last) + extra, refresh=refresh
        )
        counts.update(_daily(answer.data))
    return {day: counts.get(day, 0) for day in _days(start, end)}


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def report_day_time(
    client: FluentClient,
    *,
    start: date,
    end: date,
    report_type: str = "ticket",
    agent_id: int | None = None,
    refresh: bool = False,
) -> dict[tuple[int, int], int]:
    """Counts by (weekday 0 = Monday, hour) in the site's time: tickets opened (``ticket``),
    agent replies (``agent_response``, optionally one agent's) or customer replies."""
    # Reference: GET /reports/day-time-stats?report_type=... (captures
    # seq_reports_day_time_ticket, _agent_response, _agent_response_agent,
    # _customer_response); without report_type the plugin answers "stats": [].
    params = [*_range(start, end), ("report_type", report_type)]
    if agent_id and report_type == "agent_response":
        params.append(("agent_id", agent_id))
    answer = client.get(
        f"{SUPPORT}/reports/day-time-stats", kind="report", params=params, refresh=refresh
    )
    stats = answer.data.get("stats") if isinstance(answer.data, dict) else None
    grid: dict[tuple[int, int], int] = {}
    if isinstance(stats, dict):
        for day, hours in stats.items():
            if day not in WEEKDAYS or not isinstance(hours, dict):
                continue
            for hour, value in hours.items():
                try:
                    grid[(WEEKDAYS.index(day), int(str(hour).split(":")[0]))] = int(value or 0)
                except ValueError:
                    continue
    return grid
