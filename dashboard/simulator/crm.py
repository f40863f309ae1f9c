"""FluentCRM 2.9 REST routes (namespace fluent-crm/v2), answered like the plugin."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from . import crm_writes as w
from . import serialize as s
from .data import User
from .wp import Route

if TYPE_CHECKING:
    from .app import Reply, Request, SimulatedSite

NS = "/fluent-crm/v2"
NOT_FOUND = {"message": "Subscriber not found"}
SORTABLE = frozenset(s.CONTACT_COLUMNS)
NOTE_TYPES = [
    ("note", "Note"), ("call", "Call"), ("email", "Email"), ("meeting", "Meeting"),
    ("quote_sent", "Quote: Sent"), ("quote_accepted", "Quote: Accepted"),
    ("quote_refused", "Quote: Refused"), ("invoice_sent", "Invoice: Sent"),
    ("invoice_part_paid", "Invoice: Part Paid"), ("invoice_paid", "Invoice: Paid"),
    ("invoice_refunded", "Invoice: Refunded"), ("transaction", "Transaction"),
    ("feedback", "Feedback"), ("tweet", "Tweet"), ("facebook_post", "Facebook Post"),
]  # fmt: skip
NUMERIC_STRINGS = frozenset({"total_points", "life_time_value", "is_public"})


def _reply(status: int, body: Any = None, **kwargs: Any) -> Reply:
    from .app import Reply

    return Reply(status, body, **kwargs)


def _bench(started: float) -> float:
    return time.perf_counter() - started


def _pivot(site: SimulatedSite, contact: dict, object_id: int, kind: str) -> dict[str, Any]:
    # The pivot row is written when the segment is attached (seeded ones with the contact).
    at = contact.get("pivot_at", {}).get((kind, object_id), contact["created_at"])
    stamp = site.clock.local(at)
    return {
        "subscriber_id": str(contact["id"]),
        "object_id": str(object_id),
        "object_type": f"FluentCrm\\App\\Models\\{kind}",
        "created_at": stamp,
        "updated_at": stamp,
    }


def _local_row(site: SimulatedSite, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if hasattr(value, "astimezone"):
            out[key] = site.clock.local(value)
        elif key in NUMERIC_STRINGS and value is not None:
            out[key] = str(value)
        else:
            out[key] = value
    return out


def contact_tags(site: SimulatedSite, contact: dict[str, Any]) -> list[dict[str, Any]]:
    tags = site.store.crm_tags
    return [
        _local_row(site, tags[t]) | {"pivot": _pivot(site, contact, t, "Tag")}
        for t in contact["tag_ids"]
        if t in tags
    ]


def contact_lists(site: SimulatedSite, contact: dict[str, Any]) -> list[dict[str, Any]]:
    lists = site.store.crm_lists
    return [
        _local_row(site, lists[x]) | {"pivot": _pivot(site, contact, x, "Lists")}
        for x in contact["list_ids"]
        if x in lists
    ]


def _photo(request: Request) -> str:
    return f"{request.base_url}/wp-content/plugins/fluent-crm/assets/images/avatar.png"


def contact_row(
    site: SimulatedSite, request: Request, contact: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in s.CONTACT_COLUMNS:
        value = contact.get(key)
        if hasattr(value, "astimezone"):
            out[key] = site.clock.local(value)
        elif key in NUMERIC_STRINGS and value is not None:
            out[key] = str(value)
        else:
            out[key] = value
    out.update(extra)
    out["full_name"] = s.full_name(contact)
    out["photo"] = _photo(request)
    out["tags"] = contact_tags(site, contact)
    out["lists"] = contact_lists(site, contact)
    return out


def _values(contact: dict[str, Any]) -> Any:
    # PHP serialises an empty associative array as [] and a filled one as an object.
    return dict(contact["custom_values"]) if contact["custom_values"] else []


def subscribers_index(site: SimulatedSite, request: Request) -> Reply:
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
    return _reply(
        200,
        {
            "subscribers": s.crm_page(data, len(rows), page, per_page, f"/wp-json{NS}/subscribers"),
            "custom": query.get("custom_fields") or None,
            "__bench": _bench(started),
        },
    )


def _find(site: SimulatedSite, request: Request) -> dict[str, Any] | None:
    cid = int(request.args["id"])
    email = request.query.get("get_by_email")
    if cid == 0 and isinstance(email, str) and email.strip():
        return site.store.contact_by_email(email)
    return site.store.contacts.get(cid)


def subscriber_show(site: SimulatedSite, request: Request) -> Reply:
    started = time.perf_counter()
    contact = _find(site, request)
    if contact is None:
        return _reply(422, dict(NOT_FOUND))
    relations = [str(w) for w in s.as_list(request.query.get("with"))]
    extra: dict[str, Any] = {}
    if contact["status"] in w.UNSUBSCRIBED_LIKE:
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
    body["__bench"] = _bench(started)
    return _reply(200, body)


def subscriber_notes(site: SimulatedSite, request: Request) -> Reply:
    started = time.perf_counter()
    # The plugin does not look the contact up: an unknown one simply has no notes.
    cid = int(request.args["id"])
    page = max(1, s.to_int(request.query.get("page"), 1) or 1)
    per_page = max(1, s.to_int(request.query.get("per_page"), 15) or 15)
    search = str(request.query.get("search") or "").strip().lower()
    notes = sorted(site.store.contact_notes.get(cid, []), key=lambda n: -n["id"])
    if search:
        notes = [n for n in notes if search in n["title"].lower()]
    rows = []
    for note in notes[(page - 1) * per_page : page * per_page]:
        row = w._note_row(site, note)
        author = site.store.user_by_person(note["created_by"])
        row["added_by"] = (
            {
                "ID": note["created_by"],
                "first_name": author.first_name,
                "last_name": author.last_name,
                # WordPress's display name: the full name when set, else the login.
                "display_name": author.full_name.strip() or author.username,
            }
            if author
            else None
        )
        rows.append(row)
    path = f"/wp-json{NS}/subscribers/{cid}/notes"
    fields = {
        "type": {
            "type": "input-option",
            "label": "Type",
            "id": "fc_note_type",
            "name": "type",
            "options": [{"id": key, "label": label} for key, label in NOTE_TYPES],
        },
        "created_at": {
            "type": "input-date",
            "data_type": "datetime",
            "name": "created_at",
            "label": "Date Time",
            "id": "fc_note_title",
            "value_format": "yyyy-MM-dd HH:mm:ss",
            "help": "keep blank for current time",
        },
        "title": {
            "type": "input-text",
            "name": "title",
            "label": "Title",
            "id": "fc_note_title",
            "placeholder": "Your Note Title",
        },
        "description": {
            "type": "wp-editor",
            "name": "description",
            "label": "Description",
            "id": "fc_note_desc",
        },
    }
    return _reply(
        200,
        {
            "notes": s.crm_page(rows, len(notes), page, per_page, path),
            "fields": {"fields": fields},
            "__bench": _bench(started),
        },
    )


def subscriber_support_tickets(site: SimulatedSite, request: Request) -> Reply:
    started = time.perf_counter()
    contact = _find(site, request)
    if contact is None:
        return _reply(422, dict(NOT_FOUND))
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
                    "Submitted at": w.human_ago(site.current_time() - ticket["created_at"]),
                    "action": f'<a target="_blank" href="{link}">View Ticket</a>',
                }
            )
    return _reply(
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
            "__bench": _bench(started),
        },
    )


def tags_index(site: SimulatedSite, request: Request) -> Reply:
    started = time.perf_counter()
    page = max(1, s.to_int(request.query.get("page"), 1) or 1)
    per_page = max(1, s.to_int(request.query.get("per_page"), 15) or 15)
    contacts = site.store.contacts.values()
    tags = w.segment_search(sorted(site.store.crm_tags.values(), key=lambda t: -t["id"]), request)
    counts = str(request.query.get("exclude_counts") or "") != "true"
    rows = [
        _local_row(site, tag)
        | (
            {"subscribersCount": sum(1 for c in contacts if tag["id"] in c["tag_ids"])}
            if counts
            else {}
        )
        for tag in tags[(page - 1) * per_page : page * per_page]
    ]
    body: dict[str, Any] = {
        "tags": s.crm_page(rows, len(tags), page, per_page, f"/wp-json{NS}/tags")
    }
    if str(request.query.get("all_tags") or "") == "true":
        body["all_tags"] = [
            {"id": str(t["id"]), "title": t["title"], "slug": t["slug"]}
            for t in sorted(site.store.crm_tags.values(), key=lambda t: t["id"])
        ]
    body["__bench"] = _bench(started)
    return _reply(200, body)


def lists_index(site: SimulatedSite, request: Request) -> Reply:
    contacts = site.store.contacts.values()
    page = max(1, s.to_int(request.query.get("page"), 1) or 1)
    per_page = max(1, s.to_int(request.query.get("per_page"), 500) or 500)
    counts = str(request.query.get("exclude_counts") or "") != "true"
    found = w.segment_search(sorted(site.store.crm_lists.values(), key=lambda x: -x["id"]), request)
    rows = []
    for item in found[(page - 1) * per_page : page * per_page]:
        row = _local_row(site, item)
        if counts:
            members = [c for c in contacts if item["id"] in c["list_ids"]]
            row["totalCount"] = len(members)
            row["subscribersCount"] = sum(1 for c in members if c["status"] == "subscribed")
        rows.append(row)
    body: dict[str, Any] = {"lists": rows, "pagination": {"total": len(found)}}
    if str(request.query.get("all_lists") or "") == "true":
        body["all_lists"] = [
            {"id": str(x["id"]), "title": x["title"], "slug": x["slug"]}
            for x in sorted(site.store.crm_lists.values(), key=lambda x: x["id"])
        ]
    return _reply(200, body)


def custom_fields(site: SimulatedSite, request: Request) -> Reply:
    started = time.perf_counter()
    return _reply(
        200,
        {"fields": [dict(f) for f in site.store.custom_fields], "__bench": _bench(started)},
    )


def namespace_index(site: SimulatedSite, request: Request) -> Reply:
    routes = {
        route.path: {"namespace": NS.strip("/"), "methods": route.allow.split(", ")}
        for route in ROUTES
    }
    return _reply(200, {"namespace": NS.strip("/"), "routes": routes})


def crm_policy(user: User | None) -> int | None:
    if user is None:
        return 401
    return None if user.crm_access else 403


S = NS + r"/subscribers/(?P<id>[0-9]+)"
N = S + r"/notes/(?P<note>[0-9]+)"
ROUTES = [
    Route(NS, {"GET": namespace_index}, "GET"),
    Route(
        NS + "/subscribers",
        {"GET": subscribers_index, "POST": w.subscriber_create},
        "GET, POST, DELETE",
        crm_policy,
    ),
    Route(NS + "/subscribers/sync-segments", {"POST": w.sync_segments}, "POST", crm_policy),
    Route(
        NS + "/subscribers/subscribers-property",
        {"PUT": w.subscribers_property},
        "PUT",
        crm_policy,
    ),
    Route(
        S,
        {"GET": subscriber_show, "PUT": w.subscriber_update, "DELETE": w.subscriber_delete},
        "GET, DELETE, PUT",
        crm_policy,
    ),
    Route(S + "/notes", {"GET": subscriber_notes, "POST": w.note_add}, "GET, POST", crm_policy),
    Route(N, {"PUT": w.note_update, "DELETE": w.note_delete}, "PUT, DELETE", crm_policy),
    Route(S + "/emails", {"GET": w.emails_index}, "GET", crm_policy),
    Route(S + "/emails/template-mock", {"GET": w.email_template_mock}, "GET", crm_policy),
    Route(S + "/emails/send", {"POST": w.email_send}, "POST", crm_policy),
    Route(S + "/info-widgets", {"GET": w.info_widgets}, "GET", crm_policy),
    Route(S + "/purchase-history", {"GET": w.purchase_history}, "GET", crm_policy),
    Route(S + "/form-submissions", {"GET": w.form_submissions}, "GET", crm_policy),
    Route(S + "/tracking-events", {"GET": w.tracking_events}, "GET", crm_policy),
    Route(S + "/url-metrics", {"GET": w.url_metrics}, "GET", crm_policy),
    Route(S + "/support-tickets", {"GET": subscriber_support_tickets}, "GET", crm_policy),
    Route(
        NS + r"/campaigns/emails/(?P<email>[0-9]+)/preview",
        {"GET": w.email_preview},
        "GET",
        crm_policy,
    ),
    Route(NS + "/tags", {"GET": tags_index}, "GET, POST", crm_policy),
    Route(NS + r"/tags/(?P<tag>[0-9]+)", {"DELETE": w.tag_delete}, "GET, PUT, DELETE", crm_policy),
    Route(NS + "/lists", {"GET": lists_index}, "GET, POST", crm_policy),
    Route(NS + "/custom-fields/contacts", {"GET": custom_fields}, "GET, PUT", crm_policy),
]
