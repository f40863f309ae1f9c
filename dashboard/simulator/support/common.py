"""What every Fluent Support controller shares: the namespace, permission checks, the
ticket lookup and the serialisers of people, mailboxes, products and tags."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import serialize as s
from ..crm.common import contact_lists, contact_tags
from ..rest import Reply, Request
from ..store import User, person_row

if TYPE_CHECKING:
    from ..state import SiteState


NS = "/fluent-support/v2"
NO_PERMISSION = "Sorry, You do not have permission to this ticket"
CONTENT_REQUIRED = {"content": {"required": "Reply content is required"}}


def needs(permission: str | None) -> Callable[[User | None], int | None]:
    """A permission callback: signed-in agents with `permission` (None: any agent)."""

    def check(user: User | None) -> int | None:
        if user is None:
            return 401
        if permission is None:
            return None if user.can("fst_view_dashboard") else 403
        return None if user.can(permission) else 403

    return check


def not_found(model: str, ident: Any) -> Reply:
    return Reply(422, f"No query results for model [FluentSupport\\App\\Models\\{model}] {ident}")


def paging(request: Request) -> tuple[int, int]:
    page = max(1, s.to_int(request.query.get("page"), 1) or 1)
    per_page = s.to_int(request.query.get("per_page"), 15) or 15
    return page, max(1, per_page)


def can_access(user: User, ticket: dict[str, Any]) -> bool:
    """Limited agents work on their own and unassigned tickets only."""
    if user.can("fst_manage_other_tickets"):
        return True
    return ticket["agent_id"] in (None, user.person_id)


def ticket_or_error(site: SiteState, request: Request) -> tuple[dict | None, Reply | None]:
    tid = int(request.args["ticket_id"])
    ticket = site.store.tickets.get(tid)
    if ticket is None:
        return None, not_found("Ticket", tid)
    if not can_access(request.user, ticket):
        return None, Reply(422, NO_PERMISSION)
    return ticket, None


def full_person(site: SiteState, person_id: Any, *extra: str, **kw: Any) -> dict | None:
    row = site.store.persons.get(s.to_int(person_id, -1))
    return s.person(row, site.clock, *extra, **kw) if row else None


def mailbox_brief(site: SiteState, mailbox_id: Any) -> dict | None:
    row = site.store.mailboxes.get(s.to_int(mailbox_id, -1))
    return s.simple(row, site.clock) if row else None


def product_brief(site: SiteState, product_id: Any) -> dict | None:
    row = site.store.products.get(s.to_int(product_id, -1))
    return s.simple(row, site.clock) if row else None


def tag_rows(site: SiteState, ticket: dict[str, Any], tag_ids: list | None = None) -> list:
    ids = ticket["tag_ids"] if tag_ids is None else tag_ids
    tags = site.store.ticket_tags
    return [s.ticket_tag(tags[t], ticket["id"], site.clock) for t in ids if t in tags]


def fresh_response(site: SiteState, row: dict[str, Any]) -> dict[str, Any]:
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
        "person": full_person(site, row["person_id"]),
    }


def _customer_full(site: SiteState, customer_id: Any) -> dict | None:
    return full_person(site, customer_id)


def fluentcrm_profile(site: SiteState, email: str | None, base_url: str) -> dict | None:
    if not site.crm_enabled or not email:
        return None
    contact = site.store.contact_by_email(email)
    if contact is None:
        return None
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


def waiting(ticket: dict[str, Any]) -> bool:
    if ticket["status"] == "closed":
        return False
    agent_at = ticket["last_agent_response"]
    customer_at = ticket["last_customer_response"]
    return agent_at is None or (customer_at is not None and customer_at > agent_at)


def ticket_after_write(
    site: SiteState,
    ticket: dict[str, Any],
    fresh: frozenset[str],
    *relations: str,
) -> dict[str, Any]:
    out = s.ticket_columns(ticket, site.clock, fresh)
    for relation in relations:
        if relation == "customer":
            out["customer"] = _customer_full(site, ticket["customer_id"])
        elif relation == "mailbox":
            out["mailbox"] = mailbox_brief(site, ticket["mailbox_id"])
        elif relation == "agent":
            out["agent"] = full_person(site, ticket["agent_id"])
    return out


def delete_ticket(site: SiteState, ticket: dict[str, Any]) -> None:
    store = site.store
    for rid in store.responses_by_ticket.pop(ticket["id"], []):
        store.responses.pop(rid, None)
    store.tickets.pop(ticket["id"], None)
    owned = store.tickets_by_customer.get(ticket["customer_id"], [])
    if ticket["id"] in owned:
        owned.remove(ticket["id"])
    site.viewers.pop(ticket["id"], None)
    site.touch()


def valid_email(email: str) -> bool:
    return re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) is not None


def find_or_create_customer(site: SiteState, fields: dict, at: datetime) -> dict[str, Any]:
    store = site.store
    email = str(fields.get("email")).strip()
    for person in store.persons.values():
        if person["person_type"] == "customer" and (person["email"] or "").lower() == email.lower():
            return person
    pid = store.next_person_id
    store.next_person_id += 1
    row = person_row(
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
