"""New tickets and customer replies: the agents' POST /tickets and the customer portal's
routes, which act on a customer's behalf."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .. import files, wptext
from .. import serialize as s
from ..rest import Reply, Request
from ..store import add_response, md5, slugify
from .common import (
    CONTENT_REQUIRED,
    find_or_create_customer,
    fresh_response,
    mailbox_brief,
    not_found,
    ticket_after_write,
    valid_email,
)

if TYPE_CHECKING:
    from ..state import SiteState


TICKET_FILLABLE = (
    "customer_id", "agent_id", "title", "content", "mailbox_id", "product_id",
    "client_priority", "priority", "source", "privacy", "message_id",
)  # fmt: skip


def ticket_create(site: SiteState, request: Request) -> Reply:
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
        elif not valid_email(email):
            errors["newCustomer.email"] = {"email": "Customer email must be a valid email"}
    elif data.get("customer_id") in (None, ""):
        errors["ticket.customer_id"] = {"required": "Customer is required"}
    if errors:
        return Reply(422, errors)
    store = site.store
    at = site.current_time()
    if creating:
        customer = find_or_create_customer(site, new_customer, at)
        customer_id = customer["id"]
    else:
        customer_id = s.to_int(data.get("customer_id"))
        customer = store.persons.get(customer_id) if customer_id is not None else None
        if customer is None or customer["person_type"] != "customer":
            return Reply(
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
    fresh_keys["mailbox"] = mailbox_brief(site, mailbox_id)
    return Reply(200, {"message": "Ticket has been successfully created", "ticket": fresh_keys})


def _portal_error(message: str) -> Reply:
    return Reply(422, {"message": message, "error_type": 0})


def _portal_customer(site: SiteState, request: Request) -> dict[str, Any] | None:
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
        return Reply(
            403,
            {
                "code": "rest_forbidden",
                "message": "Sorry, you are not allowed to do that.",
                "data": {"status": 403},
            },
            allow=False,
        )
    return None


def portal_response(site: SiteState, request: Request) -> Reply:
    """A customer reply, posted by an agent on the customer's behalf (on_behalf[email]).

    Recorded (seq_onbehalf_*): the status never changes (a closed ticket stays closed),
    last_customer_response is now, waiting_since moves only when the agent had the last word.
    """
    denied = _portal_denied(request)
    if denied:
        return denied
    content = request.param("content")
    if not isinstance(content, str) or not content.strip():
        return Reply(422, CONTENT_REQUIRED)
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
    return Reply(
        200,
        {
            "message": "Reply has been added",
            "response": fresh_response(site, row),
            "ticket": ticket_after_write(
                site, ticket, frozenset({"response_count"}), "customer", "mailbox", "agent"
            ),
        },
    )


def portal_ticket_create(site: SiteState, request: Request) -> Reply:
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
        return Reply(422, errors)
    on_behalf = request.param("on_behalf")
    customer = _portal_customer(site, request)
    if customer is None and isinstance(on_behalf, dict) and on_behalf.get("email"):
        customer = find_or_create_customer(site, on_behalf, site.current_time())
    if customer is None:
        return Reply(
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
        "mailbox": mailbox_brief(site, ticket["mailbox_id"]),
    }
    return Reply(200, {"message": "Ticket has been created successfully", "ticket": answer})
