"""The rows of one simulated site (users, persons, tickets, replies) and the writes shared by
the seed and the routes: one conversation row added the way the plugin maintains its ticket."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class User:
    """A WordPress user who can sign in with an application password."""

    username: str
    app_password: str
    role: str  # "administrator" or "agent"
    person_id: int  # the Fluent Support agent id (wp_fs_persons.id); also the WP user id
    limited: bool
    permissions: list[str]
    first_name: str
    last_name: str
    email: str
    crm_access: bool

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def can(self, permission: str) -> bool:
        return permission in self.permissions


@dataclass
class Store:
    """All rows of one site, with the few indexes the routes need to stay fast."""

    site_name: str
    domain: str
    now: datetime
    users: dict[str, User] = field(default_factory=dict)
    persons: dict[int, dict[str, Any]] = field(default_factory=dict)
    mailboxes: dict[int, dict[str, Any]] = field(default_factory=dict)
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    ticket_tags: dict[int, dict[str, Any]] = field(default_factory=dict)
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    responses: dict[int, dict[str, Any]] = field(default_factory=dict)
    responses_by_ticket: dict[int, list[int]] = field(default_factory=dict)
    tickets_by_customer: dict[int, list[int]] = field(default_factory=dict)
    contacts: dict[int, dict[str, Any]] = field(default_factory=dict)
    crm_tags: dict[int, dict[str, Any]] = field(default_factory=dict)
    crm_lists: dict[int, dict[str, Any]] = field(default_factory=dict)
    custom_fields: list[dict[str, Any]] = field(default_factory=list)
    contact_notes: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # Uploaded files (fs_attachments rows, with their bytes under "content").
    attachments: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_attachment_id: int = 1
    next_person_id: int = 1
    next_ticket_id: int = 1
    next_response_id: int = 1
    # Bumped on every write so cached sort orders know when to rebuild.
    version: int = 0

    # The persons of each type, kept until the next write or a person added or removed: a
    # large site has tens of thousands of customers and few agents.
    _by_type: dict[str, tuple[tuple[int, int], dict[int, dict[str, Any]]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def _persons_of(self, person_type: str) -> dict[int, dict[str, Any]]:
        stamp = (self.version, len(self.persons))
        kept = self._by_type.get(person_type)
        if kept is not None and kept[0] == stamp:
            return dict(kept[1])
        chosen = {pid: p for pid, p in self.persons.items() if p["person_type"] == person_type}
        self._by_type[person_type] = (stamp, chosen)
        return dict(chosen)

    @property
    def customers(self) -> dict[int, dict[str, Any]]:
        return self._persons_of("customer")

    @property
    def agents(self) -> dict[int, dict[str, Any]]:
        return self._persons_of("agent")

    def user_by_person(self, person_id: int) -> User | None:
        for user in self.users.values():
            if user.person_id == person_id:
                return user
        return None

    def contact_by_email(self, email: str) -> dict[str, Any] | None:
        wanted = email.strip().lower()
        for contact in self.contacts.values():
            if contact["email"].lower() == wanted:
                return contact
        return None


def md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "item"


def person_row(
    pid: int,
    first: str,
    last: str,
    email: str,
    person_type: str,
    created: datetime,
    **extra: Any,
) -> dict[str, Any]:
    row = {
        "id": pid,
        "first_name": first,
        "last_name": last,
        "email": email,
        "title": None,
        "avatar": None,
        "person_type": person_type,
        "status": "active" if person_type == "agent" else None,
        "ip_address": None,
        "last_ip_address": None,
        "address_line_1": None,
        "address_line_2": None,
        "city": None,
        "zip": None,
        "state": None,
        "country": None,
        "note": None,
        "hash": md5(f"{email}-{pid}"),
        "user_id": pid if person_type == "agent" else None,
        "description": None,
        "remote_uid": None,
        "last_response_at": None,
        "created_at": created,
        "updated_at": created,
    }
    row.update(extra)
    return row


def add_response(
    store: Store,
    ticket: dict[str, Any],
    person_id: int,
    kind: str,
    content: str,
    at: datetime,
) -> dict[str, Any]:
    """Append one conversation row and update the ticket columns the plugin maintains."""
    rid = store.next_response_id
    store.next_response_id += 1
    row = {
        "id": rid,
        "serial": 1,
        "ticket_id": ticket["id"],
        "person_id": person_id,
        "conversation_type": kind,
        "content": content,
        "source": "web",
        "content_hash": md5(content),
        "message_id": None,
        "is_important": "no",
        "created_at": at,
        "updated_at": at,
    }
    store.responses[rid] = row
    store.responses_by_ticket.setdefault(ticket["id"], []).append(rid)
    if kind == "response":
        person = store.persons.get(person_id)
        ticket["response_count"] += 1
        ticket["waiting_since"] = at
        if person is not None and person["person_type"] == "customer":
            ticket["last_customer_response"] = at
            person["last_response_at"] = at
        else:
            if ticket["first_response_time"] is None:
                seconds = int((at - ticket["created_at"]).total_seconds())
                ticket["first_response_time"] = seconds
            ticket["last_agent_response"] = at
    ticket["updated_at"] = at
    store.version += 1
    return row


def ticket_tag_row(tid: int, title: str, at: datetime) -> dict:
    """A ticket tag as the plugin stores it (created by the first admin)."""
    return {
        "id": tid,
        "tag_type": "ticket_tag",
        "title": title,
        "slug": slugify(title),
        "description": None,
        "settings": None,
        "created_by": 1,
        "created_at": at,
        "updated_at": at,
    }
