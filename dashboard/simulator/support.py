"""Fluent Support 2.0.1 REST routes (namespace fluent-support/v2), answered like the plugin."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import files, wptext
from . import serialize as s
from .data import User, add_response, md5, slugify
from .wp import Route, needs

if TYPE_CHECKING:
    from .app import Reply, Request, SimulatedSite

NS = "/fluent-support/v2"
NO_PERMISSION = "Sorry, You do not have permission to this ticket"
CONTENT_REQUIRED = {"content": {"required": "Reply content is required"}}
STATUS_GROUPS = {"open": ("new", "active"), "active": ("active",), "closed": ("closed",),
                 "new": ("new",)}  # fmt: skip
PRIORITY_LABELS = {"normal": "Normal", "medium": "Medium", "critical": "Critical"}
# The plugin's whitelist for PUT /customers (the Person model's fillable columns): every one is
# written, NULL when absent from the body. avatar and description are not among them.
CUSTOMER_FIELDS = (
    "first_name", "last_name", "email", "title", "person_type", "user_id", "remote_uid", "hash",
    "status", "ip_address", "last_ip_address", "address_line_1", "address_line_2", "city",
    "state", "zip", "country", "note",
)  # fmt: skip
# The plugin validates these with an "ip" rule its validator does not have: any non-empty value
# makes the request fail with a 500 before anything is written (seq_customer_full_2_put).
IP_RULE_UNDEFINED = {"message": "The ip rule is undefined or invalid."}
TICKET_FILLABLE = (
    "customer_id", "agent_id", "title", "content", "mailbox_id", "product_id",
    "client_priority", "priority", "source", "privacy", "message_id",
)  # fmt: skip
PERMISSION_GROUPS = [
    {
        "title": "Tickets Permissions",
        "permissions": {
            "fst_view_dashboard": "View Dashboard",
            "fst_manage_own_tickets": "Manage Own Tickets",
            "fst_manage_unassigned_tickets": "Manage Unassigned Tickets",
            "fst_manage_other_tickets": "Manage Others Tickets",
            "fst_assign_agents": "Assign Agents",
            "fst_delete_tickets": "Delete Tickets & Individual Responses",
            "fst_merge_tickets": "Merge Tickets",
            "fst_split_ticket": "Split Ticket",
            "fst_draft_reply": "Draft Reply",
            "fst_approve_draft_reply": "Approve Draft Reply",
        },
    },
    {
        "title": "Workflow Permissions",
        "permissions": {
            "fst_manage_workflows": "Manage Workflows",
            "fst_run_workflows": "Run workflows",
            "fst_manage_saved_replies": "Manage Saved Replies",
        },
    },
    {
        "title": "Settings",
        "permissions": {
            "fst_manage_settings": "Manage Overall Settings",
            "fst_sensitive_data": "Access Private Data (Customers, Agents)",
        },
    },
    {
        "title": "Reporting",
        "permissions": {
            "fst_view_all_reports": "View All Reports",
            "fst_view_activity_logs": "View Activity Logs",
            "fst_agent_today_performance": "View Agent Today Performance",
        },
    },
]


def _reply(status: int, body: Any = None, **kwargs: Any) -> Reply:
    from .app import Reply

    return Reply(status, body, **kwargs)


def not_found(model: str, ident: Any) -> Reply:
    return _reply(422, f"No query results for model [FluentSupport\\App\\Models\\{model}] {ident}")


def _paging(request: Request) -> tuple[int, int]:
    page = max(1, s.to_int(request.query.get("page"), 1) or 1)
    per_page = s.to_int(request.query.get("per_page"), 15) or 15
    return page, max(1, per_page)


def can_access(user: User, ticket: dict[str, Any]) -> bool:
    """Limited agents work on their own and unassigned tickets only."""
    if user.can("fst_manage_other_tickets"):
        return True
    return ticket["agent_id"] in (None, user.person_id)


def _ticket_or_error(site: SimulatedSite, request: Request) -> tuple[dict | None, Reply | None]:
    tid = int(request.args["ticket_id"])
    ticket = site.store.tickets.get(tid)
    if ticket is None:
        return None, not_found("Ticket", tid)
    if not can_access(request.user, ticket):
        return None, _reply(422, NO_PERMISSION)
    return ticket, None


def _viewers(site: SimulatedSite, ticket_id: int) -> list[dict[str, Any]]:
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


# --------------------------------------------------------------------------- serializers
def _full_person(site: SimulatedSite, person_id: Any, *extra: str, **kw: Any) -> dict | None:
    row = site.store.persons.get(s.to_int(person_id, -1))
    return s.person(row, site.clock, *extra, **kw) if row else None


def _mailbox(site: SimulatedSite, mailbox_id: Any) -> dict | None:
    row = site.store.mailboxes.get(s.to_int(mailbox_id, -1))
    return s.simple(row, site.clock) if row else None


def _product(site: SimulatedSite, product_id: Any) -> dict | None:
    row = site.store.products.get(s.to_int(product_id, -1))
    return s.simple(row, site.clock) if row else None


def _tags(site: SimulatedSite, ticket: dict[str, Any], tag_ids: list | None = None) -> list:
    ids = ticket["tag_ids"] if tag_ids is None else tag_ids
    tags = site.store.ticket_tags
    return [s.ticket_tag(tags[t], ticket["id"], site.clock) for t in ids if t in tags]


def ticket_list_row(
    site: SimulatedSite, ticket: dict[str, Any], with_viewers: bool = True
) -> dict[str, Any]:
    store = site.store
    out = s.ticket_columns(ticket, site.clock)
    if with_viewers:
        out["live_activity"] = _viewers(site, ticket["id"])
    customer = store.persons.get(ticket["customer_id"])
    agent = store.persons.get(ticket["agent_id"]) if ticket["agent_id"] is not None else None
    out["customer"] = s.person_brief(customer) if customer else None
    out["agent"] = s.person_brief(agent, agent=True) if agent else None
    out["mailbox"] = _mailbox(site, ticket["mailbox_id"])
    out["product"] = _product(site, ticket["product_id"])
    out["tags"] = _tags(site, ticket)
    rids = store.responses_by_ticket.get(ticket["id"])
    out["preview_response"] = (
        s.response_row(store.responses[rids[-1]], site.clock) if rids else None
    )
    return out


def _response_full(site: SimulatedSite, row: dict[str, Any], base_url: str = "") -> dict[str, Any]:
    out = s.response_row(row, site.clock)
    out["cc_info"] = ""
    out["person"] = _full_person(site, row["person_id"])
    out["attachments"] = files.of_response(site, row["id"], base_url)
    out["ccinfo"] = None
    return out


def _fresh_response(site: SimulatedSite, row: dict[str, Any]) -> dict[str, Any]:
    """A conversation row as returned right after it was created (ints, fewer columns)."""
    return {
        "person_id": row["person_id"],
        "ticket_id": row["ticket_id"],
        "conversation_type": row["conversation_type"],
        "content": row["content"],
        "source": row["source"],
        "content_hash": row["content_hash"],
        "created_at": site.clock.iso(row["created_at"]),
        "updated_at": site.clock.iso(row["updated_at"]),
        "id": row["id"],
        "person": _full_person(site, row["person_id"]),
    }


def _customer_full(site: SimulatedSite, customer_id: Any) -> dict | None:
    return _full_person(site, customer_id)


def _fluentcrm_profile(site: SimulatedSite, email: str | None, base_url: str) -> dict | None:
    if not site.crm_enabled or not email:
        return None
    contact = site.store.contact_by_email(email)
    if contact is None:
        return None
    from .crm import contact_lists, contact_tags

    person_name = None
    for person in site.store.persons.values():
        if person["email"] and person["email"].lower() == email.lower():
            person_name = s.full_name(person)
            break
    name = s.full_name(contact)
    return {
        "id": contact["id"],
        "first_name": contact["first_name"],
        "last_name": contact["last_name"],
        "full_name": name,
        "name_mismatch": person_name is not None and person_name != name,
        "tags": contact_tags(site, contact),
        "lists": contact_lists(site, contact),
        "status": contact["status"],
        "stats": dict(contact["stats"]),
        "view_url": f"{base_url}/wp-admin/admin.php?page=fluentcrm-admin#/subscribers/"
        f"{contact['id']}",
    }


# --------------------------------------------------------------------------- tickets
def tickets_index(site: SimulatedSite, request: Request) -> Reply:
    query = request.query
    filters = query.get("filters")
    if not isinstance(filters, dict):
        filters = {}
    order_by = str(query.get("order_by") or "id")
    descending = query.get("order_type", "DESC") == "DESC"
    page, per_page = _paging(request)
    if order_by not in s.TICKET_COLUMNS:
        direction = "desc" if descending else "asc"
        # Only the text of the plugin's leaked database error; no query is ever run.
        sql = (
            f"Unknown column '{order_by}' in 'ORDER BY' (SQL: select * from `wp_fs_tickets` "  # noqa: S608
            f"order by `{order_by}` {direction} LIMIT {per_page} offset {(page - 1) * per_page})"
        )
        return _reply(500, {"message": sql})
    predicates = _ticket_predicates(site, request, filters)
    tickets = site.store.tickets
    start = (page - 1) * per_page
    end = start + per_page
    ordered = site.sorted_ticket_ids(order_by, descending)
    if predicates:
        total = 0
        picked: list[dict[str, Any]] = []
        for tid in ordered:
            ticket = tickets[tid]
            if all(check(ticket) for check in predicates):
                if start <= total < end:
                    picked.append(ticket)
                total += 1
    else:
        # No filter: the cached order is the answer, so just slice it.
        total = len(ordered)
        picked = [tickets[tid] for tid in ordered[start:end]]
    # Large pages skip the viewers lookup (recorded: per_page=100 rows have no live_activity).
    rows = [ticket_list_row(site, t, per_page <= 50) for t in picked]
    path = f"{request.base_url}/wp-json{NS}/tickets"
    return _reply(200, {"tickets": s.laravel_page(rows, total, page, per_page, path)})


def _ticket_predicates(site: SimulatedSite, request: Request, filters: dict) -> list:
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
        predicates.append(_waiting)
    customer_id = s.to_int(request.query.get("customer_id"))
    if customer_id is not None:
        predicates.append(lambda t: t["customer_id"] == customer_id)
    search = request.query.get("search")
    if isinstance(search, str) and search.strip():
        predicates.append(_search_predicate(site, search.strip().lower()))
    return predicates


def _waiting(ticket: dict[str, Any]) -> bool:
    if ticket["status"] == "closed":
        return False
    agent_at = ticket["last_agent_response"]
    customer_at = ticket["last_customer_response"]
    return agent_at is None or (customer_at is not None and customer_at > agent_at)


# The columns a `column:value` search may name: the ticket's fillable columns and id.
SEARCH_COLUMNS = frozenset(
    {
        "id", "customer_id", "agent_id", "product_id", "mailbox_id", "product_source", "privacy",
        "priority", "client_priority", "status", "title", "slug", "hash", "source", "message_id",
        "content", "last_agent_response", "last_customer_response", "waiting_since",
        "response_count", "first_response_time", "total_close_time", "resolved_at", "closed_by",
    }
)  # fmt: skip


def _search_predicate(site: SimulatedSite, needle: str):
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


def _like_text(site: SimulatedSite, ticket: dict[str, Any], column: str) -> str:
    value = ticket.get(column)
    if isinstance(value, datetime):
        value = site.clock.local(value)
    return "" if value is None else str(value).lower()


def ticket_show(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
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
            out["customer"] = _full_person(
                site, ticket["customer_id"], "custom_field_keys", profile_edit_url=""
            )
        elif relation == "agent":
            out["agent"] = _full_person(site, ticket["agent_id"])
        elif relation == "product":
            out["product"] = _product(site, ticket["product_id"])
        elif relation == "mailbox":
            out["mailbox"] = _mailbox(site, ticket["mailbox_id"])
        elif relation == "tags":
            out["tags"] = _tags(site, ticket)
        elif relation == "attachments":
            out["attachments"] = files.of_ticket(site, ticket["id"], request.base_url)
    if ticket["status"] == "closed" and ticket["closed_by"] is not None:
        out["closed_by_person"] = _full_person(site, ticket["closed_by"])
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
        body["fluentcrm_profile"] = _fluentcrm_profile(
            site, customer and customer["email"], request.base_url
        )
    return _reply(200, body)


def ticket_widgets(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
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
    return _reply(200, {"other_tickets": others[:10], "extra_widgets": []})


def ticket_custom_data(site: SimulatedSite, request: Request) -> Reply:
    _, error = _ticket_or_error(site, request)
    if error:
        return error
    return _reply(200, {"custom_data": [], "rendered_fields": []})


def live_activity_get(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
    if error:
        return error
    watching = site.viewers.setdefault(ticket["id"], {})
    watching[request.user.person_id] = site.monotonic() + 60.0
    return _reply(200, {"live_activity": _viewers(site, ticket["id"])})


def live_activity_delete(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
    if error:
        return error
    site.viewers.get(ticket["id"], {}).pop(request.user.person_id, None)
    return _reply(200, {"live_activity": _viewers(site, ticket["id"])})


def _close(site: SimulatedSite, ticket: dict[str, Any], user: User, at: datetime) -> None:
    add_response(site.store, ticket, user.person_id, "internal_info", "Ticket has been closed", at)
    ticket["status"] = "closed"
    ticket["resolved_at"] = at
    ticket["closed_by"] = user.person_id
    ticket["total_close_time"] = int((at - ticket["created_at"]).total_seconds())
    ticket["waiting_since"] = at
    ticket["updated_at"] = at
    site.touch()


def _ticket_after_write(
    site: SimulatedSite,
    ticket: dict[str, Any],
    fresh: frozenset[str],
    *relations: str,
) -> dict[str, Any]:
    out = s.ticket_columns(ticket, site.clock, fresh)
    for relation in relations:
        if relation == "customer":
            out["customer"] = _customer_full(site, ticket["customer_id"])
        elif relation == "mailbox":
            out["mailbox"] = _mailbox(site, ticket["mailbox_id"])
        elif relation == "agent":
            out["agent"] = _full_person(site, ticket["agent_id"])
    return out


def response_create(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
    if error:
        return error
    content = request.param("content")
    if not isinstance(content, str) or not content.strip():
        return _reply(422, CONTENT_REQUIRED)
    kind = "note" if request.param("conversation_type") == "note" else "response"
    at = site.current_time()
    stored = wptext.agent_reply(content)
    row = add_response(site.store, ticket, request.user.person_id, kind, stored, at)
    attached = files.attach_to_response(site, ticket, row, request.param("attachments"), at)
    if kind == "response":
        if ticket["status"] == "new":
            ticket["status"] = "active"
        if ticket["agent_id"] is None:
            ticket["agent_id"] = request.user.person_id
    fresh = frozenset({"response_count"}) if kind == "response" else frozenset()
    if str(request.param("close_ticket", "")) == "yes":
        _close(site, ticket, request.user, at)
        fresh = fresh | {"total_close_time", "closed_by"}
    site.touch()
    relations = ("customer", "mailbox") if kind == "response" else ("customer",)
    answer = _fresh_response(site, row)
    # The answer's copy is wpautop'd and entity-decoded, unlike what was stored (recorded).
    answer["content"] = wptext.specialchars_decode(wptext.autop(stored))
    if attached:
        # The answer lists the files only when some were attached (the plugin reloads them).
        answer["attachments"] = [files.public(a, site, request.base_url) for a in attached]
    return _reply(
        200,
        {
            "message": "Response has been added",
            "response": answer,
            "ticket": _ticket_after_write(site, ticket, fresh, *relations),
            "update_data": [],
        },
    )


def _response_of(site: SimulatedSite, ticket: dict[str, Any], rid: int) -> dict | None:
    row = site.store.responses.get(rid)
    if row is None or row["ticket_id"] != ticket["id"]:
        return None
    return row


def response_update(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
    if error:
        return error
    rid = int(request.args["response_id"])
    row = _response_of(site, ticket, rid)
    if row is None:
        return not_found("Conversation", rid)
    content = request.param("content")
    if not isinstance(content, str) or not content.strip():
        return _reply(422, CONTENT_REQUIRED)
    stored = wptext.agent_reply(content)
    # The model is saved only when the text changed; the content_hash is never recomputed.
    if stored != row["content"]:
        row["content"] = stored
        row["updated_at"] = site.current_time()
    site.touch()
    return _reply(
        200,
        {
            "message": "Selected response has been updated",
            "response": s.response_row(row, site.clock),
        },
    )


def response_delete(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
    if error:
        return error
    rid = int(request.args["response_id"])
    row = _response_of(site, ticket, rid)
    if row is None:
        return not_found("Conversation", rid)
    del site.store.responses[rid]
    site.store.responses_by_ticket[ticket["id"]].remove(rid)
    if row["conversation_type"] == "response":
        ticket["response_count"] = max(0, ticket["response_count"] - 1)
    site.touch()
    return _reply(200, {"message": "Selected response has been deleted"})


def ticket_close(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
    if error:
        return error
    _close(site, ticket, request.user, site.current_time())
    silently = request.param("close_ticket_silently") not in (None, "", False, "false", "no")
    relations = ("mailbox",) if silently else ()
    fresh = frozenset({"total_close_time", "closed_by"})
    return _reply(
        200,
        {
            "message": "Ticket has been closed",
            "ticket": _ticket_after_write(site, ticket, fresh, *relations),
        },
    )


def ticket_reopen(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
    if error:
        return error
    ticket["status"] = "active"
    ticket["updated_at"] = site.current_time()
    site.touch()
    # The plugin answers with the acting agent under the "ticket" key; kept as recorded.
    return _reply(
        200,
        {
            "message": "Ticket has been opened again",
            "ticket": _full_person(site, request.user.person_id),
        },
    )


def _delete_ticket(site: SimulatedSite, ticket: dict[str, Any]) -> None:
    store = site.store
    for rid in store.responses_by_ticket.pop(ticket["id"], []):
        store.responses.pop(rid, None)
    store.tickets.pop(ticket["id"], None)
    owned = store.tickets_by_customer.get(ticket["customer_id"], [])
    if ticket["id"] in owned:
        owned.remove(ticket["id"])
    site.viewers.pop(ticket["id"], None)
    site.touch()


def ticket_delete(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
    if error:
        return error
    if not request.user.can("fst_delete_tickets"):
        return _reply(422, NO_PERMISSION)
    _delete_ticket(site, ticket)
    return _reply(200, {"message": "Ticket has been deleted"})


def _assign(site: SimulatedSite, ticket: dict[str, Any], agent_id: int, user: User) -> None:
    agent = site.store.persons[agent_id]
    ticket["agent_id"] = agent_id
    at = site.current_time()
    text = f"{user.full_name} assigned {s.full_name(agent)} in this ticket"
    add_response(site.store, ticket, user.person_id, "internal_info", text, at)
    site.touch()


def ticket_property(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
    if error:
        return error
    name = str(request.param("prop_name") or "")
    value = request.param("prop_value")
    label = name.replace("_", " ").capitalize()
    update_data: Any = []
    if name not in s.TICKET_COLUMNS:
        stamp = site.clock.local(site.current_time())
        # Only the text of the plugin's leaked database error; no query is ever run.
        return _reply(
            422,
            f"Unknown column '{name}' in 'SET' (SQL: update `wp_fs_tickets` set `{name}` = "  # noqa: S608
            f"'{value}', `wp_fs_tickets`.`updated_at` = '{stamp}' where `id` = '{ticket['id']}')",
        )
    if name == "agent_id":
        if not request.user.can("fst_assign_agents"):
            return _reply(422, NO_PERMISSION)
        agent_id = s.to_int(value)
        agent = site.store.persons.get(agent_id) if agent_id is not None else None
        if agent is None or agent["person_type"] != "agent":
            return _reply(
                422, f"No query results for model [FluentSupport\\App\\Models\\Agent] {value}"
            )
        _assign(site, ticket, agent_id, request.user)
        update_data = {
            "agent": _full_person(site, agent_id),
            "assigner": _full_person(site, request.user.person_id),
        }
    else:
        if name in s.STRING_INT_COLUMNS and s.to_int(value) is not None:
            value = s.to_int(value)
        if ticket[name] == value:
            # The model has nothing dirty, so nothing is written, not even updated_at (recorded:
            # seq_property_9_priority_same_value).
            return _reply(200, {"message": f"{label} has been updated", "update_data": []})
        ticket[name] = value
        if name == "product_id":
            product = _product(site, value)
            update_data = {"product": product} if product else []
    ticket["updated_at"] = site.current_time()
    site.touch()
    return _reply(200, {"message": f"{label} has been updated", "update_data": update_data})


def ticket_tag_add(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
    if error:
        return error
    before = list(ticket["tag_ids"])
    tag_id = s.to_int(request.param("tag_id"))
    if tag_id is not None and tag_id not in ticket["tag_ids"]:
        ticket["tag_ids"].append(tag_id)
        site.touch()
    # The plugin answers with the tag list as loaded before the change; kept as recorded.
    return _reply(
        200,
        {"message": "Tag has been added to this ticket", "tags": _tags(site, ticket, before)},
    )


def ticket_tag_remove(site: SimulatedSite, request: Request) -> Reply:
    ticket, error = _ticket_or_error(site, request)
    if error:
        return error
    before = list(ticket["tag_ids"])
    tag_id = int(request.args["tag_id"])
    if tag_id in ticket["tag_ids"]:
        ticket["tag_ids"].remove(tag_id)
        site.touch()
    return _reply(
        200,
        {"message": "Tag has been removed from this ticket", "tags": _tags(site, ticket, before)},
    )


def bulk_actions(site: SimulatedSite, request: Request) -> Reply:
    # As recorded (seq_bulk_*): unknown ids are ignored; the errors are 422 bare strings.
    action = request.param("bulk_action")
    ids = [s.to_int(t) for t in s.as_list(request.param("ticket_ids"))]
    tickets = [
        t
        for tid in ids
        if (t := site.store.tickets.get(tid)) is not None and can_access(request.user, t)
    ]
    at = site.current_time()
    if action == "close_tickets":
        # Every ticket found is counted, closed or not; only open ones change, each with an
        # internal_info. A bulk close leaves waiting_since as it was (seq_bulk_8_after).
        for ticket in tickets:
            if ticket["status"] != "closed":
                waiting_since = ticket["waiting_since"]
                _close(site, ticket, request.user, at)
                ticket["waiting_since"] = waiting_since
        return _reply(200, {"message": f"{len(tickets)} tickets have been closed."})
    if action == "delete_tickets":
        if not request.user.can("fst_delete_tickets"):
            return _reply(422, NO_PERMISSION)
        for ticket in tickets:
            _delete_ticket(site, ticket)
        return _reply(200, {"message": f"{len(tickets)} tickets have been deleted"})
    if action == "assign_agent":
        if request.param("agent_id") is None:
            return _reply(422, "agent_id param is required")
        agent_id = s.to_int(request.param("agent_id"))
        agent = site.store.persons.get(agent_id) if agent_id is not None else None
        if agent is None or agent["person_type"] != "agent":
            return _reply(
                422, f"No query results for model [FluentSupport\\App\\Models\\Agent] {agent_id}"
            )
        # Tickets that already have the agent are left out of the count; no note is added
        # (unlike PUT property agent_id), and each assigned ticket's updated_at moves.
        changed = 0
        for ticket in tickets:
            if ticket["agent_id"] != agent_id:
                ticket["agent_id"] = agent_id
                ticket["updated_at"] = at
                changed += 1
        site.touch()
        return _reply(
            200, {"message": f"{changed} tickets have been assigned to {s.full_name(agent)}."}
        )
    if action == "assign_tags":
        if request.param("tag_ids") is None:
            return _reply(422, "tag_ids param is required")
        tag_ids = [
            s.to_int(t) for t in s.as_list(request.param("tag_ids")) if s.to_int(t) is not None
        ]
        for ticket in tickets:
            for tag_id in tag_ids:
                if tag_id not in ticket["tag_ids"]:
                    ticket["tag_ids"].append(tag_id)
        site.touch()
        return _reply(200, {"message": "Selected tags has been added to tickets"})
    return _reply(422, "Sorry no action found as available")


def bulk_reply(site: SimulatedSite, request: Request) -> Reply:
    content = request.param("content")
    # The route runs the text through sanitize_text_field before it checks it is there.
    content = wptext.sanitize_text_field(content) if isinstance(content, str) else ""
    if not content:
        return _reply(422, CONTENT_REQUIRED)
    html = wptext.agent_reply(content)
    at = site.current_time()
    for tid in s.as_list(request.param("ticket_ids")):
        ticket = site.store.tickets.get(s.to_int(tid, -1))
        if ticket is None or not can_access(request.user, ticket):
            continue
        add_response(site.store, ticket, request.user.person_id, "response", html, at)
        if ticket["status"] == "new":
            ticket["status"] = "active"
    site.touch()
    return _reply(200, {"message": "Response has been added to the selected tickets"})


def ticket_create(site: SimulatedSite, request: Request) -> Reply:
    data = request.param("ticket")
    data = data if isinstance(data, dict) else {}
    new_customer = request.param("newCustomer")
    new_customer = new_customer if isinstance(new_customer, dict) else {}
    errors: dict[str, dict[str, str]] = {}
    if not str(data.get("title") or "").strip():
        errors["ticket.title"] = {"required": "Ticket title is required"}
    if not str(data.get("content") or "").strip():
        errors["ticket.content"] = {"required": "Ticket content is required"}
    creating = data.get("create_customer") == "yes"
    if creating:
        email = str(new_customer.get("email") or "").strip()
        if not email:
            errors["newCustomer.email"] = {"required": "Customer email is required"}
        elif not _valid_email(email):
            errors["newCustomer.email"] = {"email": "Customer email must be a valid email"}
    elif data.get("customer_id") in (None, ""):
        errors["ticket.customer_id"] = {"required": "Customer is required"}
    if errors:
        return _reply(422, errors)
    store = site.store
    at = site.current_time()
    if creating:
        customer = _find_or_create_customer(site, new_customer, at)
        customer_id = customer["id"]
    else:
        customer_id = s.to_int(data.get("customer_id"))
        customer = store.persons.get(customer_id) if customer_id is not None else None
        if customer is None or customer["person_type"] != "customer":
            return _reply(
                404,
                {
                    "message": "No query results for model [FluentSupport\\App\\Models\\Customer] "
                    f"{data.get('customer_id')}",
                    "data": {"wpfluent": {"env": "production"}},
                },
            )
    content = wptext.ticket_content(str(data["content"]))
    title = wptext.title(str(data["title"]))
    tid = store.next_ticket_id
    store.next_ticket_id += 1
    given = {k: data[k] for k in TICKET_FILLABLE if k in data}
    for key in ("customer_id", "agent_id", "mailbox_id", "product_id"):
        if key in given:
            given[key] = s.to_int(given[key])
    given["title"] = title
    given["content"] = content
    if creating:
        given["customer_id"] = customer_id
    mailbox_id = given.get("mailbox_id") or next(
        (m["id"] for m in store.mailboxes.values() if m["is_default"] == "yes"), 1
    )
    fresh_keys = dict(given)
    if "product_id" in given:
        fresh_keys["product_source"] = "local"
    ticket = {
        "id": tid,
        "customer_id": customer_id,
        "agent_id": given.get("agent_id"),
        "mailbox_id": mailbox_id,
        "product_id": given.get("product_id"),
        "product_source": "local",
        "privacy": "private",
        "priority": given.get("priority") or "normal",
        "client_priority": given.get("client_priority") or "normal",
        "status": "new",
        "title": title,
        "slug": slugify(title),
        "hash": md5(f"ticket-{tid}-{at.isoformat()}")[:10],
        "content_hash": md5(content),
        "message_id": None,
        "source": None,
        "content": content,
        "secret_content": None,
        "last_agent_response": None,
        "last_customer_response": at,
        "waiting_since": at,
        "response_count": 0,
        "first_response_time": None,
        "total_close_time": None,
        "resolved_at": None,
        "closed_by": None,
        "created_at": at,
        "updated_at": at,
        "tag_ids": [],
    }
    store.tickets[tid] = ticket
    store.responses_by_ticket[tid] = []
    store.tickets_by_customer.setdefault(customer_id, []).append(tid)
    attached = files.attach_to_new_ticket(site, ticket, request.param("attachments"), at)
    site.touch()
    fresh_keys.update(
        {
            "slug": ticket["slug"],
            "hash": ticket["hash"],
            "content_hash": ticket["content_hash"],
            "last_customer_response": site.clock.local(at),
            "created_at": site.clock.iso(at),
            "updated_at": site.clock.iso(at),
            "waiting_since": site.clock.iso(at),
            "id": tid,
        }
    )
    if attached:
        fresh_keys["attachments"] = [files.public(a, site, request.base_url) for a in attached]
    fresh_keys["mailbox"] = _mailbox(site, mailbox_id)
    return _reply(200, {"message": "Ticket has been successfully created", "ticket": fresh_keys})


def _valid_email(email: str) -> bool:
    return re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) is not None


def _find_or_create_customer(site: SimulatedSite, fields: dict, at: datetime) -> dict[str, Any]:
    store = site.store
    email = str(fields.get("email")).strip()
    for person in store.persons.values():
        if person["person_type"] == "customer" and (person["email"] or "").lower() == email.lower():
            return person
    from .data import _person

    pid = store.next_person_id
    store.next_person_id += 1
    row = _person(
        pid,
        str(fields.get("first_name") or ""),
        str(fields.get("last_name") or ""),
        email,
        "customer",
        at,
    )
    store.persons[pid] = row
    store.tickets_by_customer[pid] = []
    return row


def _portal_error(message: str) -> Reply:
    return _reply(422, {"message": message, "error_type": 0})


def _portal_customer(site: SimulatedSite, request: Request) -> dict[str, Any] | None:
    """The customer the portal acts for: on_behalf[email], else the signed-in user's email."""
    on_behalf = request.param("on_behalf")
    email = on_behalf.get("email") if isinstance(on_behalf, dict) else None
    if not email:
        email = request.user.email
    wanted = str(email or "").strip().lower()
    for person in site.store.persons.values():
        if person["person_type"] == "customer" and (person["email"] or "").lower() == wanted:
            return person
    return None


def _portal_denied(request: Request) -> Reply | None:
    """The portal policy: acting on someone's behalf needs an agent who may see them all."""
    on_behalf = request.param("on_behalf")
    user = request.user
    if on_behalf and not (user.can("fst_sensitive_data") or user.can("fst_manage_other_tickets")):
        return _reply(
            403,
            {
                "code": "rest_forbidden",
                "message": "Sorry, you are not allowed to do that.",
                "data": {"status": 403},
            },
            allow=False,
        )
    return None


def portal_response(site: SimulatedSite, request: Request) -> Reply:
    """A customer reply, posted by an agent on the customer's behalf (on_behalf[email]).

    Recorded (seq_onbehalf_*): the status never changes (a closed ticket stays closed),
    last_customer_response is now, waiting_since moves only when the agent had the last word.
    """
    denied = _portal_denied(request)
    if denied:
        return denied
    content = request.param("content")
    if not isinstance(content, str) or not content.strip():
        return _reply(422, CONTENT_REQUIRED)
    tid = int(request.args["ticket_id"])
    ticket = site.store.tickets.get(tid)
    if ticket is None:
        return not_found("Ticket", tid)
    customer = _portal_customer(site, request)
    if customer is None:
        return _portal_error("Sorry! No customer found")
    if customer["status"] == "inactive":
        return _portal_error("Sorry, You do not have access to customer portal")
    if ticket["privacy"] == "private" and customer["id"] != ticket["customer_id"]:
        return _portal_error("Sorry! You cannot response this ticket")
    at = site.current_time()
    agent_at, customer_at = ticket["last_agent_response"], ticket["last_customer_response"]
    waiting_since = ticket["waiting_since"]
    row = add_response(
        site.store, ticket, customer["id"], "response", wptext.customer_reply(content), at
    )
    agent_had_last_word = agent_at is not None and (customer_at is None or agent_at > customer_at)
    ticket["waiting_since"] = at if agent_had_last_word else waiting_since
    site.touch()
    return _reply(
        200,
        {
            "message": "Reply has been added",
            "response": _fresh_response(site, row),
            "ticket": _ticket_after_write(
                site, ticket, frozenset({"response_count"}), "customer", "mailbox", "agent"
            ),
        },
    )


def portal_ticket_create(site: SimulatedSite, request: Request) -> Reply:
    """POST /customer-portal/tickets: a ticket opened as the customer (on_behalf[email])."""
    denied = _portal_denied(request)
    if denied:
        return denied
    errors = {}
    if not str(request.param("title") or "").strip():
        errors["title"] = {"required": "Title is required"}
    if not str(request.param("content") or "").strip():
        errors["content"] = {"required": "Content is required"}
    if errors:
        return _reply(422, errors)
    on_behalf = request.param("on_behalf")
    customer = _portal_customer(site, request)
    if customer is None and isinstance(on_behalf, dict) and on_behalf.get("email"):
        customer = _find_or_create_customer(site, on_behalf, site.current_time())
    if customer is None:
        return _reply(
            403,
            {
                "message": "Unable to identify. Please make sure you have provided correct "
                "information.",
                "error_type": "403",
            },
        )
    # The same storing as the agents' route (content decoded after sanitising), then the
    # portal's own answer shape.
    ticket_body = {
        "customer_id": customer["id"],
        "title": str(request.param("title")),
        "content": str(request.param("content")),
    }
    for key in ("mailbox_id", "product_id", "client_priority"):
        if request.param(key) not in (None, ""):
            ticket_body[key] = request.param(key)
    created = ticket_create(
        site, replace(request, body={"ticket": ticket_body, "newCustomer": {}}, query={})
    )
    if created.status != 200:
        return created
    ticket = site.store.tickets[created.body["ticket"]["id"]]
    ticket["source"] = "web"
    ticket["message_id"] = f"<{md5(str(ticket['id']))[:6]}.{ticket['hash']}@" + (
        customer["email"].split("@")[-1] + ">"
    )
    at = ticket["created_at"]
    answer = {
        "title": ticket["title"],
        "content": ticket["content"],
        "mailbox_id": ticket["mailbox_id"],
        "message_id": ticket["message_id"],
        "customer_id": ticket["customer_id"],
        "product_source": "local",
        "source": "web",
        "slug": ticket["slug"],
        "hash": ticket["hash"],
        "content_hash": ticket["content_hash"],
        "last_customer_response": site.clock.local(at),
        "created_at": site.clock.iso(at),
        "updated_at": site.clock.iso(at),
        "waiting_since": site.clock.iso(at),
        "id": ticket["id"],
        "mailbox": _mailbox(site, ticket["mailbox_id"]),
    }
    return _reply(200, {"message": "Ticket has been created successfully", "ticket": answer})


# --------------------------------------------------------------------------- lookups
def essentials(site: SimulatedSite, request: Request) -> Reply:
    store = site.store
    agents = [
        {
            "id": p["id"],
            "first_name": p["first_name"],
            "last_name": p["last_name"],
            "full_name": s.full_name(p),
            "photo": "",
        }
        for p in sorted(store.agents.values(), key=lambda p: p["id"])
    ]
    products = [{"id": p["id"], "title": p["title"]} for p in store.products.values()]
    tags = [{"id": t["id"], "title": t["title"]} for t in store.ticket_tags.values()]
    mailboxes = [
        {"id": m["id"], "name": m["name"], "settings": dict(m["settings"])}
        for m in store.mailboxes.values()
    ]
    kind = request.query.get("type")
    if kind:
        chosen = {"agents": agents, "mailboxes": mailboxes, "ticket_tags": tags}
        return _reply(200, chosen.get(str(kind), ""))
    return _reply(
        200,
        {
            "client_priorities": dict(PRIORITY_LABELS),
            "ticket_statuses_group": {
                "open": ["new", "active"],
                "active": ["active"],
                "closed": ["closed"],
                "new": ["new"],
                "all": [],
            },
            "agents": agents,
            "changeable_ticket_statuses": {
                "active": ["active"],
                "closed": ["closed"],
                "new": ["new"],
            },
            "admin_priorities": dict(PRIORITY_LABELS),
            "enable_draft_mode": "no",
            "max_file_upload": 3,
            "support_products": products,
            "ticket_tags": tags,
            "mailboxes": mailboxes,
            "ticket_statuses": {"new": "New", "active": "Active", "closed": "Closed"},
        },
    )


def me(site: SimulatedSite, request: Request) -> Reply:
    user = request.user
    return _reply(
        200,
        {
            "user_id": user.person_id,
            "email": user.email,
            "person": _full_person(site, user.person_id),
            "permissions": list(user.permissions),
            "request": [],
        },
    )


def _person_matches(person: dict[str, Any], search: str) -> bool:
    """The plugin's person search (seq_agents_6): LIKE on first name, last name or email, or
    the first word in the first name and the rest in the last name."""
    first, last = (person["first_name"] or "").lower(), (person["last_name"] or "").lower()
    if search in first or search in last or search in (person["email"] or "").lower():
        return True
    given, _, rest = search.partition(" ")
    return bool(rest) and given in first and rest in last


def agents_index(site: SimulatedSite, request: Request) -> Reply:
    store = site.store
    page, per_page = _paging(request)
    rows = []
    agents = sorted(store.agents.values(), key=lambda p: p["id"], reverse=True)
    search = str(request.query.get("search") or "").strip().lower()
    if search:
        agents = [a for a in agents if _person_matches(a, search)]
    for agent in agents:
        user = store.user_by_person(agent["id"])
        replies = sum(
            1
            for r in store.responses.values()
            if r["person_id"] == agent["id"] and r["conversation_type"] == "response"
        )
        interactions = len(
            {r["ticket_id"] for r in store.responses.values() if r["person_id"] == agent["id"]}
        )
        row = s.person(agent, site.clock)
        photo = row.pop("photo")
        name = row.pop("full_name")
        row.update(
            {
                "permissions": list(user.permissions) if user else [],
                "user_profile": f"{request.base_url}/wp-admin/user-edit.php?user_id={agent['id']}",
                "replies_count": replies,
                "interactions_count": interactions,
                "telegram_chat_id": "",
                "slack_user_id": "",
                "whatsapp_number": "",
                "restrictions": {"restrictedBusinessBoxes": [], "businessBoxRestrictions": False},
                "full_name": name,
                "photo": photo,
            }
        )
        rows.append(row)
    chunk = rows[(page - 1) * per_page : page * per_page]
    path = f"{request.base_url}/wp-json{NS}/agents"
    return _reply(
        200,
        {
            "agents": s.laravel_page(chunk, len(rows), page, per_page, path),
            "permissions": PERMISSION_GROUPS,
            "businessBoxes": [
                {"id": m["id"], "name": m["name"], "settings": []} for m in store.mailboxes.values()
            ],
        },
    )


def mailboxes_index(site: SimulatedSite, request: Request) -> Reply:
    counts: dict[int, int] = {}
    for ticket in site.store.tickets.values():
        counts[ticket["mailbox_id"]] = counts.get(ticket["mailbox_id"], 0) + 1
    rows = [
        s.simple(m, site.clock) | {"tickets_count": counts.get(m["id"], 0)}
        for m in site.store.mailboxes.values()
    ]
    return _reply(200, {"mailboxes": rows})


def mailbox_show(site: SimulatedSite, request: Request) -> Reply:
    mid = int(request.args["id"])
    row = site.store.mailboxes.get(mid)
    if row is None:
        return not_found("MailBox", mid)
    return _reply(200, {"mailbox": s.simple(row, site.clock)})


def products_index(site: SimulatedSite, request: Request) -> Reply:
    page, per_page = _paging(request)
    rows = [
        s.simple(p, site.clock)
        for p in sorted(site.store.products.values(), key=lambda p: p["id"], reverse=True)
    ]
    chunk = rows[(page - 1) * per_page : page * per_page]
    path = f"{request.base_url}/wp-json{NS}/products"
    return _reply(200, {"products": s.laravel_page(chunk, len(rows), page, per_page, path)})


def product_show(site: SimulatedSite, request: Request) -> Reply:
    pid = int(request.args["product_id"])
    row = site.store.products.get(pid)
    if row is None:
        return not_found("Product", pid)
    return _reply(200, {"product": s.simple(row, site.clock)})


# --------------------------------------------------------------------------- customers
def customer_row(site: SimulatedSite, person: dict[str, Any]) -> dict[str, Any]:
    store = site.store
    ticket_ids = store.tickets_by_customer.get(person["id"], [])
    responses = 0
    for tid in ticket_ids:
        for rid in store.responses_by_ticket.get(tid, []):
            row = store.responses[rid]
            if row["person_id"] == person["id"] and row["conversation_type"] == "response":
                responses += 1
    return s.person(person, site.clock, total_tickets=len(ticket_ids), total_responses=responses)


def customers_index(site: SimulatedSite, request: Request) -> Reply:
    page, per_page = _paging(request)
    search = str(request.query.get("search") or "").strip().lower()
    status = request.query.get("status")
    rows = []
    for person in sorted(site.store.persons.values(), key=lambda p: p["id"], reverse=True):
        if person["person_type"] != "customer":
            continue
        # "all" (or nothing) is no filter; the plugin filters only by a real status.
        if status and status != "all" and person["status"] != status:
            continue
        if search:
            haystack = f"{person['first_name']} {person['last_name']} {person['email']}".lower()
            if search not in haystack:
                continue
        rows.append(person)
    chunk = [customer_row(site, p) for p in rows[(page - 1) * per_page : page * per_page]]
    path = f"{request.base_url}/wp-json{NS}/customers"
    return _reply(200, {"customers": s.laravel_page(chunk, len(rows), page, per_page, path)})


def customer_delete(site: SimulatedSite, request: Request) -> Reply:
    """DELETE /customers/<id>: the plugin deletes the customer's tickets along with them."""
    cid = int(request.args["customer_id"])
    person = site.store.persons.get(cid)
    if person is None or person["person_type"] != "customer":
        missing = f"No query results for model [FluentSupport\\App\\Models\\Customer] {cid}"
        return _reply(404, {"message": missing})
    for tid in list(site.store.tickets_by_customer.get(cid, [])):
        ticket = site.store.tickets.get(tid)
        if ticket is not None:
            _delete_ticket(site, ticket)
    site.store.tickets_by_customer.pop(cid, None)
    site.store.persons.pop(cid, None)
    site.touch()
    return _reply(200, {"message": "Customer Deleted Successfully"})


def customer_show(site: SimulatedSite, request: Request) -> Reply:
    cid = int(request.args["customer_id"])
    person = site.store.persons.get(cid)
    if person is None or person["person_type"] != "customer":
        return _reply(200, {"customer": None})
    body: dict[str, Any] = {"customer": s.person(person, site.clock)}
    relations = [str(w) for w in s.as_list(request.query.get("with"))]
    if "widgets" in relations:
        body["widgets"] = []
    if "tickets" in relations:
        body["tickets"] = [
            {
                "id": t["id"],
                "title": t["title"],
                "status": t["status"],
                "customer_id": str(t["customer_id"]),
                "created_at": site.clock.iso(t["created_at"]),
            }
            for tid in reversed(site.store.tickets_by_customer.get(cid, []))
            if (t := site.store.tickets.get(tid))
        ]
    if "fluentcrm_profile" in relations:
        body["fluentcrm_profile"] = _fluentcrm_profile(site, person["email"], request.base_url)
    return _reply(200, body)


def _customer_input(request: Request) -> dict[str, Any]:
    """The whitelisted fields as the plugin reads them: trimmed, slashes stripped, user_id an
    int, NULL for every field the body does not carry."""
    out: dict[str, Any] = {}
    for key in CUSTOMER_FIELDS:
        value = request.body.get(key)
        if key == "user_id" and value is not None:
            value = s.to_int(value, 0)
        elif isinstance(value, str):
            value = wptext.unslash(value.strip())
            if key not in ("address_line_1", "address_line_2", "note"):
                value = wptext.sanitize_text_field(value)
        elif value is not None:
            value = str(value)
        out[key] = value
    return out


def _customer_invalid(data: dict[str, Any]) -> Reply | None:
    if data["ip_address"] or data["last_ip_address"]:
        return _reply(500, IP_RULE_UNDEFINED)
    errors: dict[str, dict[str, str]] = {}
    email = data["email"] or ""
    if not email:
        errors["email"] = {
            "required": "The email field is required.",
            "email": "The email must be a valid email address.",
        }
    elif not _valid_email(email):
        errors["email"] = {"email": "The email must be a valid email address."}
    if not data["first_name"]:
        errors["first_name"] = {"required": "The first name field is required."}
    return _reply(422, errors) if errors else None


def customer_create(site: SimulatedSite, request: Request) -> Reply:
    """POST /customers: fails like PUT on any IP address (recorded: seq_customer_create_ip)."""
    data = _customer_input(request)
    invalid = _customer_invalid(data)
    if invalid:
        return invalid
    taken = {(p["email"] or "").lower() for p in site.store.persons.values()}
    if data["email"].lower() in taken:
        return _reply(422, {"email": {"unique": "The email has already been taken."}})
    at = site.current_time()
    person = _find_or_create_customer(site, data, at)
    for key in CUSTOMER_FIELDS:
        if key not in ("person_type", "hash") and data[key] is not None:
            person[key] = data[key]
    site.touch()
    return _reply(
        200, {"message": "Customer has been added", "customer": s.person(person, site.clock)}
    )


def customer_update(site: SimulatedSite, request: Request) -> Reply:
    """PUT /customers/<id>, recorded in seq_customer_*: every whitelisted column the body does
    not carry becomes NULL (person_type too, which hides the customer: the plugin then answers
    423 although the row was written), and any IP address makes it a 500 with nothing written.
    """
    cid = int(request.args["customer_id"])
    data = _customer_input(request)
    invalid = _customer_invalid(data)
    if invalid:
        return invalid
    email = data["email"]
    store = site.store
    person = store.persons.get(cid)
    assigned = {"email": {"unique": "Email address has been assigned to other customer"}}
    missing = {
        "message": f"No query results for model [FluentSupport\\App\\Models\\Customer] {cid}",
        "errors": assigned,
    }
    if person is None or person["person_type"] != "customer":
        return _reply(423, missing)
    # The plugin finds the customer first, then another customer with the email: an exception
    # its handler turns into the same 423 shape as a missing customer.
    for other in store.persons.values():
        if (
            other["id"] != cid
            and other["person_type"] == "customer"
            and (other["email"] or "").lower() == email.lower()
        ):
            return _reply(
                423, {"message": "Another Customer has same email address", "errors": assigned}
            )
    person.update(data)
    # last_response_at is written only when sent: sent null it becomes NULL (isset() is false
    # in the plugin), sent empty it is left alone; a sent date is not simulated.
    if "last_response_at" in request.body and request.body["last_response_at"] is None:
        person["last_response_at"] = None
    person["updated_at"] = site.current_time()
    site.touch()
    if person["person_type"] != "customer":
        return _reply(423, missing)
    return _reply(
        200, {"message": "Customer has been updated", "customer": s.person(person, site.clock)}
    )


# --------------------------------------------------------------------------- reports
def _local_date(site: SimulatedSite, at: datetime | None) -> Any:
    return at.astimezone(site.clock.zone).date() if at else None


def _counts(site: SimulatedSite) -> dict[str, int]:
    counts = {"new": 0, "active": 0, "closed": 0}
    for ticket in site.store.tickets.values():
        counts[ticket["status"]] = counts.get(ticket["status"], 0) + 1
    return counts


def _total_responses(site: SimulatedSite) -> int:
    return sum(1 for r in site.store.responses.values() if r["conversation_type"] == "response")


def reports_overall(site: SimulatedSite, request: Request) -> Reply:
    counts = _counts(site)
    return _reply(
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


def reports_stats(site: SimulatedSite, request: Request) -> Reply:
    counts = _counts(site)
    items = [
        ("new_tickets", "New Tickets", counts["new"]),
        ("active_tickets", "Active Tickets", counts["active"]),
        ("closed_tickets", "Closed Tickets", counts["closed"]),
        ("responses", "Responses", _total_responses(site)),
        ("open_tickets", "Open Tickets", counts["new"] + counts["active"]),
    ]
    return _reply(
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


def _agent_summary(site: SimulatedSite, agent: dict[str, Any]) -> dict[str, Any]:
    store = site.store
    now = site.current_time()
    today = _local_date(site, now)
    responses_today = interactions = 0
    touched: set[int] = set()
    for row in store.responses.values():
        if row["person_id"] != agent["id"] or _local_date(site, row["created_at"]) != today:
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
            if _waiting(ticket):
                waits.append((now - ticket["waiting_since"]).total_seconds())
        elif (
            ticket["closed_by"] == agent["id"] and _local_date(site, ticket["resolved_at"]) == today
        ):
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


def reports_agents_summary(site: SimulatedSite, request: Request) -> Reply:
    agents = sorted(site.store.agents.values(), key=lambda p: p["id"])
    return _reply(200, {"summary": [_agent_summary(site, a) for a in agents]})


def my_summary(site: SimulatedSite, request: Request) -> Reply:
    agent = site.store.persons[request.user.person_id]
    return _reply(200, {"summary": [_agent_summary(site, agent)]})


def my_reports(site: SimulatedSite, request: Request) -> Reply:
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
    return _reply(
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


def my_stats(site: SimulatedSite, request: Request) -> Reply:
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
    return _reply(200, {"stats": {k: {"title": t, "count": c} for k, (t, c) in stats.items()}})


def _group_summary(site: SimulatedSite, key: str) -> dict[int, dict[str, Any]]:
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


def product_reports_summary(site: SimulatedSite, request: Request) -> Reply:
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
    return _reply(200, {"summary": summary})


def mailbox_reports_summary(site: SimulatedSite, request: Request) -> Reply:
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
    return _reply(200, {"summary": summary})


def namespace_index(site: SimulatedSite, request: Request) -> Reply:
    routes = {
        f"/{NS.strip('/')}{route.path[len(NS) :]}": {
            "namespace": NS.strip("/"),
            "methods": [m.strip() for m in route.allow.split(",")],
        }
        for route in ROUTES
    }
    return _reply(200, {"namespace": NS.strip("/"), "routes": routes})


def _logged_in(user: User | None) -> int | None:
    return 401 if user is None else None


T = NS + r"/tickets/(?P<ticket_id>[0-9]+)"
AGENT = needs(None)
SENSITIVE = needs("fst_sensitive_data")
SETTINGS = needs("fst_manage_settings")
REPORTS = needs("fst_view_all_reports")

ROUTES = [
    Route(NS, {"GET": namespace_index}, "GET"),
    Route(NS + "/tickets", {"GET": tickets_index, "POST": ticket_create}, "GET, POST", AGENT),
    Route(NS + "/tickets/ticket-essentials", {"GET": essentials}, "GET", AGENT),
    Route(NS + "/tickets/my_stats", {"GET": my_stats}, "GET", AGENT),
    Route(NS + "/tickets/bulk-actions", {"POST": bulk_actions}, "POST", AGENT),
    Route(NS + "/tickets/bulk-reply", {"POST": bulk_reply}, "POST", AGENT),
    Route(T, {"GET": ticket_show}, "GET", AGENT),
    Route(T + "/widgets", {"GET": ticket_widgets}, "GET", AGENT),
    Route(T + "/custom-data", {"GET": ticket_custom_data}, "GET", AGENT),
    Route(
        T + "/live_activity",
        {"GET": live_activity_get, "DELETE": live_activity_delete},
        "GET, DELETE",
        AGENT,
    ),
    Route(T + "/responses", {"POST": response_create}, "POST", AGENT),
    Route(
        T + r"/responses/(?P<response_id>[0-9]+)",
        {"PUT": response_update, "DELETE": response_delete},
        "PUT, DELETE",
        AGENT,
    ),
    Route(T + "/property", {"PUT": ticket_property}, "PUT", AGENT),
    Route(T + "/tags", {"POST": ticket_tag_add}, "POST", AGENT),
    Route(T + r"/tags/(?P<tag_id>[0-9]+)", {"DELETE": ticket_tag_remove}, "DELETE", AGENT),
    Route(T + "/close", {"POST": ticket_close}, "POST", AGENT),
    Route(T + "/delete", {"DELETE": ticket_delete}, "DELETE", AGENT),
    Route(T + "/re-open", {"POST": ticket_reopen}, "POST", AGENT),
    Route(NS + "/me", {"GET": me}, "GET", AGENT),
    Route(NS + "/ticket_file_upload", {"POST": files.upload}, "POST", AGENT),
    Route(NS + "/agents", {"GET": agents_index}, "GET, POST", SENSITIVE),
    Route(NS + "/mailboxes", {"GET": mailboxes_index}, "GET, POST", SETTINGS),
    Route(NS + r"/mailboxes/(?P<id>[0-9]+)", {"GET": mailbox_show}, "GET, PUT, DELETE", SETTINGS),
    Route(NS + "/products", {"GET": products_index}, "GET, POST", SETTINGS),
    Route(
        NS + r"/products/(?P<product_id>[0-9]+)",
        {"GET": product_show},
        "GET, POST, PUT, DELETE",
        SETTINGS,
    ),
    Route(NS + "/reports", {"GET": reports_overall}, "GET", REPORTS),
    Route(NS + "/reports/stats", {"GET": reports_stats}, "GET", REPORTS),
    Route(NS + "/reports/agents-summary", {"GET": reports_agents_summary}, "GET", REPORTS),
    Route(NS + "/my-reports", {"GET": my_reports}, "GET", AGENT),
    Route(NS + "/my-reports/my-summary", {"GET": my_summary}, "GET", AGENT),
    Route(
        NS + "/product-reports/product-reports-summary",
        {"GET": product_reports_summary},
        "GET",
        REPORTS,
    ),
    Route(
        NS + "/mailbox-reports/mailbox-reports-summary",
        {"GET": mailbox_reports_summary},
        "GET",
        REPORTS,
    ),
    Route(
        NS + "/customers",
        {"GET": customers_index, "POST": customer_create},
        "GET, POST",
        SENSITIVE,
    ),
    Route(
        NS + r"/customers/(?P<customer_id>[0-9]+)",
        {"GET": customer_show, "PUT": customer_update, "DELETE": customer_delete},
        "GET, PUT, DELETE",
        SENSITIVE,
    ),
    Route(NS + "/customer-portal/tickets", {"POST": portal_ticket_create}, "GET, POST", _logged_in),
    Route(
        NS + r"/customer-portal/tickets/(?P<ticket_id>[0-9]+)/responses",
        {"POST": portal_response},
        "POST",
        _logged_in,
    ),
]
