"""Fluent Support's reports: overall counts, per-agent, per-product and per-mailbox summaries
and the signed-in agent's own figures."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from .. import serialize as s
from ..memo import remembered
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


def _utc_bounds(site: SiteState, window: tuple[Any, Any]) -> tuple[datetime, datetime]:
    """The window's days (both included, in the site's zone) as a half-open UTC range."""
    zone = site.clock.zone
    first = datetime.combine(window[0], time(0), tzinfo=zone)
    after = datetime.combine(window[1] + timedelta(days=1), time(0), tzinfo=zone)
    return first, max(first, after)


def _agent_tallies(
    site: SiteState, agent_ids: tuple[int, ...], window: tuple[Any, Any]
) -> dict[int, dict[str, Any]]:
    """Per agent, in one pass over the rows: the window's replies and tickets touched, open
    tickets assigned, those closed in the window, and when their waiting customers wrote."""
    store = site.store
    first, after = _utc_bounds(site, window)
    tallies = {
        pid: {"touched": set(), "responses": 0, "opens": 0, "closed": 0, "waiting": []}
        for pid in agent_ids
    }
    for row in store.responses.values():
        tally = tallies.get(row["person_id"])
        at = row["created_at"]
        if tally is None or at is None or not first <= at < after:
            continue
        tally["touched"].add(row["ticket_id"])
        if row["conversation_type"] == "response":
            tally["responses"] += 1
    for ticket in store.tickets.values():
        tally = tallies.get(ticket["agent_id"])
        if tally is None:
            continue
        if ticket["status"] != "closed":
            tally["opens"] += 1
            if waiting(ticket):
                tally["waiting"].append(ticket["waiting_since"])
        elif ticket["resolved_at"] is not None and first <= ticket["resolved_at"] < after:
            # The plugin counts the closed tickets assigned to the agent, whoever closed them.
            tally["closed"] += 1
    return tallies


def _agent_summaries(
    site: SiteState, agents: list[dict[str, Any]], window: tuple[Any, Any]
) -> list[dict[str, Any]]:
    ids = tuple(agent["id"] for agent in agents)
    tallies = remembered(
        site, ("agent_tallies", ids, window), lambda: _agent_tallies(site, ids, window)
    )
    now = site.current_time()
    return [_agent_summary(agent, tallies[agent["id"]], now) for agent in agents]


def _agent_summary(agent: dict[str, Any], tally: dict[str, Any], now: datetime) -> dict[str, Any]:
    waits = [(now - since).total_seconds() for since in tally["waiting"]]
    responses_today, closed_today = tally["responses"], tally["closed"]
    return {
        "id": agent["id"],
        "first_name": agent["first_name"],
        "last_name": agent["last_name"],
        "email": agent["email"],
        "stats": {
            "interactions": len(tally["touched"]),
            # The plugin's counts are SQL strings, but a count of none is the number 0.
            "responses": _count(responses_today),
            "opens": _count(tally["opens"]),
            "closed": _count(closed_today),
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


def _count(n: int) -> str | int:
    return str(n) if n else 0


def reports_agents_summary(site: SiteState, request: Request) -> Reply:
    agents = sorted(site.store.agents.values(), key=lambda p: p["id"])
    window = _window(site, request)
    return Reply(200, {"summary": _agent_summaries(site, agents, window)})


def my_summary(site: SiteState, request: Request) -> Reply:
    agent = site.store.persons[request.user.person_id]
    return Reply(200, {"summary": _agent_summaries(site, [agent], _window(site, request))})


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
    first, after = _utc_bounds(site, (today, today))

    def is_today(at: datetime | None) -> bool:
        return at is not None and first <= at < after

    out: dict[int, dict[str, Any]] = {}
    for ticket in store.tickets.values():
        group = ticket.get(key)
        if group is None:
            continue
        stats = out.setdefault(group, {"responses": 0, "opens": 0, "closed": 0, "touched": set()})
        if ticket["status"] != "closed" and is_today(ticket["created_at"]):
            stats["opens"] += 1
        if ticket["status"] == "closed" and is_today(ticket["resolved_at"]):
            stats["closed"] += 1
        for rid in store.responses_by_ticket.get(ticket["id"], []):
            row = store.responses[rid]
            if row["conversation_type"] == "response" and is_today(row["created_at"]):
                stats["responses"] += 1
                stats["touched"].add(ticket["id"])
    return out


def _stats_block(stats: dict[str, Any] | None) -> dict[str, Any]:
    stats = stats or {"responses": 0, "opens": 0, "closed": 0, "touched": set()}
    return {
        "responses": _count(stats["responses"]),
        "opens": _count(stats["opens"]),
        "closed": _count(stats["closed"]),
        "interactions": len(stats["touched"]),
    }


def _groups(site: SiteState, key: str) -> dict[int, dict[str, Any]]:
    today = _local_date(site, site.current_time())
    return remembered(site, ("groups", key, today), lambda: _group_summary(site, key))


def product_reports_summary(site: SiteState, request: Request) -> Reply:
    groups = _groups(site, "product_id")
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
    groups = _groups(site, "mailbox_id")
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
