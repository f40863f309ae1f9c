"""Fluent Support ticket calls: the inbox query, ticket reads, replies and ticket writes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from dashboard.fluent.client import SUPPORT, FluentClient
from dashboard.fluent.models import Response, Thread, Ticket, TicketTag, Viewer
from dashboard.fluent.parsing import Page, paginator

# Reads are selectors (``<entity>_<action>``), writes are services; every write names the cache
# scopes it changes. Each call cites the route and the capture in ``shared/upstream/captures/``
# it was checked against. The real routes differ from the published docs in places
# (``/tickets/<id>``, not ``/ticket/<id>``; close and re-open have routes of their own).

PRIORITIES = ("normal", "medium", "critical")
STATUS_TYPES = ("open", "new", "active", "closed", "all")

# Sort names offered to users -> (order_by column, order_type). Only known columns are ever sent:
# an unknown order_by makes the plugin answer 500 with its SQL. Any order_type other than exactly
# "DESC" sorts ascending; priorities sort alphabetically, so ascending puts critical first.
SORTS: dict[str, tuple[str, str]] = {
    "activity": ("updated_at", "DESC"),
    "waiting": ("last_customer_response", "ASC"),
    "newest": ("created_at", "DESC"),
    "oldest": ("created_at", "ASC"),
    "priority": ("priority", "ASC"),
}


# Query building


@dataclass
class TicketQuery:
    """Everything the inbox can ask of ``GET /tickets``, translated to the plugin's own filters
    (the plugin filters and sorts; we never filter pages locally)."""

    status_type: str = "open"
    agent: str = ""  # "", "unassigned", or an agent id
    agents: list[int] = field(default_factory=list)
    priority: str = ""
    client_priority: str = ""
    mailbox_id: int | None = None
    product_id: int | None = None
    tag_id: int | None = None
    waiting: bool = False
    search: str = ""
    customer_id: int | None = None
    sort: str = "activity"

    def params(self, *, page: int, per_page: int) -> list[tuple[str, Any]]:
        order_by, order_type = SORTS.get(self.sort, SORTS["activity"])
        params: list[tuple[str, Any]] = [
            (
                "filters[status_type]",
                self.status_type if self.status_type in STATUS_TYPES else "open",
            ),
            ("order_by", order_by),
            ("order_type", order_type),
            ("page", page),
            ("per_page", per_page),
        ]
        if self.agent:
            params.append(("filters[agent_id]", self.agent))
        params.extend(("filters[agent_id][]", agent_id) for agent_id in self.agents)
        if self.priority:
            params.append(("filters[priority]", self.priority))
        if self.client_priority:
            params.append(("filters[client_priority]", self.client_priority))
        if self.mailbox_id:
            params.append(("filters[mailbox_id]", self.mailbox_id))
        if self.product_id:
            params.append(("filters[product_id]", self.product_id))
        if self.tag_id:
            params.append(("filters[ticket_tags][]", self.tag_id))
        if self.waiting:
            params.append(("filters[waiting_for_reply]", "yes"))
        if self.search:
            params.append(("search", self.search))
        if self.customer_id:
            params.append(("customer_id", self.customer_id))
        return params


# Selectors


def ticket_list(
    client: FluentClient,
    *,
    query: TicketQuery,
    page: int = 1,
    per_page: int = 15,
    refresh: bool = False,
) -> Page[Ticket]:
    page_data = _list_answer(client, query, page, per_page, refresh)
    return _in_range(client.parse(Page[Ticket], page_data))


def _list_answer(
    client: FluentClient, query: TicketQuery, page: int, per_page: int, refresh: bool
) -> dict[str, Any]:
    # Reference: GET /tickets with filters[...], order_by, order_type, page, per_page
    # (captures fs_tickets_*, maria_tickets_*).
    answer = client.get(
        f"{SUPPORT}/tickets",
        kind="ticket_list",
        params=query.params(page=page, per_page=per_page),
        refresh=refresh,
    )
    return paginator(answer.data, "tickets")


def _in_range(result: Page) -> Page:
    """The page number within the list: a page asked past the end counts as the last."""
    result.page = min(result.page, max(result.last_page, 1)) or 1
    return result


@dataclass
class ListedTicket:
    """A row of a ticket list, read into a ``Ticket`` the first time it is used."""

    raw: dict[str, Any]
    client: FluentClient
    _ticket: Ticket | None = field(default=None, repr=False)

    @property
    def ticket(self) -> Ticket:
        if self._ticket is None:
            self._ticket = self.client.parse(Ticket, self.raw)
        return self._ticket


def ticket_list_rows(
    client: FluentClient,
    *,
    query: TicketQuery,
    page: int = 1,
    per_page: int = 15,
    refresh: bool = False,
) -> Page[ListedTicket]:
    """``ticket_list`` whose rows are read only when used: a merge of many sites' lists keeps
    a page of them and compares a few more, so the rest are never read into models."""
    page_data = _list_answer(client, query, page, per_page, refresh)
    rows = page_data["items"]
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        client.parse(Page[Ticket], page_data)  # raises the shape error ticket_list would
    result = client.parse(Page[Any], {**page_data, "items": []})
    result.items = [ListedTicket(row, client) for row in rows]
    return _in_range(result)


def ticket_count(client: FluentClient, *, query: TicketQuery, refresh: bool = False) -> int:
    """The number of tickets a query matches, read from a one-row page's ``total``."""
    return ticket_list(client, query=query, page=1, per_page=1, refresh=refresh).total


def ticket_get(client: FluentClient, *, ticket_id: int, refresh: bool = False) -> Thread:
    # Reference: GET /tickets/<id> (captures fs_ticket_detail, fs_ticket_detail_closed,
    # fs_ticket_not_found -> 422 bare string, maria_ticket_of_other_agent).
    answer = client.get(f"{SUPPORT}/tickets/{int(ticket_id)}", kind="ticket", refresh=refresh)
    return client.parse(Thread, answer.data)


@dataclass
class WholeList:
    tickets: list[Ticket]
    total: int
    complete: bool  # False when the list was longer than the pages read


def ticket_list_whole(
    client: FluentClient,
    *,
    query: TicketQuery,
    per_page: int = 100,
    max_pages: int = 5,
    refresh: bool = False,
) -> WholeList:
    """Every ticket a query matches, read page by page up to a bound (for orders no site can
    sort by, such as SLA due times, which must be computed here)."""
    tickets: list[Ticket] = []
    total = 0
    for number in range(1, max_pages + 1):
        page = ticket_list(client, query=query, page=number, per_page=per_page, refresh=refresh)
        total = page.total if number == 1 else total
        tickets.extend(page.items)
        if not page.has_next or not page.items:
            return WholeList(tickets, total, complete=True)
    return WholeList(tickets, total, complete=len(tickets) >= total)


def live_activity_get(client: FluentClient, *, ticket_id: int) -> list[Viewer]:
    # Reference: GET /tickets/<id>/live_activity (capture fs_ticket_live_activity). The call
    # also registers our agent as viewing, so colleagues in wp-admin see us too; never cached.
    answer = client.get(f"{SUPPORT}/tickets/{int(ticket_id)}/live_activity", kind="live")
    rows = answer.data.get("live_activity", []) if isinstance(answer.data, dict) else []
    return [client.parse(Viewer, row) for row in rows if isinstance(row, dict)]


# Services (writes). Each names the cache scopes it changes.

TICKETS = ("tickets",)


def response_create(
    client: FluentClient,
    *,
    ticket_id: int,
    content: str,
    kind: Literal["response", "note"] = "response",
    close: bool = False,
    attachments: tuple[str, ...] = (),
) -> Response:
    # Reference: POST /tickets/<id>/responses {content, conversation_type, close_ticket}
    # (captures fs_post_response, fs_post_note, fs_post_response_close,
    # fs_post_response_empty_422, fs_post_response_nonexistent_ticket, maria_reply_other_ticket);
    # with files, "attachments": [file_hash] of uploads made for this ticket
    # (seq_attachments_6_reply_with_attachments; the plugin attaches them to notes alike).
    # The answer's response.content is wrapped and entity-decoded, unlike what was stored
    # (seq_escaping_reply_3): escaped text comes back as live tags. Never render it; the
    # thread is read back with a GET.
    body: dict[str, Any] = {"content": content, "conversation_type": kind}
    if close:
        body["close_ticket"] = "yes"
    if attachments:
        body["attachments"] = list(attachments)
    data = client.send(
        "POST", f"{SUPPORT}/tickets/{int(ticket_id)}/responses", data=body, invalidates=TICKETS
    )
    return client.parse(Response, (data or {}).get("response"))


def response_update(
    client: FluentClient, *, ticket_id: int, response_id: int, content: str
) -> Response:
    # Reference: PUT /tickets/<id>/responses/<rid> {content} (capture fs_put_response_edit).
    data = client.send(
        "PUT",
        f"{SUPPORT}/tickets/{int(ticket_id)}/responses/{int(response_id)}",
        data={"content": content},
        invalidates=TICKETS,
    )
    return client.parse(Response, (data or {}).get("response"))


def response_delete(client: FluentClient, *, ticket_id: int, response_id: int) -> None:
    # Reference: DELETE /tickets/<id>/responses/<rid> (captures fs_delete_response,
    # fs_delete_response_nonexistent -> 422 bare string).
    client.send(
        "DELETE",
        f"{SUPPORT}/tickets/{int(ticket_id)}/responses/{int(response_id)}",
        invalidates=TICKETS,
    )


def ticket_close(client: FluentClient, *, ticket_id: int, silently: bool = False) -> None:
    # Reference: POST /tickets/<id>/close (captures fs_post_close, fs_post_close_silently).
    body = {"close_ticket_silently": "yes"} if silently else {}
    client.send("POST", f"{SUPPORT}/tickets/{int(ticket_id)}/close", data=body, invalidates=TICKETS)


def ticket_reopen(client: FluentClient, *, ticket_id: int) -> None:
    # Reference: POST /tickets/<id>/re-open (captures fs_post_reopen, fs_post_reopen_2).
    client.send("POST", f"{SUPPORT}/tickets/{int(ticket_id)}/re-open", data={}, invalidates=TICKETS)


# The plugin stores any value in any column through this route, so only these properties, with
# values checked by the caller, are ever sent.
PROPERTIES = ("priority", "client_priority", "agent_id", "product_id", "mailbox_id", "status")


def ticket_property_set(client: FluentClient, *, ticket_id: int, name: str, value: Any) -> str:
    # Reference: PUT /tickets/<id>/property {prop_name, prop_value} (captures fs_property_*,
    # maria_property_agent_forbidden -> 422 string).
    if name not in PROPERTIES:
        raise ValueError(f"not an editable ticket property: {name}")
    data = client.send(
        "PUT",
        f"{SUPPORT}/tickets/{int(ticket_id)}/property",
        data={"prop_name": name, "prop_value": value},
        invalidates=TICKETS,
    )
    return str((data or {}).get("message", ""))


def ticket_tag_add(client: FluentClient, *, ticket_id: int, tag_id: int) -> list[TicketTag]:
    # Reference: POST /tickets/<id>/tags {tag_id} (captures fs_tags_add,
    # fs_tags_add_nonexistent_tag).
    data = client.send(
        "POST",
        f"{SUPPORT}/tickets/{int(ticket_id)}/tags",
        data={"tag_id": int(tag_id)},
        invalidates=TICKETS,
    )
    return [client.parse(TicketTag, tag) for tag in (data or {}).get("tags", []) or []]


def ticket_tag_remove(client: FluentClient, *, ticket_id: int, tag_id: int) -> None:
    # Reference: DELETE /tickets/<id>/tags/<tag_id> (capture fs_tags_remove).
    client.send(
        "DELETE", f"{SUPPORT}/tickets/{int(ticket_id)}/tags/{int(tag_id)}", invalidates=TICKETS
    )


BULK_ACTIONS = ("close_tickets", "delete_tickets", "assign_agent", "assign_tags")


def ticket_bulk(
    client: FluentClient,
    *,
    action: str,
    ticket_ids: list[int],
    agent_id: int | None = None,
    tag_ids: list[int] | None = None,
) -> int | None:
    """How many tickets the plugin says it changed, or None when its answer gives no count.

    The count is the plugin's: assign_agent leaves out tickets that already had the agent,
    close_tickets counts every ticket it found (already closed ones too), unknown ids count for
    nothing. Its message itself ("4 tickets have been assigned to .") is never shown.
    """
    # Reference: POST /tickets/bulk-actions {bulk_action, ticket_ids[], agent_id | tag_ids[]}
    # (captures fs_bulk_close, fs_bulk_assign_agent, fs_bulk_assign_tags, fs_bulk_unknown_action,
    # seq_bulk_*).
    if action not in BULK_ACTIONS:
        raise ValueError(f"not a bulk action: {action}")
    body: dict[str, Any] = {"bulk_action": action, "ticket_ids": [int(t) for t in ticket_ids]}
    if action == "assign_agent":
        body["agent_id"] = int(agent_id or 0)
    if action == "assign_tags":
        body["tag_ids"] = [int(t) for t in tag_ids or []]
    data = client.send("POST", f"{SUPPORT}/tickets/bulk-actions", data=body, invalidates=TICKETS)
    message = str(data.get("message", "")) if isinstance(data, dict) else ""
    match = re.match(r"\s*(\d+) tickets? ", message)
    return int(match.group(1)) if match else None


@dataclass
class NewTicket:
    title: str
    content: str
    mailbox_id: int | None = None
    product_id: int | None = None
    priority: str = "normal"
    client_priority: str = "normal"
    customer_id: int | None = None
    first_name: str = ""
    last_name: str = ""
    email: str = ""


def ticket_create(client: FluentClient, *, new: NewTicket) -> Ticket:
    # Reference: POST /tickets {ticket: {...}, newCustomer: {...}} (captures fs_create_ticket,
    # fs_create_ticket_new_customer, fs_create_ticket_validation_422 with dotted keys,
    # fs_create_ticket_bad_customer -> 404 object).
    ticket: dict[str, Any] = {
        "title": new.title,
        "content": new.content,
        "priority": new.priority,
        "client_priority": new.client_priority,
    }
    if new.mailbox_id:
        ticket["mailbox_id"] = new.mailbox_id
    if new.product_id:
        ticket["product_id"] = new.product_id
    new_customer: dict[str, Any] = {}
    if new.customer_id:
        ticket["customer_id"] = new.customer_id
    else:
        ticket["create_customer"] = "yes"
        new_customer = {
            "first_name": new.first_name,
            "last_name": new.last_name,
            "email": new.email,
        }
    data = client.send(
        "POST",
        f"{SUPPORT}/tickets",
        data={"ticket": ticket, "newCustomer": new_customer},
        invalidates=("tickets", "customers"),
    )
    return client.parse(Ticket, (data or {}).get("ticket"))


def live_activity_leave(client: FluentClient, *, ticket_id: int) -> None:
    # Reference: DELETE /tickets/<id>/live_activity (route list; FACTS.md): stop showing our
    # agent as viewing the ticket, as wp-admin does when an agent leaves it.
    client.send(
        "DELETE", f"{SUPPORT}/tickets/{int(ticket_id)}/live_activity", invalidates=("live",)
    )
