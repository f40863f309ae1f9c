"""Fluent Support calls -> typed models.

Reads are selectors (``<entity>_<action>``), writes are services; every write names the cache
scopes it changes. Each call cites the route and the capture in ``shared/upstream/captures/`` it
was checked against. The real routes differ from the published docs in places (``/tickets/<id>``,
not ``/ticket/<id>``; close and re-open have routes of their own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.core.cache import cache
from pydantic import Field, field_validator

from dashboard.fluent import errors
from dashboard.fluent.client import SUPPORT, FluentClient
from dashboard.fluent.parsing import (
    LocalTime,
    Model,
    OptionalInt,
    Page,
    Text,
    UtcTime,
    paginator,
    parse,
    site_zone,
)

STATUSES = ("new", "active", "closed")
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


# Models


class Person(Model):
    id: int
    first_name: Text = ""
    last_name: Text = ""
    full_name: Text = ""
    email: Text = ""
    photo: Text = ""
    avatar: Text = ""
    title: Text = ""
    person_type: Text = ""

    @property
    def name(self) -> str:
        return (
            self.full_name.strip()
            or f"{self.first_name} {self.last_name}".strip()
            or self.email
            or f"#{self.id}"
        )

    @property
    def initials(self) -> str:
        parts = [p for p in (self.first_name, self.last_name) if p.strip()] or self.name.split()
        return "".join(p.strip()[0] for p in parts[:2]).upper() or "?"

    @property
    def picture(self) -> str:
        """An https picture URL if the site gave one; plain-http and data URLs are not shown."""
        url = self.avatar or self.photo
        return url if url.startswith("https://") else ""


class Customer(Person):
    address_line_1: Text = ""
    address_line_2: Text = ""
    city: Text = ""
    zip: Text = ""
    state: Text = ""
    country: Text = ""
    note: Text = ""
    status: Text = ""
    remote_uid: Text = ""
    created_at: UtcTime = None
    last_response_at: LocalTime = None

    @property
    def address(self) -> str:
        lines = [
            self.address_line_1,
            self.address_line_2,
            " ".join(filter(None, [self.zip, self.city])),
            self.state,
            self.country,
        ]
        return ", ".join(line.strip() for line in lines if line and line.strip())


class Agent(Person):
    @property
    def has_name(self) -> bool:
        return bool(self.full_name.strip() or f"{self.first_name}{self.last_name}".strip())

    @property
    def name(self) -> str:
        # One display name everywhere: the name, else the email, never a bare "#1".
        if self.has_name or self.email:
            return super().name
        return f"Agent {self.id} (no name)"


class Mailbox(Model):
    id: int
    name: Text = ""
    email: Text = ""


class Product(Model):
    id: int
    title: Text = ""


class TicketTag(Model):
    id: int
    title: Text = ""
    slug: Text = ""


# Types a browser shows as a picture and nothing else; SVG is left out on purpose (it can carry
# script), and so is anything the site merely calls an image.
RASTER_IMAGE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/pjpeg", "image/gif", "image/webp"}
)


class Attachment(Model):
    """A file on the opening message or a response. The plugin hides ``full_url`` and
    ``file_path`` and never fills ``file_size``: ``secureUrl``, signed for the current UTC hour,
    is the only link (captures seq_attachments_*)."""

    id: int
    title: Text = ""
    file_type: Text = ""
    file_hash: Text = ""
    secure_url: Text = Field(default="", alias="secureUrl")

    @property
    def name(self) -> str:
        """The file name as a person sees it and a download is saved under: no control
        characters (they would break the header) and no folders."""
        cleaned = "".join(ch for ch in self.title if ch >= " " and ch != "\x7f")
        cleaned = cleaned.replace("/", "_").replace("\\", "_").strip(" .")
        return cleaned or f"attachment-{self.id}"

    @property
    def type_label(self) -> str:
        """A short type for people: the file's extension, else the subtype of its MIME type."""
        stem, dot, extension = self.name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 5:
            return extension.upper()
        return (self.file_type.rpartition("/")[2] or "file").upper()

    @property
    def is_previewable(self) -> bool:
        return self.file_type.strip().lower() in RASTER_IMAGE_TYPES


class Response(Model):
    id: int
    ticket_id: OptionalInt = None
    person_id: OptionalInt = None
    conversation_type: Text = "response"
    content: Text = ""
    created_at: UtcTime = None
    updated_at: UtcTime = None
    person: Person | None = None
    attachments: list[Attachment] = []

    @property
    def is_note(self) -> bool:
        return self.conversation_type == "note"

    @property
    def is_activity(self) -> bool:
        return self.conversation_type == "internal_info"

    @property
    def is_from_customer(self) -> bool:
        return bool(self.person and self.person.person_type == "customer")


class Viewer(Model):
    email: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    full_name: Text = ""
    photo: Text = ""

    @property
    def name(self) -> str:
        return self.full_name or f"{self.first_name} {self.last_name}".strip() or self.email


class Ticket(Model):
    id: int
    title: Text = ""
    status: Text = "new"
    priority: Text = "normal"
    client_priority: Text = "normal"
    content: Text = ""
    customer_id: OptionalInt = None
    agent_id: OptionalInt = None
    mailbox_id: OptionalInt = None
    product_id: OptionalInt = None
    response_count: OptionalInt = 0
    customer: Customer | None = None
    agent: Agent | None = None
    mailbox: Mailbox | None = None
    product: Product | None = None
    tags: list[TicketTag] = []
    attachments: list[Attachment] = []
    preview_response: Response | None = None
    live_activity: list[Viewer] = []
    created_at: UtcTime = None
    updated_at: UtcTime = None
    waiting_since: UtcTime = None
    last_customer_response: LocalTime = None
    last_agent_response: LocalTime = None
    resolved_at: LocalTime = None

    @field_validator("agent_id", "mailbox_id", "product_id", "customer_id", mode="after")
    @classmethod
    def _zero_is_none(cls, value: int | None) -> int | None:
        return value or None

    @property
    def is_waiting(self) -> bool:
        """An agent owes a reply: the ticket is open and no agent has answered since the
        customer last wrote (the plugin's own ``waiting_for_reply`` rule)."""
        if self.status == "closed":
            return False
        if self.last_agent_response is None:
            return True
        return self.last_customer_response is not None and (
            self.last_customer_response > self.last_agent_response
        )

    @property
    def customer_waiting_since(self) -> datetime | None:
        if not self.is_waiting:
            return None
        return self.last_customer_response or self.created_at

    @property
    def last_activity(self) -> datetime | None:
        return self.updated_at or self.created_at


class Thread(Model):
    ticket: Ticket
    responses: list[Response] = []
    viewer_agent_id: OptionalInt = Field(default=None, alias="agent_id")

    @property
    def conversation(self) -> list[Response]:
        """Oldest first, as a thread reads; the API lists newest first."""
        return sorted(self.responses, key=lambda r: (r.created_at is None, r.created_at, r.id))


class Option(Model):
    id: int
    title: Text = ""


class Essentials(Model):
    """Reference data for dropdowns, from the agent-safe ``ticket-essentials`` route."""

    agents: list[Agent] = []
    mailboxes: list[Mailbox] = []
    products: list[Product] = Field(default=[], alias="support_products")
    tags: list[TicketTag] = Field(default=[], alias="ticket_tags")
    statuses: dict[str, str] = Field(default={}, alias="ticket_statuses")
    priorities: dict[str, str] = Field(default={}, alias="admin_priorities")
    client_priorities: dict[str, str] = {}

    @field_validator("statuses", "priorities", "client_priorities", mode="before")
    @classmethod
    def _list_to_dict(cls, value: Any) -> Any:
        # An empty PHP array arrives as [] rather than {}.
        return {} if value == [] else value

    def agent(self, agent_id: int | None) -> Agent | None:
        return next((a for a in self.agents if a.id == agent_id), None)


class Me(Model):
    user_id: OptionalInt = None
    email: Text = ""
    person: Person | None = None
    permissions: list[str] = []

    @property
    def is_agent(self) -> bool:
        return bool(self.person and self.person.person_type == "agent")

    def can(self, permission: str) -> bool:
        return "administrator" in self.permissions or permission in self.permissions


class CustomerTicket(Model):
    id: int
    title: Text = ""
    status: Text = ""
    created_at: UtcTime = None


class CustomerProfile(Model):
    customer: Customer | None = None
    tickets: list[CustomerTicket] = []


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


def _zone(client: FluentClient):
    return site_zone(client.credential.timezone)


# Selectors


def ticket_list(
    client: FluentClient,
    *,
    query: TicketQuery,
    page: int = 1,
    per_page: int = 15,
    refresh: bool = False,
) -> Page[Ticket]:
    # Reference: GET /tickets with filters[...], order_by, order_type, page, per_page
    # (captures fs_tickets_*, maria_tickets_*).
    answer = client.get(
        f"{SUPPORT}/tickets",
        kind="ticket_list",
        params=query.params(page=page, per_page=per_page),
        refresh=refresh,
    )
    page_data = paginator(answer.data, "tickets")
    result = parse(Page[Ticket], page_data, zone=_zone(client), label=client.label)
    result.page = min(result.page, max(result.last_page, 1)) or 1
    return result


def ticket_count(client: FluentClient, *, query: TicketQuery, refresh: bool = False) -> int:
    """The number of tickets a query matches, read from a one-row page's ``total``."""
    return ticket_list(client, query=query, page=1, per_page=1, refresh=refresh).total


def ticket_get(client: FluentClient, *, ticket_id: int, refresh: bool = False) -> Thread:
    # Reference: GET /tickets/<id> (captures fs_ticket_detail, fs_ticket_detail_closed,
    # fs_ticket_not_found -> 422 bare string, maria_ticket_of_other_agent).
    answer = client.get(f"{SUPPORT}/tickets/{int(ticket_id)}", kind="ticket", refresh=refresh)
    return parse(Thread, answer.data, zone=_zone(client), label=client.label)


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


def essentials_get(client: FluentClient, *, refresh: bool = False) -> Essentials:
    # Reference: GET /tickets/ticket-essentials (capture fs_ticket_essentials): agents, products,
    # mailboxes and ticket tags for agents without the admin-only /agents, /mailboxes, /products.
    answer = client.get(f"{SUPPORT}/tickets/ticket-essentials", kind="reference", refresh=refresh)
    essentials = parse(Essentials, answer.data, zone=_zone(client), label=client.label)
    _find_nameless_agents_emails(client, essentials.agents, refresh=refresh)
    return essentials


# At most this many agents without a name get one ticket read each to learn their email.
NAMELESS_LOOKUPS = 3
AGENT_EMAIL_MEMO_SECONDS = 24 * 3600


def _find_nameless_agents_emails(
    client: FluentClient, agents: list[Agent], *, refresh: bool = False
) -> None:
    """Give agents without a name the email the site shows elsewhere (seq_agents_*).

    ticket-essentials lists agents without email, and with `""` names for an agent whose
    WordPress user has none, while ticket rows, /me and the admin-only /agents carry the email:
    without this the same agent would be "#1" in dropdowns and an email on rows. Only sites
    with such an agent pay the extra (cached) reads, and a failure leaves the fallback name.
    """
    nameless = {a.id: a for a in agents if not a.has_name and not a.email}
    if not nameless:
        return
    # An agent's email outlives the reference data's few minutes: what was learned is kept a
    # day per credential, so a cold essentials read pays the extra reads once a day, not each
    # time the reference data expires.
    memo_key = f"fluent:agent-emails:{client.credential.key}"
    known: dict[int, str] = {} if refresh else (cache.get(memo_key) or {})
    if all(known.get(agent_id) for agent_id in nameless):
        for agent_id, agent in nameless.items():
            agent.email = known[agent_id]
        return
    emails: dict[int, str] = dict(known)
    try:
        me = me_get(client, refresh=refresh)
        if me.person is not None:
            emails[me.person.id] = me.email or me.person.email
        # Most often the agent without a name is the signed-in administrator: /me alone names
        # them, and the admin-only agent list is read only when someone is still unnamed.
        if me.can("fst_sensitive_data") and any(not emails.get(i) for i in nameless):
            emails.update({a.id: a.email for a in agents_list(client, refresh=refresh)})
    except errors.UpstreamError:
        pass
    for agent_id in [i for i in nameless if not emails.get(i)][:NAMELESS_LOOKUPS]:
        query = TicketQuery(status_type="all", agent=str(agent_id))
        try:
            page = ticket_list(client, query=query, per_page=1, refresh=refresh)
        except errors.UpstreamError:
            continue
        for ticket in page.items:
            if ticket.agent is not None and ticket.agent.id == agent_id:
                emails[agent_id] = ticket.agent.email
    for agent_id, agent in nameless.items():
        agent.email = emails.get(agent_id, "")
    learned = {i: e for i, e in emails.items() if i in nameless and e}
    if learned:
        cache.set(memo_key, learned, AGENT_EMAIL_MEMO_SECONDS)


def agents_list(client: FluentClient, *, refresh: bool = False) -> list[Agent]:
    # Reference: GET /agents (captures seq_agents_1_agents, seq_agents_6_agents_search): every
    # agent with email; needs the "sensitive data" permission (403 otherwise).
    answer = client.get(f"{SUPPORT}/agents", kind="reference", refresh=refresh)
    data = answer.data.get("agents") if isinstance(answer.data, dict) else None
    rows = data.get("data", []) if isinstance(data, dict) else []
    return [parse(Agent, row, label=client.label) for row in rows if isinstance(row, dict)]


def me_get(client: FluentClient, *, refresh: bool = False) -> Me:
    # Reference: GET /me (captures fs_me, fs_me_agent_maria): the agent and their permissions.
    answer = client.get(f"{SUPPORT}/me", kind="identity", refresh=refresh)
    return parse(Me, answer.data, zone=_zone(client), label=client.label)


def customer_get(
    client: FluentClient, *, customer_id: int, with_tickets: bool = True, refresh: bool = False
) -> CustomerProfile:
    # Reference: GET /customers/<id>?with[]=tickets (captures fs_customer_detail,
    # fs_customer_detail_with_all; fs_customer_not_found answers 200 {"customer": null}).
    params = [("with[]", "tickets")] if with_tickets else None
    answer = client.get(
        f"{SUPPORT}/customers/{int(customer_id)}", kind="customer", params=params, refresh=refresh
    )
    return parse(CustomerProfile, answer.data, zone=_zone(client), label=client.label)


def live_activity_get(client: FluentClient, *, ticket_id: int) -> list[Viewer]:
    # Reference: GET /tickets/<id>/live_activity (capture fs_ticket_live_activity). The call
    # also registers our agent as viewing, so colleagues in wp-admin see us too; never cached.
    answer = client.get(f"{SUPPORT}/tickets/{int(ticket_id)}/live_activity", kind="live")
    rows = answer.data.get("live_activity", []) if isinstance(answer.data, dict) else []
    return [parse(Viewer, row, label=client.label) for row in rows if isinstance(row, dict)]


# Services (writes). Each names the cache scopes it changes.

TICKETS = ("tickets",)


def response_create(
    client: FluentClient,
    *,
    ticket_id: int,
    content: str,
    kind: Literal["response", "note"] = "response",
    close: bool = False,
) -> Response:
    # Reference: POST /tickets/<id>/responses {content, conversation_type, close_ticket}
    # (captures fs_post_response, fs_post_note, fs_post_response_close,
    # fs_post_response_empty_422, fs_post_response_nonexistent_ticket, maria_reply_other_ticket).
    # The answer's response.content is wrapped and entity-decoded, unlike what was stored
    # (seq_escaping_reply_3): escaped text comes back as live tags. Never render it; the
    # thread is read back with a GET.
    body: dict[str, Any] = {"content": content, "conversation_type": kind}
    if close:
        body["close_ticket"] = "yes"
    data = client.send(
        "POST", f"{SUPPORT}/tickets/{int(ticket_id)}/responses", data=body, invalidates=TICKETS
    )
    return parse(Response, (data or {}).get("response"), zone=_zone(client), label=client.label)


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
    return parse(Response, (data or {}).get("response"), zone=_zone(client), label=client.label)


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
    return [parse(TicketTag, tag, label=client.label) for tag in (data or {}).get("tags", []) or []]


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


def ticket_delete(client: FluentClient, *, ticket_id: int) -> None:
    # Reference: DELETE /tickets/<id>/delete (route list; FACTS.md).
    client.send(
        "DELETE", f"{SUPPORT}/tickets/{int(ticket_id)}/delete", invalidates=("tickets", "customers")
    )


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
    return parse(Ticket, (data or {}).get("ticket"), zone=_zone(client), label=client.label)


CUSTOMER_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "title",
    "address_line_1",
    "address_line_2",
    "city",
    "state",
    "zip",
    "country",
    "note",
)


# Every column the plugin's PUT writes (its Person model's fillable list, seq_customer_*):
# a column missing from the body is set to NULL, so all of them are sent back as read.
CUSTOMER_COLUMNS = (
    "first_name", "last_name", "email", "title", "person_type", "user_id", "remote_uid", "hash",
    "status", "address_line_1", "address_line_2", "city", "state", "zip", "country", "note",
)  # fmt: skip
# Sending these back fails the whole PUT (500 "The ip rule is undefined or invalid", nothing
# written), and leaving them out clears them: no edit can keep a customer's IP addresses.
UNKEEPABLE_CUSTOMER_COLUMNS = ("ip_address", "last_ip_address")


def customer_update(
    client: FluentClient, *, customer: Customer, changes: dict[str, str]
) -> Customer:
    # Reference: PUT /customers/<id> (captures seq_customer_partial, seq_customer_form,
    # seq_customer_full, fs_put_customer_validation_422). The plugin writes every column of
    # its list, NULL when not sent (person_type, user_id and hash included; without
    # person_type the customer vanishes and the answer is a misleading 423). So the customer
    # is read fresh, the agent's changes applied, and every other column sent back as read.
    answer = client.get(f"{SUPPORT}/customers/{int(customer.id)}", kind="customer", refresh=True)
    stored = answer.data.get("customer") if isinstance(answer.data, dict) else None
    if not isinstance(stored, dict):
        raise errors.NotFoundError(
            "That customer no longer exists on the site.", site_label=client.label
        )
    body: dict[str, Any] = {name: stored.get(name) for name in CUSTOMER_COLUMNS}
    for name, value in changes.items():
        # Only what the agent changed: an untouched empty field stays NULL rather than "".
        if name in CUSTOMER_FIELDS and value != (stored.get(name) or ""):
            body[name] = value
    body["person_type"] = "customer"
    data = client.send(
        "PUT",
        f"{SUPPORT}/customers/{int(customer.id)}",
        data=body,
        invalidates=("customers", "tickets"),
    )
    return parse(
        Customer,
        (data or {}).get("customer") or {**body, "id": customer.id},
        zone=_zone(client),
        label=client.label,
    )


def live_activity_leave(client: FluentClient, *, ticket_id: int) -> None:
    # Reference: DELETE /tickets/<id>/live_activity (route list; FACTS.md): stop showing our
    # agent as viewing the ticket, as wp-admin does when an agent leaves it.
    client.send(
        "DELETE", f"{SUPPORT}/tickets/{int(ticket_id)}/live_activity", invalidates=("live",)
    )


# Report summaries for the team-lead queues. Each row's ``stats`` count the site's own day
# (its timezone): ``closed`` is the tickets closed today, per agent (closed by them), per
# mailbox or per product. Every one of these routes needs the "view all reports" capability;
# a limited agent gets 403 (capture maria_reports_forbidden).


class SummaryStats(Model):
    responses: OptionalInt = 0
    opens: OptionalInt = 0
    closed: OptionalInt = 0
    interactions: OptionalInt = 0


class SummaryRow(Model):
    """One agent, mailbox or product of a report summary (the plugin names it differently in
    each: ``full_name``, ``name`` or ``title``)."""

    id: int
    full_name: Text = ""
    name: Text = ""
    title: Text = ""
    stats: SummaryStats = SummaryStats()

    @property
    def label(self) -> str:
        # A nameless agent's full_name is " " (one space) in reports.
        return self.full_name.strip() or self.name or self.title or f"#{self.id}"


class Summary(Model):
    summary: list[SummaryRow]


def _summary_rows(client: FluentClient, path: str, refresh: bool) -> list[SummaryRow]:
    answer = client.get(f"{SUPPORT}{path}", kind="report", refresh=refresh)
    return parse(Summary, answer.data, zone=_zone(client), label=client.label).summary


def report_agents_summary(client: FluentClient, *, refresh: bool = False) -> list[SummaryRow]:
    # Reference: GET /reports/agents-summary (capture fs_reports_agents_summary): per agent,
    # today's responses, interactions and tickets closed by them.
    return _summary_rows(client, "/reports/agents-summary", refresh)


def report_mailboxes_summary(client: FluentClient, *, refresh: bool = False) -> list[SummaryRow]:
    # Reference: GET /mailbox-reports/mailbox-reports-summary (capture
    # fs_mailbox_reports_summary): per mailbox, today's responses and closed tickets.
    return _summary_rows(client, "/mailbox-reports/mailbox-reports-summary", refresh)


def report_products_summary(client: FluentClient, *, refresh: bool = False) -> list[SummaryRow]:
    # Reference: GET /product-reports/product-reports-summary (capture
    # fs_product_reports_summary): per product, today's responses and closed tickets.
    return _summary_rows(client, "/product-reports/product-reports-summary", refresh)


# Customers directory and customer delete (appended for the customers app).


class CustomerSummary(Customer):
    """A directory row: the customer with the counts the list route adds."""

    total_tickets: OptionalInt = 0
    total_responses: OptionalInt = 0


CUSTOMER_STATUSES = ("active", "inactive")


def customer_search(
    client: FluentClient,
    *,
    search: str = "",
    status: str = "",
    page: int = 1,
    per_page: int = 15,
    refresh: bool = False,
) -> Page[CustomerSummary]:
    # Reference: GET /customers?search=&status=&page=&per_page= (captures fs_customers,
    # fs_customers_page2_per5, fs_customers_search; maria_customers_forbidden -> 403). The
    # plugin's CustomerController::index reads a plain `status` parameter (active | inactive |
    # all), not filters[status]. Only the two real statuses are sent: "all" is the same as
    # leaving it out.
    params: list[tuple[str, Any]] = [("page", max(1, int(page))), ("per_page", int(per_page))]
    if search:
        params.append(("search", search))
    if status in CUSTOMER_STATUSES:
        params.append(("status", status))
    answer = client.get(f"{SUPPORT}/customers", kind="customer", params=params, refresh=refresh)
    result = parse(
        Page[CustomerSummary],
        paginator(answer.data, "customers"),
        zone=_zone(client),
        label=client.label,
    )
    result.page = min(result.page, max(result.last_page, 1)) or 1
    return result


class CustomerDeleteUnavailable(errors.NotFoundError):
    """The site has no customer delete route, so customers cannot be deleted there."""

    advice = "Delete the customer in the site's WordPress admin instead."


def customer_delete(client: FluentClient, *, customer_id: int) -> str:
    # Reference: DELETE /customers/<id> (routes-fluent-support.txt; published docs answer
    # {"message": "Customer Deleted Successfully"}). The plugin deletes the customer's tickets,
    # with their replies and notes, along with the customer. No capture exists: a site that
    # answers rest_no_route does not offer the route, which is said as such.
    try:
        data = client.send(
            "DELETE",
            f"{SUPPORT}/customers/{int(customer_id)}",
            invalidates=("customers", "tickets"),
        )
    except errors.NotFoundError as exc:
        if exc.status == 404 and "no such route" in exc.message:
            raise CustomerDeleteUnavailable(
                "This site does not offer deleting customers over its REST API.",
                site_label=client.label,
                status=404,
            ) from exc
        raise
    return str(data.get("message", "")) if isinstance(data, dict) else str(data or "")
