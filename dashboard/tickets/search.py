"""Inbox search that also finds a customer's tickets.

The plugin's own search matches only a ticket's title, opening message, slug and id (LIKE
``%text%``): a customer's name or email finds nothing (captures seq_search_*). Its search does
accept ``customer_id:N``, so a search here is, per site: the plugin's text matches, plus the
tickets of the customers whose name or email matches (``GET /customers?search=``), merged
without duplicates and sorted here like the plugin would. Every part is bounded (one page of
text matches, a few customers, one page of each customer's tickets) and the page says so when
a bound was reached.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial

from dashboard.fluent import errors
from dashboard.fluent.client import FluentClient
from dashboard.fluent.customers import customer_search
from dashboard.fluent.models import Ticket
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.reference import essentials_get
from dashboard.fluent.tickets import TicketQuery, ticket_list
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets.merging import (
    Failure,
    InboxPage,
    merge_page,
    overdue_key,
    parse_cursor,
    row_key,
)
from dashboard.tickets.query import OVERDUE, PER_PAGE, InboxQuery
from dashboard.tickets.rows import Row

# Bounds per site: the plugin's text matches and each customer's tickets are read as one page.
TEXT_MATCHES = 100
CUSTOMERS_PER_SITE = 5
TICKETS_PER_CUSTOMER = 100
MIN_LENGTH = 2


def searches_customers(query: InboxQuery) -> bool:
    """A plain search of two characters or more; `column:value` goes to the plugin as it is."""
    text = query.search.strip()
    return len(text) >= MIN_LENGTH and ":" not in text


@dataclass
class SiteMatches:
    tickets: list[Ticket]
    customers: list[str]  # display names of the customers whose tickets were added
    complete: bool  # False when a bound was reached
    customers_refused: bool = False  # this user may not list customers on the site


@dataclass
class SearchNote:
    """What the page says about the search: what was searched and whether it was cut short."""

    text: str
    customers: list[str] = field(default_factory=list)
    bounded: bool = False
    refused: list[str] = field(default_factory=list)  # labels of sites that refused /customers
    text_matches: int = TEXT_MATCHES
    customers_per_site: int = CUSTOMERS_PER_SITE
    tickets_per_customer: int = TICKETS_PER_CUSTOMER


def site_matches(client: FluentClient, ticket_query: TicketQuery, refresh: bool) -> SiteMatches:
    """One site's text matches and matching customers' tickets (runs in a worker thread)."""
    number = re.fullmatch(r"#(\d+)", ticket_query.search.strip())
    # The plugin finds "31" but not "#31", the way the dashboard writes ticket numbers.
    text_query = replace(ticket_query, search=number.group(1)) if number else ticket_query
    text = ticket_list(client, query=text_query, per_page=TEXT_MATCHES, refresh=refresh)
    found = {ticket.id: ticket for ticket in text.items}
    complete = text.total <= len(text.items)
    try:
        customers = customer_search(
            client, search=ticket_query.search, per_page=CUSTOMERS_PER_SITE, refresh=refresh
        )
    except errors.ForbiddenError:
        return SiteMatches(list(found.values()), [], complete, customers_refused=True)
    complete = complete and customers.total <= len(customers.items)
    names = []
    for customer in customers.items:
        # The list's own filters (status, agent, priority...) still apply to these tickets.
        by_customer = replace(ticket_query, search=f"customer_id:{customer.id}")
        page = ticket_list(
            client, query=by_customer, per_page=TICKETS_PER_CUSTOMER, refresh=refresh
        )
        complete = complete and page.total <= len(page.items)
        if page.items:
            names.append(customer.name)
        for ticket in page.items:
            found.setdefault(ticket.id, ticket)
    return SiteMatches(list(found.values()), names, complete)


def load_search(sites: list[Site], query: InboxQuery, *, cursor: str = "", refresh: bool = False):
    """The inbox page of a search, over one site or several, continued by cursor."""
    offsets = parse_cursor(cursor, sites)
    key: Callable = overdue_key(sites) if query.sort == OVERDUE else partial(row_key, query.sort)
    calls: dict = {}
    skipped = []
    for site in sites:
        ticket_query = query.for_site(site)
        if ticket_query is None:
            skipped.append(site)
            continue
        calls[site.pk] = partial(site_matches, client_for(site), ticket_query, refresh)
    if query.site_id and len(sites) == 1:
        # The filter dropdowns of a one-site list need the site's reference data.
        calls["essentials"] = partial(essentials_get, client_for(sites[0]))
    outcomes = run_parallel(calls)
    essentials_outcome = outcomes.pop("essentials", None)
    by_site = {site.pk: site for site in sites}
    failures = [Failure(by_site[pk], o.error) for pk, o in outcomes.items() if not o.ok]
    note = SearchNote(text=query.search)
    candidates, lengths = [], {}
    for site_id, outcome in outcomes.items():
        if not outcome.ok:
            continue
        matches: SiteMatches = outcome.value
        # The same person is a customer on several sites: named once.
        note.customers.extend(n for n in matches.customers if n not in note.customers)
        note.bounded = note.bounded or not matches.complete
        if matches.customers_refused:
            note.refused.append(by_site[site_id].label)
        rows = sorted((Row(by_site[site_id], t) for t in matches.tickets), key=key)
        lengths[site_id] = len(rows)
        offset = offsets.get(site_id, 0)
        candidates.append(rows[offset : offset + PER_PAGE])
    rows, next_cursor = merge_page(candidates, offsets, lengths, key)
    page = InboxPage(
        rows=rows,
        total=sum(lengths.values()),
        totals=lengths,
        failures=failures,
        next_cursor=next_cursor,
        skipped=skipped,
        essentials=essentials_outcome.value if essentials_outcome else None,
    )
    page.search = note
    return page


def status_counts(
    sites: list[Site], query: InboxQuery, *, refresh: bool = False
) -> dict[str, int | None]:
    """The status tabs' counts of a search, from the same matches the list shows (the plugin's
    own count would leave out every ticket found through its customer)."""
    calls = {}
    for site in sites:
        ticket_query = replace(query, status="all", sort="activity").for_site(site)
        if ticket_query is not None:
            calls[site.pk] = partial(site_matches, client_for(site), ticket_query, refresh)
    outcomes = run_parallel(calls)
    good = [o.value for o in outcomes.values() if o.ok]
    if calls and not good:
        return dict.fromkeys(("new", "active", "closed"))
    counts = dict.fromkeys(("new", "active", "closed"), 0)
    for matches in good:
        for ticket in matches.tickets:
            if ticket.status in counts:
                counts[ticket.status] += 1
    return counts
