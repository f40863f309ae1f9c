"""The inbox's business rules: one site's pages, several sites merged into one list (counts:
see counts.py).

Merging: every site sorts its own tickets (the plugin's ``order_by``); we fetch, per site, only
the slice that could appear next and merge the slices by the same sort key. A cursor records
how many tickets of each site have been shown, so "Load more" continues every site exactly
where it stopped: no ticket is shown twice or skipped, and no site is read further than needed.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from dashboard.fluent.errors import BadReplyError
from dashboard.fluent.models import Ticket
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.reference import essentials_get
from dashboard.fluent.tickets import ListedTicket, ticket_list, ticket_list_rows, ticket_list_whole
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets import previews
from dashboard.tickets.links import thread_url
from dashboard.tickets.merging import (
    Failure,
    InboxPage,
    merge_page,
    overdue_key,
    parse_cursor,
    row_key,
    waiting_first_key,
)
from dashboard.tickets.query import OVERDUE, PER_PAGE, WAITING, InboxQuery
from dashboard.tickets.rows import Row
from dashboard.tickets.search import load_search, searches_customers


def load_single(site: Site, query: InboxQuery, *, refresh: bool = False) -> InboxPage:
    ticket_query = query.for_site(site)
    if ticket_query is None:
        return InboxPage(rows=[], total=0, skipped=[site])
    client = client_for(site)
    outcomes = run_parallel(
        {
            "page": partial(
                ticket_list,
                client,
                query=ticket_query,
                page=query.page,
                per_page=PER_PAGE,
                refresh=refresh,
            ),
            # The filter dropdowns need the site's agents, mailboxes, products and tags.
            "essentials": partial(essentials_get, client),
        }
    )
    outcome, essentials = outcomes["page"], outcomes["essentials"].value
    if not outcome.ok:
        return InboxPage(
            rows=[], total=0, failures=[Failure(site, outcome.error)], essentials=essentials
        )
    page = outcome.value
    return InboxPage(
        essentials=essentials,
        rows=[Row(site, ticket) for ticket in page.items],
        total=page.total,
        totals={site.pk: page.total},
        page=page.page,
        last_page=max(page.last_page, 1),
    )


def load_merged(
    sites: list[Site],
    query: InboxQuery,
    *,
    cursor: str = "",
    refresh: bool = False,
) -> InboxPage:
    offsets = parse_cursor(cursor, sites)
    calls = {}
    skipped = []
    for site in sites:
        ticket_query = query.for_site(site)
        if ticket_query is None:
            skipped.append(site)
            continue
        client = client_for(site)
        offset = offsets.get(site.pk, 0)
        first = offset // PER_PAGE + 1
        pages = [first] if offset % PER_PAGE == 0 else [first, first + 1]
        for number in pages:
            calls[(site.pk, number)] = partial(
                ticket_list_rows,
                client,
                query=ticket_query,
                page=number,
                per_page=PER_PAGE,
                refresh=refresh,
            )
    outcomes = run_parallel(calls)

    by_site = {site.pk: site for site in sites}
    candidates: dict[int, list[_ListedRow]] = {}
    totals: dict[int, int] = {}
    failures: dict[int, Failure] = {}
    for (site_id, number), outcome in sorted(outcomes.items()):
        site = by_site[site_id]
        if not outcome.ok:
            failures.setdefault(site_id, Failure(site, outcome.error))
            continue
        page = outcome.value
        totals[site_id] = page.total
        start = (number - 1) * PER_PAGE
        offset = offsets.get(site_id, 0)
        rows = candidates.setdefault(site_id, [])
        for index, listed in enumerate(page.items, start=start):
            if index >= offset and len(rows) < PER_PAGE:
                rows.append(_ListedRow(site, listed))
    for site_id in failures:
        candidates.pop(site_id, None)
        totals.pop(site_id, None)

    key = partial(row_key, query.sort)
    try:
        # Only the rows the merge compares are read into tickets: about a page and one more
        # per site, not every site's whole slice.
        listed, next_cursor = merge_page(list(candidates.values()), offsets, totals, key)
    except BadReplyError:
        # A row that does not fit: read every row now, leave out the sites whose rows fail.
        for site_id, site_rows in list(candidates.items()):
            try:
                for row in site_rows:
                    row.ticket  # noqa: B018 (reads the row)
            except BadReplyError as error:
                failures[site_id] = Failure(by_site[site_id], error)
                candidates.pop(site_id)
                totals.pop(site_id, None)
        listed, next_cursor = merge_page(list(candidates.values()), offsets, totals, key)
    rows = [Row(row.site, row.ticket) for row in listed]
    return InboxPage(
        rows=rows,
        total=sum(totals.values()),
        totals=totals,
        failures=list(failures.values()),
        next_cursor=next_cursor,
        skipped=skipped,
    )


class _ListedRow:
    """A merge candidate: a site and a listed ticket, read only when the merge compares it."""

    __slots__ = ("listed", "site")

    def __init__(self, site: Site, listed: ListedTicket) -> None:
        self.site = site
        self.listed = listed

    @property
    def ticket(self) -> Ticket:
        return self.listed.ticket


def load(
    sites: list[Site], query: InboxQuery, *, cursor: str = "", refresh: bool = False
) -> InboxPage:
    """The page of the inbox ``query`` asks for, over the user's ``sites`` (a refused site's
    tickets are left out), with each row's latest message."""
    page = _load_rows(sites, query, cursor=cursor, refresh=refresh)
    previews.attach(page.rows)
    return page


# How far "Load more" may be restored from a URL (``shown=``): a bound on the slices read.
MAX_SHOWN = 300


def load_shown(
    sites: list[Site], query: InboxQuery, *, shown: int, refresh: bool = False
) -> InboxPage:
    """The list as the agent left it after "Load more": its slices, from the first, until
    ``shown`` tickets are listed (or the list ends), so Back shows the same rows."""
    page = load(sites, query, refresh=refresh)
    while page.next_cursor and len(page.rows) < min(shown, MAX_SHOWN):
        more = load(sites, query, cursor=page.next_cursor, refresh=refresh)
        if not more.rows:
            break
        page.rows += more.rows
        page.next_cursor = more.next_cursor
        page.failures += [f for f in more.failures if f.site not in {g.site for g in page.failures}]
    return page


def _load_rows(
    sites: list[Site], query: InboxQuery, *, cursor: str = "", refresh: bool = False
) -> InboxPage:
    sites = [site for site in sites if not site.needs_reconnect]
    if query.site_id:
        sites = [site for site in sites if site.pk == query.site_id]
        if not sites:
            return InboxPage(rows=[], total=0)
    if searches_customers(query):
        return load_search(sites, query, cursor=cursor, refresh=refresh)
    if query.sort in (OVERDUE, WAITING):
        return load_overdue(sites, query, cursor=cursor, refresh=refresh)
    if query.site_id:
        return load_single(sites[0], query, refresh=refresh)
    return load_merged(sites, query, cursor=cursor, refresh=refresh)


# "Overdue first" and "Oldest waiting" are computed here, so no site can sort by them: the due
# time comes from each ticket's own times and the site's SLA targets, and "waiting" depends on
# which of the customer and the agent wrote last (the plugin's last_customer_response order puts
# a ticket the agent answered long ago before one whose customer waits since yesterday). Each
# site's list for the tab and filters is read whole (bounded, cached like every list) and sorted
# here; the cursor then works as for any merge. Both are orders, not filters: the tabs and their
# counts stay those of the status chosen.
def load_overdue(
    sites: list[Site], query: InboxQuery, *, cursor: str = "", refresh: bool = False
) -> InboxPage:
    offsets = parse_cursor(cursor, sites)
    key = overdue_key(sites) if query.sort == OVERDUE else waiting_first_key
    calls, skipped = {}, []
    for site in sites:
        ticket_query = query.for_site(site)
        if ticket_query is None:
            skipped.append(site)
            continue
        calls[site.pk] = partial(
            ticket_list_whole, client_for(site), query=ticket_query, refresh=refresh
        )
    essentials = None
    if query.site_id and calls:
        # One site's list keeps its filter dropdowns whatever the sort.
        calls["essentials"] = partial(essentials_get, client_for(sites[0]))
    outcomes = run_parallel(calls)
    if "essentials" in outcomes:
        essentials = outcomes.pop("essentials").value
    by_site = {site.pk: site for site in sites}
    failures = [Failure(by_site[pk], o.error) for pk, o in outcomes.items() if not o.ok]
    candidates, totals, lengths = [], {}, {}
    for site_id, outcome in outcomes.items():
        if not outcome.ok:
            continue
        totals[site_id] = outcome.value.total
        rows = sorted((Row(by_site[site_id], t) for t in outcome.value.tickets), key=key)
        lengths[site_id] = len(rows)
        offset = offsets.get(site_id, 0)
        candidates.append(rows[offset : offset + PER_PAGE])
    rows, next_cursor = merge_page(candidates, offsets, lengths, key)
    return InboxPage(
        rows=rows,
        total=sum(totals.values()),
        totals=totals,
        failures=failures,
        next_cursor=next_cursor,
        skipped=skipped,
        essentials=essentials,
    )


# Previous / next ticket of the list an agent came from.


def neighbours(
    sites: list[Site], query: InboxQuery, site_id: int, ticket_id: int, *, refresh: bool = False
) -> tuple[str | None, str | None]:
    """Thread URLs of the tickets before and after this one in the agent's list (its page)."""
    page = load(sites, query, refresh=refresh)
    keys = [(row.site.pk, row.ticket.id) for row in page.rows]
    try:
        index = keys.index((site_id, ticket_id))
    except ValueError:
        return None, None
    rows = page.rows
    previous = rows[index - 1] if index > 0 else None
    following = rows[index + 1] if index + 1 < len(rows) else None
    from_qs = urlencode(query.params())
    return (
        thread_url(previous.site, previous.ticket.id, from_qs) if previous else None,
        thread_url(following.site, following.ticket.id, from_qs) if following else None,
    )
