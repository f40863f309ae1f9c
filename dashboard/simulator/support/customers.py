"""Fluent Support's customers: the directory, one customer, and create, update and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import serialize as s
from .. import wptext
from ..memo import remembered
from ..rest import Reply, Request
from .common import (
    NS,
    delete_ticket,
    find_or_create_customer,
    fluentcrm_profile,
    paging,
    valid_email,
)

if TYPE_CHECKING:
    from ..state import SiteState


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


def customer_row(site: SiteState, person: dict[str, Any]) -> dict[str, Any]:
    store = site.store
    ticket_ids = store.tickets_by_customer.get(person["id"], [])
    responses = 0
    for tid in ticket_ids:
        for rid in store.responses_by_ticket.get(tid, []):
            row = store.responses[rid]
            if row["person_id"] == person["id"] and row["conversation_type"] == "response":
                responses += 1
    return s.person(person, site.clock, total_tickets=len(ticket_ids), total_responses=responses)


def customers_index(site: SiteState, request: Request) -> Reply:
    page, per_page = paging(request)
    search = str(request.query.get("search") or "").strip().lower()
    status = request.query.get("status")

    def matching() -> list[dict[str, Any]]:
        rows = []
        for person in sorted(site.store.persons.values(), key=lambda p: p["id"], reverse=True):
            if person["person_type"] != "customer":
                continue
            # "all" (or nothing) is no filter; the plugin filters only by a real status.
            if status and status != "all" and person["status"] != status:
                continue
            if search:
                haystack = f"{person['first_name']} {person['last_name']} {person['email']}"
                if search not in haystack.lower():
                    continue
            rows.append(person)
        return rows

    rows = remembered(site, ("customers", str(status), search), matching)
    chunk = [customer_row(site, p) for p in rows[(page - 1) * per_page : page * per_page]]
    path = f"{request.base_url}/wp-json{NS}/customers"
    return Reply(200, {"customers": s.laravel_page(chunk, len(rows), page, per_page, path)})


def customer_delete(site: SiteState, request: Request) -> Reply:
    """DELETE /customers/<id>: the plugin deletes the customer's tickets along with them."""
    cid = int(request.args["customer_id"])
    person = site.store.persons.get(cid)
    if person is None or person["person_type"] != "customer":
        missing = f"No query results for model [FluentSupport\\App\\Models\\Customer] {cid}"
        return Reply(404, {"message": missing})
    for tid in list(site.store.tickets_by_customer.get(cid, [])):
        ticket = site.store.tickets.get(tid)
        if ticket is not None:
            delete_ticket(site, ticket)
    site.store.tickets_by_customer.pop(cid, None)
    site.store.persons.pop(cid, None)
    site.touch()
    return Reply(200, {"message": "Customer Deleted Successfully"})


def customer_show(site: SiteState, request: Request) -> Reply:
    cid = int(request.args["customer_id"])
    person = site.store.persons.get(cid)
    if person is None or person["person_type"] != "customer":
        return Reply(200, {"customer": None})
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
        body["fluentcrm_profile"] = fluentcrm_profile(site, person["email"], request.base_url)
    return Reply(200, body)


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
        return Reply(500, IP_RULE_UNDEFINED)
    errors: dict[str, dict[str, str]] = {}
    email = data["email"] or ""
    if not email:
        errors["email"] = {
            "required": "The email field is required.",
            "email": "The email must be a valid email address.",
        }
    elif not valid_email(email):
        errors["email"] = {"email": "The email must be a valid email address."}
    if not data["first_name"]:
        errors["first_name"] = {"required": "The first name field is required."}
    return Reply(422, errors) if errors else None


def customer_create(site: SiteState, request: Request) -> Reply:
    """POST /customers: fails like PUT on any IP address (recorded: seq_customer_create_ip)."""
    data = _customer_input(request)
    invalid = _customer_invalid(data)
    if invalid:
        return invalid
    taken = {(p["email"] or "").lower() for p in site.store.persons.values()}
    if data["email"].lower() in taken:
        return Reply(422, {"email": {"unique": "The email has already been taken."}})
    at = site.current_time()
    person = find_or_create_customer(site, data, at)
    for key in CUSTOMER_FIELDS:
        if key not in ("person_type", "hash") and data[key] is not None:
            person[key] = data[key]
    site.touch()
    return Reply(
        200, {"message": "Customer has been added", "customer": s.person(person, site.clock)}
    )


def customer_update(site: SiteState, request: Request) -> Reply:
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
        return Reply(423, missing)
    # The plugin finds the customer first, then another customer with the email: an exception
    # its handler turns into the same 423 shape as a missing customer.
    for other in store.persons.values():
        if (
            other["id"] != cid
            and other["person_type"] == "customer"
            and (other["email"] or "").lower() == email.lower()
        ):
            return Reply(
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
        return Reply(423, missing)
    return Reply(
        200, {"message": "Customer has been updated", "customer": s.person(person, site.clock)}
    )
