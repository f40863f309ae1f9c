"""The inbox's business rules: one site's pages, several sites merged into one list (counts:
see counts.py).

Merging: every site sorts its own tickets (the plugin's ``order_by``); we fetch, per site, only
the slice that could appear next and merge the slices by the same sort key. A cursor records
how many tickets of each site have been shown, so "Load more" continues every site exactly
where it stopped: no ticket is shown twice or skipped, and no site is read further than needed.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from urllib.parse import urlencode

from django.utils import timezone

from dashboard.fluent import support
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.support import Ticket
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets import previews
from dashboard.tickets.links import thread_url
from dashboard.tickets.query import OVERDUE, PER_PAGE, WAITING, InboxQuery
from dashboard.tickets.search import SearchNote, load_search, searches_customers

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ts(moment: datetime | None) -> float:
    return (moment or _EPOCH).timestamp()


def sort_key(sort: str, ticket: Ticket) -> tuple:
    """The order each site's answer already has for ``sort`` (see support.SORTS)."""
    if sort in ("waiting", OVERDUE):
        # Ascending with NULLs first, as MySQL orders them.
        moment = ticket.last_customer_response
        return (moment is not None, _ts(moment))
    if sort == "newest":
        return (-_ts(ticket.created_at),)
    if sort == "oldest":
        return (_ts(ticket.created_at),)
    if sort == "priority":
        return (ticket.priority,)
    return (-_ts(ticket.updated_at),)


@dataclass
class Row:
    site: Site
    ticket: Ticket
    preview: previews.Preview | None = None  # the latest message, when not the opening one

    @property
    def key(self) -> str:
        return f"{self.site.pk}:{self.ticket.id}"


@dataclass
class Failure:
    site: Site
    error: UpstreamError


@dataclass
class InboxPage:
    rows: list[Row]
    total: int  # tickets matching the query, over all sites read
    totals: dict[int, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    # Single site: upstream page numbers. All sites: the cursor of the next slice, if any.
    page: int = 1
    last_page: int = 1
    next_cursor: str = ""
    skipped: list[Site] = field(default_factory=list)  # filter cannot match there
    essentials: support.Essentials | None = None  # one site's dropdown values
    search: SearchNote | None = None  # what a search looked at (see tickets/search.py)

    @property
    def previous(self) -> int:
        return max(self.page - 1, 1)

    @property
    def next(self) -> int:
        return min(self.page + 1, self.last_page)


def parse_cursor(raw: str, sites: list[Site]) -> dict[int, int]:
    """``"12:20,13:5"`` -> {12: 20, 13: 5}; anything malformed or foreign is ignored."""
    known = {site.pk for site in sites}
    offsets: dict[int, int] = {}
    for part in (raw or "").split(",")[:50]:
        site_id, _, offset = part.partition(":")
        if site_id.isdigit() and offset.isdigit() and int(site_id) in known:
            offsets[int(site_id)] = min(int(offset), 100_000)
    return offsets


def format_cursor(offsets: dict[int, int]) -> str:
    return ",".join(f"{site_id}:{offset}" for site_id, offset in sorted(offsets.items()))


def _row_key(sort: str, row: Row) -> tuple:
    return sort_key(sort, row.ticket)


def _merge_page(
    candidates: list[list[Row]],
    offsets: dict[int, int],
    lengths: dict[int, int],
    key: Callable[[Row], tuple],
) -> tuple[list[Row], str]:
    """Merge each site's next rows by ``key`` into one page and the cursor after it: each site
    advances by the rows it gave, so the next page starts exactly where this one stopped."""
    merged = heapq.merge(*candidates, key=key)
    rows = [row for row, _ in zip(merged, range(PER_PAGE), strict=False)]
    advanced = dict(offsets)
    for row in rows:
        advanced[row.site.pk] = advanced.get(row.site.pk, 0) + 1
    more = any(advanced.get(site_id, 0) < length for site_id, length in lengths.items())
    return rows, format_cursor(advanced) if more else ""


def load_single(site: Site, query: InboxQuery, *, refresh: bool = False) -> InboxPage:
    ticket_query = query.for_site(site)
    if ticket_query is None:
        return InboxPage(rows=[], total=0, skipped=[site])
    client = client_for(site)
    outcomes = run_parallel(
        {
            "page": partial(
                support.ticket_list,
                client,
                query=ticket_query,
                page=query.page,
                per_page=PER_PAGE,
                refresh=refresh,
            ),
            # The filter dropdowns need the site's agents, mailboxes, products and tags.
            "essentials": partial(support.essentials_get, client),
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
                support.ticket_list,
                client,
                query=ticket_query,
                page=number,
                per_page=PER_PAGE,
                refresh=refresh,
            )
    outcomes = run_parallel(calls)

    by_site = {site.pk: site for site in sites}
    candidates: dict[int, list[Row]] = {}
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
        for index, ticket in enumerate(page.items, start=start):
            if index >= offset and len(rows) < PER_PAGE:
                rows.append(Row(site, ticket))
    for site_id in failures:
        candidates.pop(site_id, None)
        totals.pop(site_id, None)

    key = partial(_row_key, query.sort)
    rows, next_cursor = _merge_page(list(candidates.values()), offsets, totals, key)
    return InboxPage(
        rows=rows,
        total=sum(totals.values()),
        totals=totals,
        failures=list(failures.values()),
        next_cursor=next_cursor,
        skipped=skipped,
    )


def load(
    sites: list[Site], query: InboxQuery, *, cursor: str = "", refresh: bool = False
) -> InboxPage:
    """The page of the inbox ``query`` asks for, over the user's ``sites`` (a refused site's
    tickets are left out), with each row's latest message."""
    page = _load_rows(sites, query, cursor=cursor, refresh=refresh)
    previews.attach(page.rows)
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
    key = _overdue_key(sites) if query.sort == OVERDUE else _waiting_first_key
    calls, skipped = {}, []
    for site in sites:
        ticket_query = query.for_site(site)
        if ticket_query is None:
            skipped.append(site)
            continue
        calls[site.pk] = partial(
            support.ticket_list_whole, client_for(site), query=ticket_query, refresh=refresh
        )
    essentials = None
    if query.site_id and calls:
        # One site's list keeps its filter dropdowns whatever the sort.
        calls["essentials"] = partial(support.essentials_get, client_for(sites[0]))
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
    rows, next_cursor = _merge_page(candidates, offsets, lengths, key)
    return InboxPage(
        rows=rows,
        total=sum(totals.values()),
        totals=totals,
        failures=failures,
        next_cursor=next_cursor,
        skipped=skipped,
        essentials=essentials,
    )


def _waiting_first_key(row: Row) -> tuple:
    """Tickets waiting for an agent first, the longest wait (as each row shows it) first; then
    the others in the order the site gave them (last customer message, oldest first)."""
    since = row.ticket.customer_waiting_since
    if since is not None:
        return (False, since.timestamp())
    return (True, *sort_key("waiting", row.ticket))


def _overdue_key(sites: list[Site]) -> Callable[[Row], tuple]:
    from dashboard.workflow import services as workflow

    policies = workflow.policies_for_sites(sites)
    now = timezone.now()
    return lambda row: workflow.overdue_first_key(row.site, row.ticket, policies, now)


# Previous / next ticket of the list an agent came from.


def from_list(query: InboxQuery) -> str:
    """The query string by which a thread link names its list."""
    params = query.params()
    return f"?{urlencode({'from': urlencode(params)})}" if params else ""


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
    previous = keys[index - 1] if index > 0 else None
    following = keys[index + 1] if index + 1 < len(keys) else None
    from_qs = urlencode(query.params())
    return (
        thread_url(*previous, from_qs) if previous else None,
        thread_url(*following, from_qs) if following else None,
    )
