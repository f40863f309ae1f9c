"""What the reports page asks each site, and the bounded ticket read behind the times.

Per site, after the reference data (agents, mailboxes, products; cached ten minutes) that turns
the page's filters into the site's own ids, all in one parallel batch with the other sites':

- tickets opened and closed per day: ``reports/tickets-growth`` and
  ``reports/tickets-resolve-growth`` (both take agent, mailbox and product), from the first
  day shown (or of the previous period, when comparing) to today, so the backlog can be walked
  back from today's open count; one call per 62 days;
- agent replies per day: ``reports/response-growth`` (takes only an agent);
- busiest hours: ``reports/day-time-stats`` (tickets opened, or the agent's replies);
- replies per agent: ``reports/agents-summary`` with ``from``/``to``;
- open tickets now: a one-row page of ``/tickets`` with the same filters;
- first-response and resolution times: no report gives them per day or per agent, so they come
  from the tickets opened in the period, newest first, 100 a page, at most ``TIME_PAGES``
  pages (the plugin stores ``first_response_time`` and ``total_close_time`` on each ticket).

Cost for a 30-day range: 1 reference + 3 growth + 1 grid + 1 summary + 1 count + up to 3 ticket
pages = at most 10 calls (13 comparing; a 90-day range reads its series in two windows: 13, or
19 comparing). Every answer is cached (reports 60 s, lists 30 s).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from dashboard.fluent.client import FluentClient
from dashboard.fluent.models import Essentials, Ticket
from dashboard.fluent.report_charts import report_day_time, report_growth
from dashboard.fluent.reports import report_agents_summary
from dashboard.fluent.tickets import TicketQuery, ticket_count, ticket_list
from dashboard.reports.query import ReportQuery
from dashboard.sites.models import Site
from dashboard.tickets import people

TIME_PAGES = 3
PER_PAGE = 100


def agent_matches(site: Site, agent, wanted: str) -> bool:
    """Whether ``agent`` of ``site`` is the person the filter names: by their key (one person
    per email across sites, as in the inbox), or by name from links made before keys."""
    if people.is_person_key(wanted):
        return people.agent_key(site, agent) == wanted
    return agent.name.casefold() == wanted.casefold()


@dataclass
class SiteFilters:
    """The page's filters in one site's own ids; ``absent`` names a filter the site lacks
    (that site then adds nothing to the figures)."""

    agent_id: int | None = None
    mailbox_id: int | None = None
    product_id: int | None = None
    absent: list[str] = field(default_factory=list)

    def as_params(self) -> dict[str, int]:
        return {
            name: value
            for name, value in (
                ("agent_id", self.agent_id),
                ("mailbox_id", self.mailbox_id),
                ("product_id", self.product_id),
            )
            if value
        }


def site_filters(site: Site, essentials: Essentials, query: ReportQuery) -> SiteFilters:
    found = SiteFilters()
    if query.agent:
        agent = next((a for a in essentials.agents if agent_matches(site, a, query.agent)), None)
        found.agent_id = agent.id if agent else None
        if agent is None:
            found.absent.append("agent")
    if query.mailbox:
        box = next((m for m in essentials.mailboxes if m.name == query.mailbox), None)
        found.mailbox_id = box.id if box else None
        if box is None:
            found.absent.append("mailbox")
    if query.product:
        product = next((p for p in essentials.products if p.title == query.product), None)
        found.product_id = product.id if product else None
        if product is None:
            found.absent.append("product")
    return found


@dataclass
class RecentTickets:
    tickets: list[Ticket]
    complete: bool  # False when the bound was reached before the first day asked for


def recent_tickets(
    client: FluentClient, *, filters: SiteFilters, since: date, zone, refresh: bool = False
) -> RecentTickets:
    """Tickets opened since ``since`` (site-local day), newest first, at most TIME_PAGES
    pages: enough for the times of a typical team, and said on the page when it is not."""
    query = TicketQuery(
        status_type="all",
        sort="newest",
        agent=str(filters.agent_id or ""),
        mailbox_id=filters.mailbox_id,
        product_id=filters.product_id,
    )
    found: list[Ticket] = []
    for number in range(1, TIME_PAGES + 1):
        page = ticket_list(client, query=query, page=number, per_page=PER_PAGE, refresh=refresh)
        for ticket in page.items:
            if ticket.created_at and ticket.created_at.astimezone(zone).date() < since:
                return RecentTickets(found, complete=True)
            found.append(ticket)
        if not page.has_next or not page.items:
            return RecentTickets(found, complete=True)
    return RecentTickets(found, complete=False)


def site_calls(
    site: Site,
    client: FluentClient,
    filters: SiteFilters,
    query: ReportQuery,
    *,
    today: date,
    zone,
    refresh: bool,
) -> dict[tuple[int, str], Any]:
    """Every call one site answers for the page, keyed (site id, what it is)."""
    first = query.previous[0] if query.compare else query.start
    params = filters.as_params()
    growth = partial(report_growth, client, end=today, filters=params, refresh=refresh)
    grid_type = "agent_response" if filters.agent_id else "ticket"
    calls = {
        "opened": partial(growth, series="opened", start=first),
        "closed": partial(growth, series="closed", start=first),
        "replies": partial(growth, series="replies", start=first),
        "grid": partial(
            report_day_time,
            client,
            start=query.start,
            end=query.end,
            report_type=grid_type,
            agent_id=filters.agent_id,
            refresh=refresh,
        ),
        "agents": partial(
            report_agents_summary, client, days=(query.start, query.end), refresh=refresh
        ),
        "open_now": partial(
            ticket_count,
            client,
            query=TicketQuery(
                status_type="open",
                agent=str(filters.agent_id or ""),
                mailbox_id=filters.mailbox_id,
                product_id=filters.product_id,
            ),
            refresh=refresh,
        ),
        "tickets": partial(
            recent_tickets, client, filters=filters, since=first, zone=zone, refresh=refresh
        ),
    }
    return {(site.pk, name): call for name, call in calls.items()}
