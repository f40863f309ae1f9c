"""Finding people in the simulator's seeded data, so tests name who they mean."""

from __future__ import annotations

from typing import Any

OLIVIA = "olivia.thornbury@example.com"
# The near-miss address the seed plants next to Olivia's: a partial search finds both.
OLIVIA_PARTIAL = "olivia.thornbury@example.com.au"


def customer_by_email(sim_site, email: str) -> dict[str, Any]:
    return next(
        c for c in sim_site.site.customers.values() if (c["email"] or "").lower() == email.lower()
    )


def contact_id(sim_site, email: str) -> int | None:
    return next(
        (cid for cid, c in sim_site.site.contacts.items() if c["email"].lower() == email.lower()),
        None,
    )


def drop_contact(sim_site, email: str) -> None:
    """Remove the contact with exactly this email from a site's FluentCRM."""
    del sim_site.site.contacts[contact_id(sim_site, email)]


def customer_without_contact(sim_site, *others) -> dict[str, Any]:
    """A customer with tickets whose email is a contact on none of the given sites."""
    emails = {
        c["email"].lower() for entry in (sim_site, *others) for c in entry.site.contacts.values()
    }
    return next(
        c
        for c in sim_site.site.customers.values()
        if (c["email"] or "").lower() not in emails
        and sim_site.site.store.tickets_by_customer.get(c["id"])
    )


def ticket_of(sim_site, customer_id: int, **wanted: Any) -> dict[str, Any]:
    tickets = sim_site.site.tickets
    return next(
        tickets[tid]
        for tid in sim_site.site.store.tickets_by_customer[customer_id]
        if all(tickets[tid][k] == v for k, v in wanted.items())
    )


def crm_calls(sim_site) -> int:
    return sim_site.site.count(route="/fluent-crm/*")


def forget_requests(sim) -> None:
    """Start counting requests from here (connecting a site makes a few of its own)."""
    for entry in sim.all():
        entry.site.wait_idle()  # a request released by the last reset logs itself first
        entry.site.clear_log()
