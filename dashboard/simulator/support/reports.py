"""Fluent Support's reports: overall counts, per-agent, per-product and per-mailbox summaries
and the signed-in agent's own figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .. import serialize as s
from ..rest import Reply, Request
from .common import waiting

if TYPE_CHECKING:
    from ..state import SiteState


def _local_date(site: SiteState, at: datetime | None) -> Any:
    return at.astimezone(site.clock.zone).date() if at else None


def _counts(site: SiteState) -> dict[str, int]:
    counts = {"new": 0, "active": 0, "closed": 0}
    for ticket in site.store.tickets.values():
        counts[ticket["status"]] = counts.get(ticket["status"], 0) + 1
    return counts


def _total_responses(site: SiteState) -> int:
    return sum(1 for r in site.store.responses.values() if r["conversation_type"] == "response")


def reports_overall(site: SiteState, request: Request) -> Reply:
    counts = _counts(site)
    return Reply(
        200,
        {
            "overall_reports": {
                "new_tickets": {"title": "New Tickets", "count": counts["new"]},
                "active_tickets": {"title": "Active Tickets", "count": counts["active"]},
                "closed_tickets": {"title": "Closed Tickets", "count": counts["closed"]},
                "responses": {"title": "Responses", "count": _total_responses(site)},
            }
        },
    )


def reports_stats(site: SiteState, request: Request) -> Reply:
    counts = _counts(site)
    items = [
        ("new_tickets", "New Tickets", counts["new"]),
        ("active_tickets", "Active Tickets", counts["active"]),
        ("closed_tickets", "Closed Tickets", counts["closed"]),
        ("responses", "Responses", _total_responses(site)),
        ("open_tickets", "Open Tickets", counts["new"] + counts["active"]),
    ]
    return Reply(
        200,
        {"overall_reports": {k: {"title": t, "key": k, "count": c} for k, t, c in items}},
    )


def human_span(seconds: float) -> str:
    """Carbon's diffForHumans without the suffix: '3 days', '1 month'."""
    units = [
        ("year", 365 * 86400),
        ("month", 30 * 86400),
        ("week", 7 * 86400),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
        ("second", 1),
    ]
    for name, size in units:
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {name}{'s' if count != 1 else ''}"
    return "0 seconds"


def _window(site: SiteState, request: Request) -> tuple[Any, Any]:
    """The summaries' ``from`` and ``to`` days (both included), by default today only."""
    today = _local_date(site, site.current_time())

    def day(name: str) -> Any:
        try:
            return date.fromisoformat(str(request.param(name) or "")[:10])
        except ValueError:
            return None

    return day("from") or today, day("to") or today


def _within(site: SiteState, at: datetime | None, window: tuple[Any, Any]) -> bool:
    day = _local_date(site, at)
    return day is not None and window[0] <= day <= window[1]


def _agent_summary(
    site: SiteState, agent: dict[str, Any], window: tuple[Any, Any]
) -> dict[str, Any]:
    store = site.store
    now = site.current_time()
    responses_today = interactions = 0
    touched: set[int] = set()
    for row in store.responses.values():
        if row["person_id"] != agent["id"] or not _within(site, row["created_at"], window):
            continue
        touched.add(row["ticket_id"])
        if row["conversation_type"] == "response":
            responses_today += 1
    interactions = len(touched)
    opens = closed_today = 0
    waits: list[float] = []
    for ticket in store.tickets.values():
        if ticket["agent_id"] != agent["id"]:
            continue
        if ticket["status"] != "closed":
            opens += 1
            if waiting(ticket):
                waits.append((now - ticket["waiting_since"]).total_seconds())
        elif _within(site, ticket["resolved_at"], window):
            # The plugin counts the closed tickets assigned to the agent, whoever closed them.
            closed_today += 1
    return {
        "id": agent["id"],
        "first_name": agent["first_name"],
        "last_name": agent["last_name"],
        "email": agent["email"],
        "stats": {
            "interactions": interactions,
            "responses": str(responses_today) if responses_today else 0,
            "opens": str(opens),
            "closed": str(closed_today) if closed_today else 0,
            "waiting_tickets": 0,
        },
        "active_stat": {
            "average_waiting": human_span(sum(waits) / len(waits)) if waits else "0 seconds",
            "max_waiting": human_span(max(waits)) if waits else "0 seconds",
            "waiting_tickets": str(len(waits)),
        },
        "full_name": s.full_name(agent),
        "photo": s.photo_url(agent["first_name"], agent["last_name"], agent["email"]),
    }


def reports_agents_summary(site: SiteState, request: Request) -> Reply:
    agents = sorted(site.store.agents.values(), key=lambda p: p["id"])
    window = _window(site, request)
    return Reply(200, {"summary": [_agent_summary(site, a, window) for a in agents]})


def my_summary(site: SiteState, request: Request) -> Reply:
    agent = site.store.persons[request.user.person_id]
    return Reply(200, {"summary": [_agent_summary(site, agent, _window(site, request))]})


def my_reports(site: SiteState, request: Request) -> Reply:
    store = site.store
    me_id = request.user.person_id
    today = _local_date(site, site.current_time())
    replies = sum(
        1
        for r in store.responses.values()
        if r["person_id"] == me_id and r["conversation_type"] == "response"
    )
    replies_today = sum(
        1
        for r in store.responses.values()
        if r["person_id"] == me_id
        and r["conversation_type"] == "response"
        and _local_date(site, r["created_at"]) == today
    )
    closed = [t for t in store.tickets.values() if t["closed_by"] == me_id]
    closed_today = sum(1 for t in closed if _local_date(site, t["resolved_at"]) == today)
    new_today = sum(
        1
        for t in store.tickets.values()
        if t["agent_id"] == me_id and _local_date(site, t["created_at"]) == today
    )
    return Reply(
        200,
        {
            "overall_reports": {
                "replies_count": {"title": "Total Replies", "count": replies},
                "total_closed": {"title": "Total Closed", "count": len(closed)},
            },
            "today_reports": {
                "new_tickets": {"title": "New Tickets", "count": new_today},
                "closed_tickets": {"title": "Closed Tickets", "count": closed_today},
                "responses": {"title": "Responses", "count": replies_today},
            },
        },
    )


def my_stats(site: SiteState, request: Request) -> Reply:
    store = site.store
    me_id = request.user.person_id
    today = _local_date(site, site.current_time())
    mine = [t for t in store.tickets.values() if t["agent_id"] == me_id]
    responses_today = [
        r
        for r in store.responses.values()
        if r["person_id"] == me_id and _local_date(site, r["created_at"]) == today
    ]
    stats = {
        "new_tickets": ("New Tickets", sum(1 for t in mine if t["status"] == "new")),
        "active_tickets": ("Active Tickets", sum(1 for t in mine if t["status"] == "active")),
        "closed_tickets": (
            "Closed Tickets",
            sum(
                1
                for t in store.tickets.values()
                if t["closed_by"] == me_id and _local_date(site, t["resolved_at"]) == today
            ),
        ),
        "responses": (
            "Responses",
            sum(1 for r in responses_today if r["conversation_type"] == "response"),
        ),
        "interactions": ("Interactions", len({r["ticket_id"] for r in responses_today})),
        "unassigned_tickets": (
            "Unassigned Tickets",
            sum(
                1
                for t in store.tickets.values()
                if t["agent_id"] is None and t["status"] != "closed"
            ),
        ),
    }
    return Reply(200, {"stats": {k: {"title": t, "count": c} for k, (t, c) in stats.items()}})


def _group_summary(site: SiteState, key: str) -> dict[int, dict[str, Any]]:
    store = site.store
    today = _local_date(site, site.current_time())
    out: dict[int, dict[str, Any]] = {}
    for ticket in store.tickets.values():
        group = ticket.get(key)
        if group is None:
            continue
        stats = out.setdefault(group, {"responses": 0, "opens": 0, "closed": 0, "touched": set()})
        if ticket["status"] != "closed" and _local_date(site, ticket["created_at"]) == today:
            stats["opens"] += 1
        if ticket["status"] == "closed" and _local_date(site, ticket["resolved_at"]) == today:
            stats["closed"] += 1
        for rid in store.responses_by_ticket.get(ticket["id"], []):
            row = store.responses[rid]
            if (
                row["conversation_type"] == "response"
                and _local_date(site, row["created_at"]) == today
            ):
                stats["responses"] += 1
                stats["touched"].add(ticket["id"])
    return out


def _stats_block(stats: dict[str, Any] | None) -> dict[str, Any]:
    stats = stats or {"responses": 0, "opens": 0, "closed": 0, "touched": set()}
    return {
        "responses": str(stats["responses"]),
        "opens": stats["opens"],
        "closed": str(stats["closed"]),
        "interactions": len(stats["touched"]),
    }


def product_reports_summary(site: SiteState, request: Request) -> Reply:
    groups = _group_summary(site, "product_id")
    summary = [
        {
            "id": p["id"],
            "title": p["title"],
            "stats": _stats_block(groups.get(p["id"])),
            "active_stat": "",
        }
        for p in site.store.products.values()
    ]
    return Reply(200, {"summary": summary})


def mailbox_reports_summary(site: SiteState, request: Request) -> Reply:
    groups = _group_summary(site, "mailbox_id")
    summary = [
        {
            "id": m["id"],
            "name": m["name"],
            "stats": _stats_block(groups.get(m["id"])),
            "active_stat": "",
            "settings": [],
        }
        for m in site.store.mailboxes.values()
    ]
    return Reply(200, {"summary": summary})
