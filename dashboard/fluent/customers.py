"""Fluent Support customer calls: the profile, the directory, edits and deletion."""

from __future__ import annotations

from typing import Any

from dashboard.fluent import errors
from dashboard.fluent.client import SUPPORT, FluentClient
from dashboard.fluent.models import Customer, CustomerProfile, CustomerSummary
from dashboard.fluent.parsing import Page, paginator


def customer_get(
    client: FluentClient, *, customer_id: int, with_tickets: bool = True, refresh: bool = False
) -> CustomerProfile:
    # Reference: GET /customers/<id>?with[]=tickets (captures fs_customer_detail,
    # fs_customer_detail_with_all; fs_customer_not_found answers 200 {"customer": null}).
    params = [("with[]", "tickets")] if with_tickets else None
    answer = client.get(
        f"{SUPPORT}/customers/{int(customer_id)}", kind="customer", params=params, refresh=refresh
    )
    return client.parse(CustomerProfile, answer.data)


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
    return client.parse(Customer, (data or {}).get("customer") or {**body, "id": customer.id})


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
    result = client.parse(Page[CustomerSummary], paginator(answer.data, "customers"))
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
    except errors.RouteMissingError as exc:
        raise CustomerDeleteUnavailable(
            "This site does not offer deleting customers over its REST API.",
            site_label=client.label,
            status=404,
        ) from exc
    return str(data.get("message", "")) if isinstance(data, dict) else str(data or "")
