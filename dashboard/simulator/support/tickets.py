"""Fluent Support's ticket reads: the list (filters, search, sort), one ticket with its
conversation, its widgets and who is viewing it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import files, wptext
from .. import serialize as s
from ..memo import frozen, remembered
from ..rest import Reply, Request
from .common import (
    NS,
    fluentcrm_profile,
    full_person,
    mailbox_brief,
    paging,
    product_brief,
    tag_rows,
    ticket_or_error,
    waiting,
)

if TYPE_CHECKING:
    from ..state import SiteState


STATUS_GROUPS = {"open": ("new", "active"), "active": ("active",), "closed": ("closed",),
                 "new": ("new",)}  # fmt: skip
# The columns a `column:value` search may name: the ticket's fillable columns and id.
SEARCH_COLUMNS = frozenset(
    {
        "id", "customer_id", "agent_id", "product_id", "mailbox_id", "product_source", "privacy",
        "priority", "client_priority", "status", "title", "slug", "hash", "source", "message_id",
        "content", "last_agent_response", "last_customer_response", "waiting_since",
        "response_count", "first_response_time", "total_close_time", "resolved_at", "closed_by",
    }
)  # fmt: skip


def _viewers(site: SiteState, ticket_id: int) -> list[dict[str, Any]]:
    watching = site.viewers.get(ticket_id)
    if not watching:
        return []
    now = site.monotonic()
    out = []
    for person_id, expires in list(watching.items()):
        if expires <= now:
            del watching[person_id]
            continue
        person = site.store.persons.get(person_id)
        if person is None:
            continue
        out.append(
            {
                "email": person["email"],
                "first_name": person["first_name"],
                "last_name": person["last_name"],
                "full_name": s.full_name(person),
                "photo": s.photo_url(person["first_name"], person["last_name"], person["email"]),
            }
        )
    return out


def ticket_list_row(
    site: SiteState, ticket: dict[str, Any], with_viewers: bool = True
) -> dict[str, Any]:
    store = site.store
    out = s.ticket_columns(ticket, site.clock)
    if with_viewers:
        out["live_activity"] = _viewers(site, ticket["id"])
    customer = store.persons.get(ticket["customer_id"])
    agent = store.persons.get(ticket["agent_id"]) if ticket["agent_id"] is not None else None
    out["customer"] = s.person_brief(customer) if customer else None
    out["agent"] = s.person_brief(agent, agent=True) if agent else None
    out["mailbox"] = mailbox_brief(site, ticket["mailbox_id"])
    out["product"] = product_brief(site, ticket["product_id"])
    out["tags"] = tag_rows(site, ticket)
    rids = store.responses_by_ticket.get(ticket["id"])
    out["preview_response"] = (
        s.response_row(store.responses[rids[-1]], site.clock) if rids else None
    )
    return out


def _response_full(site: SiteState, row: dict[str, Any], base_url: str = "") -> dict[str, Any]:
    out = s.response_row(row, site.clock)
    out["cc_info"] = ""
    out["person"] = full_person(site, row["person_id"])
    out["attachments"] = files.of_response(site, row["id"], base_url)
    out["ccinfo"] = None
    return out


def tickets_index(site: SiteState, request: Request) -> Reply:
    query = request.query
    filters = query.get("filters")
    if not isinstance(filters, dict):
        filters = {}
    order_by = str(query.get("order_by") or "id")
    descending = query.get("order_type", "DESC") == "DESC"
    page, per_page = paging(request)
    if order_by not in s.TICKET_COLUMNS:
        direction = "desc" if descending else "asc"
        # Only the text of the plugin's leaked database error; no query is ever run.
        sql = (
            f"Unknown column '{order_by}' in 'ORDER BY' (SQL: select * from `wp_fs_tickets` "  # noqa: S608
            f"order by `{order_by}` {direction} LIMIT {per_page} offset {(page - 1) * per_page})"
        )
        return Reply(500, {"message": sql})
    predicates = _ticket_predicates(site, request, filters)
    tickets = site.store.tickets
    start = (page - 1) * per_page
    end = start + per_page
    ordered = site.sorted_ticket_ids(order_by, descending)
    if predicates:

        def matching() -> list[int]:
            return [tid for tid in ordered if all(check(tickets[tid]) for check in predicates)]

        # A large site keeps each filter's matches until its next write (memo.py).
        limited = None if request.user.can("fst_manage_other_tickets") else request.user.person_id
        key = (
            "tickets",
            limited,
            frozen(filters),
            frozen(request.query.get("customer_id")),
            frozen(request.query.get("search")),
            order_by,
            descending,
        )
        ids = remembered(site, key, matching)
        total = len(ids)
        picked: list[dict[str, Any]] = [tickets[tid] for tid in ids[start:end]]
    else:
        # No filter: the cached order is the answer, so just slice it.
        total = len(ordered)
        picked = [tickets[tid] for tid in ordered[start:end]]
    # Large pages skip the viewers lookup (recorded: per_page=100 rows have no live_activity).
    rows = [ticket_list_row(site, t, per_page <= 50) for t in picked]
    path = f"{request.base_url}/wp-json{NS}/tickets"
    return Reply(200, {"tickets": s.laravel_page(rows, total, page, per_page, path)})


def _ticket_predicates(site: SiteState, request: Request, filters: dict) -> list:
    predicates: list = []
    user = request.user
    if not user.can("fst_manage_other_tickets"):
        mine = user.person_id
        predicates.append(lambda t: t["agent_id"] is None or t["agent_id"] == mine)
    status_type = filters.get("status_type")
    if isinstance(status_type, str) and status_type not in ("", "all"):
        allowed = STATUS_GROUPS.get(status_type, (status_type,))
        predicates.append(lambda t: t["status"] in allowed)
    agents = s.as_list(filters.get("agent_id"))
    if agents:
        wanted = {s.to_int(a) for a in agents if str(a) != "unassigned"}
        unassigned = any(str(a) == "unassigned" for a in agents)
        predicates.append(
            lambda t: (t["agent_id"] is None and unassigned) or t["agent_id"] in wanted
        )
    for key in ("priority", "client_priority"):
        values = {str(v) for v in s.as_list(filters.get(key)) if str(v) != ""}
        if values:
            predicates.append(lambda t, k=key, v=values: t[k] in v)
    for key in ("mailbox_id", "product_id"):
        values = {s.to_int(v) for v in s.as_list(filters.get(key)) if str(v) != ""}
        if values:
            predicates.append(lambda t, k=key, v=values: t[k] in v)
    tag_ids = {s.to_int(v) for v in s.as_list(filters.get("ticket_tags")) if str(v) != ""}
    if tag_ids:
        predicates.append(lambda t: any(tag in tag_ids for tag in t["tag_ids"]))
    if filters.get("waiting_for_reply") == "yes":
        predicates.append(waiting)
    customer_id = s.to_int(request.query.get("customer_id"))
    if customer_id is not None:
        predicates.append(lambda t: t["customer_id"] == customer_id)
    search = request.query.get("search")
    if isinstance(search, str) and search.strip():
        predicates.append(_search_predicate(site, search.strip().lower()))
    return predicates


def _search_predicate(site: SiteState, needle: str):
    """The plugin's search (seq_search_*): LIKE %text% on content, title, slug and id only, so
    a customer's name or email, a reply's words or `#31` find nothing; `column:value` matches
    one column, `=` for a number and LIKE otherwise."""
    column, colon, value = needle.partition(":")
    value = value.split(":", 1)[0]
    if colon and column and column in SEARCH_COLUMNS and value not in ("", "0"):
        if value.lstrip("-").isdigit():
            number = int(value)
            return lambda ticket: s.to_int(ticket.get(column)) == number
        return lambda ticket: value in _like_text(site, ticket, column)

    def check(ticket: dict[str, Any]) -> bool:
        return any(
            needle in _like_text(site, ticket, name) for name in ("content", "title", "slug", "id")
        )

    return check


def _like_text(site: SiteState, ticket: dict[str, Any], column: str) -> str:
    value = ticket.get(column)
    if isinstance(value, datetime):
        value = site.clock.local(value)
    return "" if value is None else str(value).lower()


def ticket_show(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    store = site.store
    out = s.ticket_columns(ticket, site.clock)
    out["live_activity"] = _viewers(site, ticket["id"])
    out["carbon_copy"] = ""
    relations = [str(w) for w in s.as_list(request.query.get("with"))]
    if not relations:
        relations = ["customer", "agent", "product", "mailbox", "tags", "attachments"]
    for relation in relations:
        if relation == "customer":
            out["customer"] = full_person(
                site, ticket["customer_id"], "custom_field_keys", profile_edit_url=""
            )
        elif relation == "agent":
            out["agent"] = full_person(site, ticket["agent_id"])
        elif relation == "product":
            out["product"] = product_brief(site, ticket["product_id"])
        elif relation == "mailbox":
            out["mailbox"] = mailbox_brief(site, ticket["mailbox_id"])
        elif relation == "tags":
            out["tags"] = tag_rows(site, ticket)
        elif relation == "attachments":
            out["attachments"] = files.of_ticket(site, ticket["id"], request.base_url)
    if ticket["status"] == "closed" and ticket["closed_by"] is not None:
        out["closed_by_person"] = full_person(site, ticket["closed_by"])
    rids = store.responses_by_ticket.get(ticket["id"], [])
    responses = [
        _response_full(site, store.responses[rid], request.base_url) for rid in reversed(rids)
    ]
    out["responses"] = responses
    # Text is stored as sent (after sanitising); the ticket view wraps it in paragraphs.
    out["content"] = wptext.autop(out["content"] or "")
    for response in responses:
        response["content"] = wptext.autop(response["content"] or "")
    body: dict[str, Any] = {
        "ticket": out,
        "responses": responses,
        "agent_id": request.user.person_id,
    }
    if "fluentcrm_profile" in [str(w) for w in s.as_list(request.query.get("with_data"))]:
        customer = store.persons.get(ticket["customer_id"])
        body["fluentcrm_profile"] = fluentcrm_profile(
            site, customer and customer["email"], request.base_url
        )
    return Reply(200, body)


def ticket_widgets(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    others = [
        {
            "id": other["id"],
            "title": other["title"],
            "status": other["status"],
            "created_at": site.clock.iso(other["created_at"]),
        }
        for tid in reversed(site.store.tickets_by_customer.get(ticket["customer_id"], []))
        if tid != ticket["id"] and (other := site.store.tickets.get(tid))
    ]
    return Reply(200, {"other_tickets": others[:10], "extra_widgets": []})


def ticket_custom_data(site: SiteState, request: Request) -> Reply:
    _, error = ticket_or_error(site, request)
    if error:
        return error
    return Reply(200, {"custom_data": [], "rendered_fields": []})


def live_activity_get(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    watching = site.viewers.setdefault(ticket["id"], {})
    watching[request.user.person_id] = site.monotonic() + 60.0
    return Reply(200, {"live_activity": _viewers(site, ticket["id"])})


def live_activity_delete(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    site.viewers.get(ticket["id"], {}).pop(request.user.person_id, None)
    return Reply(200, {"live_activity": _viewers(site, ticket["id"])})
