"""FluentCRM contact reads: the list, one contact, its support tickets, its custom fields and
the profile's side widgets."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .. import serialize as s
from ..rest import Reply, Request
from .common import NS, UNSUBSCRIBED_LIKE, bench, contact_row

if TYPE_CHECKING:
    from ..state import SiteState


NOT_FOUND = {"message": "Subscriber not found"}
SORTABLE = frozenset(s.CONTACT_COLUMNS)


def _values(contact: dict[str, Any]) -> Any:
    # PHP serialises an empty associative array as [] and a filled one as an object.
    return dict(contact["custom_values"]) if contact["custom_values"] else []


def subscribers_index(site: SiteState, request: Request) -> Reply:
    started = time.perf_counter()
    query = request.query
    page = max(1, s.to_int(query.get("page"), 1) or 1)
    per_page = max(1, s.to_int(query.get("per_page"), 15) or 15)
    search = str(query.get("search") or "").strip().lower()
    tags = {s.to_int(t) for t in s.as_list(query.get("tags"))}
    lists = {s.to_int(x) for x in s.as_list(query.get("lists"))}
    statuses = {str(x) for x in s.as_list(query.get("statuses"))}
    sort_by = str(query.get("sort_by") or "id")
    if sort_by not in SORTABLE:
        sort_by = "id"
    descending = str(query.get("sort_type") or "DESC").upper() != "ASC"
    with_custom = str(query.get("custom_fields") or "") == "true"
    rows = []
    for contact in site.store.contacts.values():
        if search:
            name = f"{contact['first_name']} {contact['last_name']}".lower()
            if search not in contact["email"].lower() and search not in name:
                continue
        if tags and not tags.intersection(contact["tag_ids"]):
            continue
        if lists and not lists.intersection(contact["list_ids"]):
            continue
        if statuses and contact["status"] not in statuses:
            continue
        rows.append(contact)

    def key(contact: dict[str, Any]) -> tuple:
        value = contact.get(sort_by)
        if isinstance(value, str):
            value = value.lower()
        return (value is not None, value if value is not None else 0, contact["id"])

    rows.sort(key=key, reverse=descending)
    chunk = rows[(page - 1) * per_page : page * per_page]
    data = [
        contact_row(site, request, c, **({"custom_fields": _values(c)} if with_custom else {}))
        for c in chunk
    ]
    return Reply(
        200,
        {
            "subscribers": s.crm_page(data, len(rows), page, per_page, f"/wp-json{NS}/subscribers"),
            "custom": query.get("custom_fields") or None,
            "__bench": bench(started),
        },
    )


def _find(site: SiteState, request: Request) -> dict[str, Any] | None:
    cid = int(request.args["id"])
    email = request.query.get("get_by_email")
    if cid == 0 and isinstance(email, str) and email.strip():
        return site.store.contact_by_email(email)
    return site.store.contacts.get(cid)


def subscriber_show(site: SiteState, request: Request) -> Reply:
    started = time.perf_counter()
    contact = _find(site, request)
    if contact is None:
        return Reply(422, dict(NOT_FOUND))
    relations = [str(w) for w in s.as_list(request.query.get("with"))]
    extra: dict[str, Any] = {}
    if contact["status"] in UNSUBSCRIBED_LIKE:
        # The detail reads these two meta values; an admin status change stores them blank.
        extra["unsubscribe_reason"] = contact.get("unsubscribe_reason", "")
        extra["unsubscribe_date"] = contact.get("unsubscribe_date", "")
    if "stats" in relations:
        extra["stats"] = dict(contact["stats"])
    if "subscriber.custom_values" in relations:
        extra["custom_values"] = dict(contact["custom_values"])
    body: dict[str, Any] = {"subscriber": contact_row(site, request, contact, **extra)}
    if "custom_fields" in relations:
        body["custom_fields"] = [dict(f) for f in site.store.custom_fields]
    body["__bench"] = bench(started)
    return Reply(200, body)


def subscriber_support_tickets(site: SiteState, request: Request) -> Reply:
    started = time.perf_counter()
    contact = _find(site, request)
    if contact is None:
        return Reply(422, dict(NOT_FOUND))
    rows = []
    # Without ?provider= the plugin asks no integration and answers an empty table.
    if site.support_enabled and request.query.get("provider") == "fluent_support":
        email = contact["email"].lower()
        store = site.store
        customer = next(
            (
                p
                for p in store.persons.values()
                if p["person_type"] == "customer" and (p["email"] or "").lower() == email
            ),
            None,
        )
        for tid in reversed(store.tickets_by_customer.get(customer["id"], []) if customer else []):
            ticket = store.tickets.get(tid)
            if ticket is None:
                continue
            link = f"{request.base_url}/wp-admin/admin.php?page=fluent-support/#/tickets/{tid}/view"
            rows.append(
                {
                    "id": f"#{tid}",
                    "title": ticket["title"],
                    "status": f'<span class="el-tag">{ticket["status"]}</span>',
                    "Submitted at": human_ago(site.current_time() - ticket["created_at"]),
                    "action": f'<a target="_blank" href="{link}">View Ticket</a>',
                }
            )
    return Reply(
        200,
        {
            "tickets": {
                "data": rows,
                "total": len(rows),
                "columns_config": {
                    "id": {"label": "ID", "width": "100px"},
                    "status": {"label": "Status", "width": "120px"},
                    "Submitted at": {"label": "Submitted at", "width": "150px"},
                    "action": {"label": "Action", "width": "150px"},
                },
            },
            "__bench": bench(started),
        },
    )


def human_ago(delta: Any) -> str:
    """WordPress human_time_diff plus " ago": the largest unit, rounded, at least 1."""
    seconds = max(1, int(delta.total_seconds()))
    for size, unit in ((31536000, "year"), (2592000, "month"), (604800, "week"),
                       (86400, "day"), (3600, "hour"), (60, "min")):  # fmt: skip
        if seconds >= size:
            count = max(1, round(seconds / size))
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    return f"{seconds} second{'s' if seconds > 1 else ''} ago"


def custom_fields(site: SiteState, request: Request) -> Reply:
    started = time.perf_counter()
    return Reply(
        200,
        {"fields": [dict(f) for f in site.store.custom_fields], "__bench": bench(started)},
    )


def info_widgets(site: SiteState, request: Request) -> Reply:
    # No commerce, forms or event-tracking add-on: the recorded site answers empty widgets.
    return Reply(200, {"widgets": {"top_widgets": [], "other_widgets": [], "widgets_count": 0}})


def purchase_history(site: SiteState, request: Request) -> Reply:
    return Reply(200, {"orders": {"orders": [], "total": 0}})


def form_submissions(site: SiteState, request: Request) -> Reply:
    return Reply(200, {"submissions": {"data": [], "total": 0}})
