"""The waiting list of a site, read oldest first only as far as the queues page needs: its
total, the waiting-time buckets and the longest waits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dashboard.fluent.client import FluentClient
from dashboard.fluent.models import Ticket
from dashboard.fluent.tickets import TicketQuery, ticket_list

LONGEST = 10
# The waiting list is read in pages of this size, at most MAX_PAGES of them: past that the
# smaller buckets are shown as lower bounds ("100+") rather than reading a huge backlog. One
# page keeps a site's queue figures at the same calls and time however large it grows.
PAGE_SIZE = 100
MAX_PAGES = 1


def waiting_start(ticket: Ticket) -> datetime | None:
    """When the customer started waiting: their last message (the plugin's sort column)."""
    return ticket.last_customer_response or ticket.created_at


@dataclass
class WaitingScan:
    total: int
    oldest_first: list[Ticket]  # up to LONGEST, oldest first
    buckets: list[int]  # per threshold, in the order of ``thresholds``
    complete: list[bool]  # False where the count is a lower bound
    # Each assigned agent's oldest waiting ticket, among the ``scanned`` oldest of the list.
    oldest_by_agent: dict[int, Ticket] = field(default_factory=dict)
    scanned: int = 0


def waiting_scan(
    client: FluentClient,
    *,
    query: TicketQuery,
    now: datetime,
    thresholds: list[int],
    refresh: bool = False,
) -> WaitingScan:
    """Read the waiting list oldest first, only as far as the buckets and the top list need."""
    limits = [now - timedelta(hours=hours) for hours in thresholds]
    newest_limit = max(limits) if limits else now
    counts = [0] * len(limits)
    oldest_first: list[Ticket] = []
    by_agent: dict[int, Ticket] = {}
    number, total, scanned, reached_young = 1, 0, 0, False
    while True:
        page = ticket_list(client, query=query, page=number, per_page=PAGE_SIZE, refresh=refresh)
        total = page.total if number == 1 else total
        for ticket in page.items:
            scanned += 1
            start = waiting_start(ticket)
            if ticket.agent_id is not None:
                by_agent.setdefault(ticket.agent_id, ticket)
            if len(oldest_first) < LONGEST:
                oldest_first.append(ticket)
            if start is not None and start > newest_limit:
                # Sorted oldest first: every later ticket is younger still.
                reached_young = True
                continue
            for index, limit in enumerate(limits):
                if start is None or start <= limit:
                    counts[index] += 1
        read_all = not page.has_next or not page.items
        if read_all or (reached_young and len(oldest_first) >= LONGEST) or number >= MAX_PAGES:
            break
        number += 1
    # A bucket whose count is below the tickets read has met its boundary: it is exact even
    # when the reading stopped early.
    complete = [read_all or reached_young or count < scanned for count in counts]
    return WaitingScan(
        total=total,
        oldest_first=oldest_first,
        buckets=counts,
        complete=complete,
        oldest_by_agent=by_agent,
        scanned=scanned,
    )
