"""An inbox page, and how the sorted slices of several sites merge into one: the sort keys
each site's answer already follows, and the cursor that says how far each site has been shown.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.models import Essentials, Ticket
from dashboard.sites.models import Site
from dashboard.tickets.query import OVERDUE, PER_PAGE
from dashboard.tickets.rows import Row

if TYPE_CHECKING:
    from dashboard.tickets.search import SearchNote

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _ts(moment: datetime | None) -> float:
    return (moment or _EPOCH).timestamp()


def sort_key(sort: str, ticket: Ticket) -> tuple:
    """The order each site's answer already has for ``sort`` (see SORTS)."""
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
    essentials: Essentials | None = None  # one site's dropdown values
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


def row_key(sort: str, row: Row) -> tuple:
    return sort_key(sort, row.ticket)


def merge_page(
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


def waiting_first_key(row: Row) -> tuple:
    """Tickets waiting for an agent first, the longest wait (as each row shows it) first; then
    the others in the order the site gave them (last customer message, oldest first)."""
    since = row.ticket.customer_waiting_since
    if since is not None:
        return (False, since.timestamp())
    return (True, *sort_key("waiting", row.ticket))


def overdue_key(sites: list[Site]) -> Callable[[Row], tuple]:
    from dashboard.workflow import services as workflow

    policies = workflow.policies_for_sites(sites)
    now = timezone.now()
    return lambda row: workflow.overdue_first_key(row.site, row.ticket, policies, now)
