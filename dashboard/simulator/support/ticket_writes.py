"""Fluent Support's ticket writes: replies and notes, close, reopen, delete, properties, tags
and the bulk actions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import files, wptext
from .. import serialize as s
from ..rest import Reply, Request
from ..store import User, add_response
from .common import (
    CONTENT_REQUIRED,
    NO_PERMISSION,
    can_access,
    delete_ticket,
    fresh_response,
    full_person,
    not_found,
    product_brief,
    tag_rows,
    ticket_after_write,
    ticket_or_error,
)

if TYPE_CHECKING:
    from ..state import SiteState


def _close(site: SiteState, ticket: dict[str, Any], user: User, at: datetime) -> None:
    add_response(site.store, ticket, user.person_id, "internal_info", "Ticket has been closed", at)
    ticket["status"] = "closed"
    ticket["resolved_at"] = at
    ticket["closed_by"] = user.person_id
    ticket["total_close_time"] = int((at - ticket["created_at"]).total_seconds())
    ticket["waiting_since"] = at
    ticket["updated_at"] = at
    site.touch()


def response_create(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    content = request.param("content")
    if not isinstance(content, str) or not content.strip():
        return Reply(422, CONTENT_REQUIRED)
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
    answer = fresh_response(site, row)
    # The answer's copy is wpautop'd and entity-decoded, unlike what was stored (recorded).
    answer["content"] = wptext.specialchars_decode(wptext.autop(stored))
    if attached:
        # The answer lists the files only when some were attached (the plugin reloads them).
        answer["attachments"] = [files.public(a, site, request.base_url) for a in attached]
    return Reply(
        200,
        {
            "message": "Response has been added",
            "response": answer,
            "ticket": ticket_after_write(site, ticket, fresh, *relations),
            "update_data": [],
        },
    )


def _response_of(site: SiteState, ticket: dict[str, Any], rid: int) -> dict | None:
    row = site.store.responses.get(rid)
    if row is None or row["ticket_id"] != ticket["id"]:
        return None
    return row


def response_update(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    rid = int(request.args["response_id"])
    row = _response_of(site, ticket, rid)
    if row is None:
        return not_found("Conversation", rid)
    content = request.param("content")
    if not isinstance(content, str) or not content.strip():
        return Reply(422, CONTENT_REQUIRED)
    stored = wptext.agent_reply(content)
    # The model is saved only when the text changed; the content_hash is never recomputed.
    if stored != row["content"]:
        row["content"] = stored
        row["updated_at"] = site.current_time()
    site.touch()
    return Reply(
        200,
        {
            "message": "Selected response has been updated",
            "response": s.response_row(row, site.clock),
        },
    )


def response_delete(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
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
    return Reply(200, {"message": "Selected response has been deleted"})


def ticket_close(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    _close(site, ticket, request.user, site.current_time())
    silently = request.param("close_ticket_silently") not in (None, "", False, "false", "no")
    relations = ("mailbox",) if silently else ()
    fresh = frozenset({"total_close_time", "closed_by"})
    return Reply(
        200,
        {
            "message": "Ticket has been closed",
            "ticket": ticket_after_write(site, ticket, fresh, *relations),
        },
    )


def ticket_reopen(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    ticket["status"] = "active"
    ticket["updated_at"] = site.current_time()
    site.touch()
    # The plugin answers with the acting agent under the "ticket" key; kept as recorded.
    return Reply(
        200,
        {
            "message": "Ticket has been opened again",
            "ticket": full_person(site, request.user.person_id),
        },
    )


def ticket_delete(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    if not request.user.can("fst_delete_tickets"):
        return Reply(422, NO_PERMISSION)
    delete_ticket(site, ticket)
    return Reply(200, {"message": "Ticket has been deleted"})


def _assign(site: SiteState, ticket: dict[str, Any], agent_id: int, user: User) -> None:
    agent = site.store.persons[agent_id]
    ticket["agent_id"] = agent_id
    at = site.current_time()
    text = f"{user.full_name} assigned {s.full_name(agent)} in this ticket"
    add_response(site.store, ticket, user.person_id, "internal_info", text, at)
    site.touch()


def ticket_property(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    name = str(request.param("prop_name") or "")
    value = request.param("prop_value")
    label = name.replace("_", " ").capitalize()
    update_data: Any = []
    if name not in s.TICKET_COLUMNS:
        stamp = site.clock.local(site.current_time())
        # Only the text of the plugin's leaked database error; no query is ever run.
        return Reply(
            422,
            f"Unknown column '{name}' in 'SET' (SQL: update `wp_fs_tickets` set `{name}` = "  # noqa: S608
            f"'{value}', `wp_fs_tickets`.`updated_at` = '{stamp}' where `id` = '{ticket['id']}')",
        )
    if name == "agent_id":
        if not request.user.can("fst_assign_agents"):
            return Reply(422, NO_PERMISSION)
        agent_id = s.to_int(value)
        agent = site.store.persons.get(agent_id) if agent_id is not None else None
        if agent is None or agent["person_type"] != "agent":
            return Reply(
                422, f"No query results for model [FluentSupport\\App\\Models\\Agent] {value}"
            )
        _assign(site, ticket, agent_id, request.user)
        update_data = {
            "agent": full_person(site, agent_id),
            "assigner": full_person(site, request.user.person_id),
        }
    else:
        if name in s.STRING_INT_COLUMNS and s.to_int(value) is not None:
            value = s.to_int(value)
        if ticket[name] == value:
            # The model has nothing dirty, so nothing is written, not even updated_at (recorded:
            # seq_property_9_priority_same_value).
            return Reply(200, {"message": f"{label} has been updated", "update_data": []})
        ticket[name] = value
        if name == "product_id":
            product = product_brief(site, value)
            update_data = {"product": product} if product else []
    ticket["updated_at"] = site.current_time()
    site.touch()
    return Reply(200, {"message": f"{label} has been updated", "update_data": update_data})


def ticket_tag_add(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    before = list(ticket["tag_ids"])
    tag_id = s.to_int(request.param("tag_id"))
    if tag_id is not None and tag_id not in ticket["tag_ids"]:
        ticket["tag_ids"].append(tag_id)
        site.touch()
    # The plugin answers with the tag list as loaded before the change; kept as recorded.
    return Reply(
        200,
        {"message": "Tag has been added to this ticket", "tags": tag_rows(site, ticket, before)},
    )


def ticket_tag_remove(site: SiteState, request: Request) -> Reply:
    ticket, error = ticket_or_error(site, request)
    if error:
        return error
    before = list(ticket["tag_ids"])
    tag_id = int(request.args["tag_id"])
    if tag_id in ticket["tag_ids"]:
        ticket["tag_ids"].remove(tag_id)
        site.touch()
    return Reply(
        200,
        {
            "message": "Tag has been removed from this ticket",
            "tags": tag_rows(site, ticket, before),
        },
    )


def bulk_actions(site: SiteState, request: Request) -> Reply:
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
        return Reply(200, {"message": f"{len(tickets)} tickets have been closed."})
    if action == "delete_tickets":
        if not request.user.can("fst_delete_tickets"):
            return Reply(422, NO_PERMISSION)
        for ticket in tickets:
            delete_ticket(site, ticket)
        return Reply(200, {"message": f"{len(tickets)} tickets have been deleted"})
    if action == "assign_agent":
        if request.param("agent_id") is None:
            return Reply(422, "agent_id param is required")
        agent_id = s.to_int(request.param("agent_id"))
        agent = site.store.persons.get(agent_id) if agent_id is not None else None
        if agent is None or agent["person_type"] != "agent":
            return Reply(
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
        return Reply(
            200, {"message": f"{changed} tickets have been assigned to {s.full_name(agent)}."}
        )
    if action == "assign_tags":
        if request.param("tag_ids") is None:
            return Reply(422, "tag_ids param is required")
        tag_ids = [
            s.to_int(t) for t in s.as_list(request.param("tag_ids")) if s.to_int(t) is not None
        ]
        for ticket in tickets:
            for tag_id in tag_ids:
                if tag_id not in ticket["tag_ids"]:
                    ticket["tag_ids"].append(tag_id)
        site.touch()
        return Reply(200, {"message": "Selected tags has been added to tickets"})
    return Reply(422, "Sorry no action found as available")


def bulk_reply(site: SiteState, request: Request) -> Reply:
    content = request.param("content")
    # The route runs the text through sanitize_text_field before it checks it is there.
    content = wptext.sanitize_text_field(content) if isinstance(content, str) else ""
    if not content:
        return Reply(422, CONTENT_REQUIRED)
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
    return Reply(200, {"message": "Response has been added to the selected tickets"})
