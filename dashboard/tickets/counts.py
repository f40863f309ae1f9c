"""Counts for the inbox's status tabs and sidebar, over the user's sites, loaded lazily after
the list has shown.

The plugin has no count route: every count is a one-row list read, about six per site. Over
many sites (an agency's thirty) that is too much for every visit, so past ``EAGER_SITES`` the
all-sites inbox counts only what the list it shows has already read (each site's first page
carries its total, a cache hit right after the list): the current tab and, on the plain open
list, every site's open count. The other counts are read when the agent asks ("Count all").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

from dashboard.fluent import tickets as fluent_tickets
from dashboard.fluent.parallel import run_parallel
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets.query import OVERDUE, PER_PAGE, WAITING, InboxQuery
from dashboard.tickets.search import searches_customers
from dashboard.tickets.search import status_counts as search_status_counts

COUNTED_STATUSES = ("new", "active", "closed")
# Sites whose counts are all read on every visit of the all-sites inbox; past this, only what
# the list read is counted and the rest waits for "Count all".
EAGER_SITES = 8
# Per_page of the first list page each site's list read (see listing.py).
WHOLE_LIST_PAGE = 100


@dataclass
class Counts:
    by_status: dict[str, int | None]
    mine: int | None
    unassigned: int | None
    waiting: int | None
    per_site: dict[int, int | None]
    # Read from the list's own pages only: None then means "not counted", not "failed".
    bounded: bool = False
    sites_counted: int = 0

    @property
    def all_open(self) -> int | None:
        """Open tickets of every site, whatever the list shows (the "All sites" view's count)."""
        known = [count for count in self.per_site.values() if count is not None]
        return sum(known) if known else None


def from_list_only(all_sites: list[Site], query: InboxQuery, *, everything: bool = False) -> bool:
    """Whether this visit's counts cost no call: over more than ``EAGER_SITES`` sites, all
    sites, unless the agent asked for every count."""
    sites = [site for site in all_sites if not site.needs_reconnect]
    return not query.site_id and len(sites) > EAGER_SITES and not everything


def load_counts(all_sites: list[Site], query: InboxQuery, *, everything: bool = False) -> Counts:
    """Tab and sidebar counts for ``query`` over the user's sites; over more than
    ``EAGER_SITES`` sites, only those the list already read unless ``everything``."""
    sites = [site for site in all_sites if not site.needs_reconnect]
    if from_list_only(all_sites, query, everything=everything):
        return counts_from_list(all_sites, sites, query)
    scoped = [site for site in sites if not query.site_id or site.pk == query.site_id]
    calls = {}
    for site in sites:
        client = client_for(site)
        if site in scoped and not searches_customers(query):
            for status in COUNTED_STATUSES:
                ticket_query = replace(query, status=status).for_site(site)
                if ticket_query is not None:
                    calls[(site.pk, status)] = partial(
                        fluent_tickets.ticket_count, client, query=ticket_query
                    )
        # A site's open count is its new + active tab counts when those are unfiltered.
        derived_open = site in scoped and not query.is_filtered
        views = {
            **({} if derived_open else {"open": InboxQuery()}),
            "mine": InboxQuery(agent="me"),
            "unassigned": InboxQuery(agent="unassigned"),
            "waiting": InboxQuery(waiting=True),
        }
        for name, view in views.items():
            ticket_query = view.for_site(site)
            if ticket_query is not None:
                calls[(site.pk, name)] = partial(
                    fluent_tickets.ticket_count, client, query=ticket_query
                )
    outcomes = run_parallel(calls)

    def total(name: str, among: list[Site]) -> int | None:
        values = [outcomes[(s.pk, name)] for s in among if (s.pk, name) in outcomes]
        good = [o.value for o in values if o.ok]
        return sum(good) if good else (0 if not values else None)

    by_status = {status: total(status, scoped) for status in COUNTED_STATUSES}
    if searches_customers(query):
        by_status.update(search_status_counts(scoped, query))
    if by_status["new"] is not None and by_status["active"] is not None:
        by_status["open"] = by_status["new"] + by_status["active"]
    else:
        by_status["open"] = None
    known = [by_status[s] for s in COUNTED_STATUSES]
    by_status["all"] = sum(known) if all(v is not None for v in known) else None
    per_site: dict[int, int | None] = {}
    # Every site gets a figure or "!", including one found refused while this page was loading.
    for site in all_sites:
        parts = [outcomes.get((site.pk, "open"))]
        if parts[0] is None:
            parts = [outcomes.get((site.pk, "new")), outcomes.get((site.pk, "active"))]
        good = all(part is not None and part.ok for part in parts)
        per_site[site.pk] = sum(part.value for part in parts) if good else None
    return Counts(
        by_status=by_status,
        mine=total("mine", sites),
        unassigned=total("unassigned", sites),
        waiting=total("waiting", sites),
        per_site=per_site,
    )


def counts_from_list(all_sites: list[Site], sites: list[Site], query: InboxQuery) -> Counts:
    """The counts the all-sites list has already read: the total of each site's first page
    (the same call as the list's, so a cache hit)."""
    per_page = WHOLE_LIST_PAGE if query.sort in (OVERDUE, WAITING) else PER_PAGE
    calls = {}
    if not searches_customers(query):
        for site in sites:
            ticket_query = query.for_site(site)
            if ticket_query is not None:
                calls[site.pk] = partial(
                    fluent_tickets.ticket_list,
                    client_for(site),
                    query=ticket_query,
                    per_page=per_page,
                )
    outcomes = run_parallel(calls)
    good = [o.value.total for o in outcomes.values() if o.ok]
    shown = sum(good) if good else None
    plain_open = query.status == "open" and not query.is_filtered
    by_status: dict[str, int | None] = dict.fromkeys((*COUNTED_STATUSES, "open", "all"))
    if query.status in by_status and not query.is_filtered:
        by_status[query.status] = shown
    per_site: dict[int, int | None] = {}
    for site in all_sites:
        outcome = outcomes.get(site.pk)
        per_site[site.pk] = outcome.value.total if plain_open and outcome and outcome.ok else None
    only = {"mine": query.agent == "me", "unassigned": query.agent == "unassigned"}
    alone = query.status == "open" and not (query.priority or query.mailbox_id or query.search)
    alone = alone and not (query.product_id or query.tag_id)
    return Counts(
        by_status=by_status,
        mine=shown if alone and only["mine"] and not query.waiting else None,
        unassigned=shown if alone and only["unassigned"] and not query.waiting else None,
        waiting=shown if alone and query.waiting and not query.agent else None,
        per_site=per_site,
        bounded=True,
        sites_counted=len(sites),
    )
