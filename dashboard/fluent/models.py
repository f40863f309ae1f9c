"""Fluent Support objects as typed models: tickets, responses, people and reference data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, PrivateAttr, field_validator

from dashboard.fluent.parsing import LocalTime, Model, OptionalInt, Text, UtcTime


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
    # The name of the person this agent is across the user's sites (see tickets/people.py),
    # given after parsing: never read from a site.
    _person_name: str = PrivateAttr(default="")

    @property
    def has_name(self) -> bool:
        return bool(self.full_name.strip() or f"{self.first_name}{self.last_name}".strip())

    @property
    def own_name(self) -> str:
        """The name this site gives the agent: the name, else the email, never a bare "#1"."""
        if self.has_name or self.email:
            return super().name
        return f"Agent {self.id} (no name)"

    @property
    def name(self) -> str:
        # One display name everywhere: the person's, once known, so the same agent reads the
        # same on every site whatever each site calls them.
        return self._person_name or self.own_name

    def name_as(self, person_name: str) -> None:
        self._person_name = person_name


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
    # Seconds from opening to the first agent reply and to closing, as the plugin stores them.
    first_response_time: OptionalInt = None
    total_close_time: OptionalInt = None

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


class CustomerSummary(Customer):
    """A directory row: the customer with the counts the list route adds."""

    total_tickets: OptionalInt = 0
    total_responses: OptionalInt = 0
