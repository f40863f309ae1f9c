"""Who is writing: the Fluent Support customer behind a ticket, and their FluentCRM contact.

Plain functions over the upstream layer, so the rules (where a contact is looked for, in which
order, which answer wins, what a failure means) can be tested without a view. The ORM is read and
credentials are decrypted here, in the request thread; only HTTP runs in ``run_parallel``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from dashboard.fluent import crm
from dashboard.fluent.crm import ContactProfile
from dashboard.fluent.customers import customer_get
from dashboard.fluent.errors import ForbiddenError, NotFoundError, RouteMissingError, UpstreamError
from dashboard.fluent.models import Customer, CustomerTicket
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.tickets import ticket_get
from dashboard.sites.models import Site
from dashboard.sites.services import client_for


@dataclass
class CustomerCard:
    """A customer as far as this user may see them on one site."""

    site: Site
    customer_id: int
    customer: Customer | None = None
    tickets: list[CustomerTicket] = field(default_factory=list)
    # True when the record came from /customers (address, note, tickets); False when only the
    # copy a ticket carries could be read.
    complete: bool = False
    # Why /customers could not be read, if it could not.
    error: UpstreamError | None = None

    @property
    def forbidden(self) -> bool:
        return isinstance(self.error, ForbiddenError)

    @property
    def missing(self) -> bool:
        # A missing route (the plugin is off) says nothing about whether the customer exists.
        return (
            isinstance(self.error, NotFoundError)
            and not isinstance(self.error, RouteMissingError)
            and self.customer is None
        )

    @property
    def email(self) -> str:
        return (self.customer.email if self.customer else "").strip()

    def other_tickets(self, ticket_id: int | None) -> list[CustomerTicket]:
        return [t for t in self.tickets if t.id != ticket_id]


def _missing(site: Site) -> NotFoundError:
    return NotFoundError(
        "That customer does not exist on the site (any more).", site_label=site.label
    )


def load_customer(site: Site, *, customer_id: int, ticket_id: int | None = None) -> CustomerCard:
    """The customer with their tickets; the ticket's own copy of the customer when /customers
    is refused (a limited agent) or down.

    Both reads run at once: the thread page has just read the ticket, so it is normally a cache
    hit, and the fallback then costs no second round trip.
    """
    client = client_for(site)
    calls = {"customer": partial(customer_get, client, customer_id=customer_id)}
    if ticket_id:
        calls["ticket"] = partial(ticket_get, client, ticket_id=ticket_id)
    outcomes = run_parallel(calls)
    card = CustomerCard(site=site, customer_id=customer_id)
    profile = outcomes["customer"]
    if profile.ok and profile.value.customer is not None:
        card.customer = profile.value.customer
        card.tickets = sorted(
            profile.value.tickets, key=lambda t: (t.created_at is not None, t.created_at, t.id)
        )[::-1]
        card.complete = True
        return card
    card.error = profile.error or _missing(site)
    ticket = outcomes.get("ticket")
    if ticket is not None and ticket.ok:
        carried = ticket.value.ticket
        # Only a ticket of this very customer may stand in for them.
        if carried.customer is not None and carried.customer_id == customer_id:
            card.customer = carried.customer
    return card


def customer_email(site: Site, *, customer_id: int, ticket_id: int | None = None) -> str:
    """The customer's email for the contact lookup, read the cheapest way: the ticket (cached by
    the thread page, and readable by limited agents), else the customer record (cached by the
    panel)."""
    client = client_for(site)
    if ticket_id:
        try:
            carried = ticket_get(client, ticket_id=ticket_id).ticket
        except UpstreamError:
            carried = None
        if carried and carried.customer and carried.customer_id == customer_id:
            return carried.customer.email.strip()
    try:
        profile = customer_get(client, customer_id=customer_id)
    except UpstreamError:
        raise
    if profile.customer is None:
        raise _missing(site)
    return profile.customer.email.strip()


@dataclass
class SiteContact:
    site: Site
    profile: ContactProfile

    @property
    def admin_url(self) -> str:
        return crm.contact_admin_url(self.site.base_url, self.profile.contact.id)


@dataclass
class ContactLookup:
    """Where a customer's contact was looked for in FluentCRM on the user's sites, and found."""

    home: Site
    crm_sites: list[Site] = field(default_factory=list)  # best first: the home site leads
    readable: list[Site] = field(default_factory=list)
    email: str = ""
    found: list[SiteContact] = field(default_factory=list)  # best first
    missing: list[Site] = field(default_factory=list)  # answered: no contact with this email
    failed: list[tuple[Site, UpstreamError]] = field(default_factory=list)
    no_access: list[Site] = field(default_factory=list)  # FluentCRM there, contacts not readable
    # Readable sites not asked yet: the others wait until the agent asks (see find_contact).
    unasked: list[Site] = field(default_factory=list)

    @property
    def needs_email(self) -> bool:
        """Whether looking up is possible at all (else the state says why not)."""
        return bool(self.readable)

    @property
    def match(self) -> SiteContact | None:
        return self.found[0] if self.found else None

    @property
    def also(self) -> list[SiteContact]:
        return self.found[1:]

    @property
    def from_elsewhere(self) -> bool:
        return self.match is not None and self.match.site.pk != self.home.pk

    @property
    def home_has_crm(self) -> bool:
        return any(site.pk == self.home.pk for site in self.crm_sites)

    @property
    def home_reason(self) -> str:
        """Why the contact did not come from the ticket's own site: no_crm | no_access |
        failed | missing."""
        if not self.home_has_crm:
            return "no_crm"
        if any(site.pk == self.home.pk for site in self.no_access):
            return "no_access"
        if any(site.pk == self.home.pk for site, _error in self.failed):
            return "failed"
        return "missing"

    @property
    def state(self) -> str:
        """found | no_crm | no_access | no_email | failed | no_match"""
        if self.match:
            return "found"
        if not self.crm_sites:
            return "no_crm"
        if not self.readable:
            return "no_access"
        if not self.email:
            return "no_email"
        if not self.missing and not self.failed:
            return "no_access"  # every readable site refused at the time of asking
        if self.failed:
            return "failed"
        return "no_match"


def plan_contact(*, home: Site, sites: list[Site]) -> ContactLookup:
    """Which sites have FluentCRM, in the order a match is preferred (the ticket's site first,
    then the user's other sites in their usual order), and which of them this user may read.
    Decided from what was found when each site was connected: no request is made."""
    ordered = [home] + [site for site in sites if site.pk != home.pk]
    lookup = ContactLookup(home=home, crm_sites=[site for site in ordered if site.has_crm])
    for site in lookup.crm_sites:
        (lookup.readable if site.crm_access else lookup.no_access).append(site)
    return lookup


def find_contact(lookup: ContactLookup, email: str, *, everywhere: bool = False) -> ContactLookup:
    """Look ``email`` up exactly (never with the partial list search): on the ticket's own site,
    or, with ``everywhere`` (the agent asked) or when that site cannot be asked, on every
    readable site at once.

    The ticket's site is where the person is nearly always a contact, and every ticket opened
    asked all the user's sites: with eight sites that was most of what a team cost FluentCRM.
    So the others are asked only on demand (the page offers "Look up on N other sites"), in one
    round trip, each answer cached for minutes.
    """
    lookup.email = email.strip()
    if not lookup.email or not lookup.readable:
        return lookup
    home_readable = any(site.pk == lookup.home.pk for site in lookup.readable)
    if everywhere or not home_readable:
        sites = lookup.readable
    else:
        sites = [site for site in lookup.readable if site.pk == lookup.home.pk]
    lookup.unasked = [site for site in lookup.readable if site not in sites]
    clients = {site.pk: client_for(site) for site in sites}
    outcomes = run_parallel(
        {
            site.pk: partial(crm.contact_by_email, clients[site.pk], email=lookup.email)
            for site in sites
        }
    )
    for site in sites:
        outcome = outcomes[site.pk]
        if isinstance(outcome.error, ForbiddenError):
            lookup.no_access.append(site)
        elif outcome.error is not None:
            lookup.failed.append((site, outcome.error))
        elif outcome.value is None:
            lookup.missing.append(site)
        else:
            lookup.found.append(SiteContact(site=site, profile=outcome.value))
    return lookup
