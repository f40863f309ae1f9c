"""The team lead's figures: where work piles up and who waits longest, over every site.

Where each figure comes from, per site. All of a site's calls run in one ``run_parallel``
with every other site's, after the reference data (agents, mailboxes, products: one call per
site, cached for ten minutes) that says which calls to make:

- open, new and unassigned: ``ticket_count`` (a one-row page's total) of the very query the
  inbox runs for the linked URL, so the inbox shows the same count by construction;
- waiting, the oldest waiting ticket, the waiting-time buckets and the candidates for the
  longest-waiting list: the waiting list sorted oldest first, read 100 a page only until the
  first ticket younger than the smallest threshold (usually one page, whose first rows are
  also the site's ten longest waits). The plugin has no filter by waiting time, but in that
  order every bucket is the first N rows of the list;
- per agent: an open count and a one-row waiting page (its total, and its row is the oldest);
- per mailbox and product: an open count;
- closed today: the report summaries, which count the site's own day. ``/reports`` and
  ``/reports/stats`` only give all-time totals and ``my_stats`` only the caller's own, while
  the mailbox summary counts every ticket closed today whoever closed it (each ticket has a
  mailbox in Fluent Support) and the agent and product summaries split the same figure. They
  need the "view all reports" capability; without it these cells say why they are empty.

Cost for a site with A agents, M mailboxes and P products: 4 + 2A + M + P counts and lists
plus 3 reports (plus the reference data when its cache has expired), e.g. 23 for a site with
4 agents, 3 mailboxes and 5 products. They are all small and run in parallel; lists are cached
for 30 s and reports for 60 s, so the page's refresh every minute reads each of them once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from dashboard.fluent import support
from dashboard.fluent.client import FluentClient
from dashboard.fluent.errors import ForbiddenError, UpstreamError
from dashboard.fluent.parallel import Outcome, run_parallel
from dashboard.fluent.support import Agent, Essentials, Ticket, TicketQuery
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets.links import thread_url
from dashboard.tickets.query import InboxQuery

REPORTS_PERMISSION = "fst_view_all_reports"
OTHERS_PERMISSION = "fst_manage_other_tickets"
LONGEST = 10
# The waiting list is read in pages of this size, at most MAX_PAGES of them: past that the
# smaller buckets are shown as lower bounds ("1000+") rather than reading a huge backlog.
PAGE_SIZE = 100
MAX_PAGES = 10

REPORTS_DENIED = (
    "Fluent Support's report of tickets closed today needs the “View All Reports” "
    "permission, which your WordPress user on this site does not have."
)
CLOSED_LINK_HINT = (
    "The inbox cannot filter by closing day: the link lists the closed tickets, latest "
    "activity first, those closed today among the first."
)


@dataclass
class Figure:
    """One number on the page and the inbox URL that lists exactly those tickets."""

    value: int | None
    url: str = ""
    hint: str = ""  # what the number counts, or why it is missing
    at_least: bool = False  # a lower bound: the backlog was not read to its end

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass
class Oldest:
    """The longest-waiting ticket of a row: since when, and a link to its thread."""

    since: datetime
    url: str
    title: str = ""


@dataclass
class SiteRow:
    site: Site | None  # None for the total row
    open: Figure
    new: Figure
    unassigned: Figure
    waiting: Figure
    buckets: list[Figure]
    closed_today: Figure
    oldest: Oldest | None = None
    error: UpstreamError | None = None  # the site did not answer at all
    problems: list[str] = field(default_factory=list)  # some of its figures are missing
    limited: bool = False  # the user only sees own and unassigned tickets there
    reports_denied: bool = False
    counted_sites: int = 0  # total row: sites whose figures are summed
    of_sites: int = 0


@dataclass
class AgentRow:
    site: Site
    agent: Agent
    open: Figure
    waiting: Figure
    closed_today: Figure
    oldest: Oldest | None = None


@dataclass
class GroupRow:
    """A mailbox or a product of one site."""

    site: Site
    id: int
    name: str
    open: Figure
    closed_today: Figure


@dataclass
class LongWait:
    site: Site
    ticket: Ticket
    since: datetime
    url: str


@dataclass
class Overview:
    generated_at: datetime
    thresholds: list[int]
    sites: list[SiteRow]
    total: SiteRow | None
    agents: list[AgentRow]
    mailboxes: list[GroupRow]
    products: list[GroupRow]
    longest: list[LongWait]
    reconnect: list[Site]

    @property
    def groups(self) -> list[tuple[str, list[GroupRow], str]]:
        """The mailbox and product breakdowns, which share one table layout."""
        return [
            ("By mailbox", self.mailboxes, "mailbox"),
            ("By product", self.products, "product"),
        ]


# Reading the waiting list


def waiting_start(ticket: Ticket) -> datetime | None:
    """When the customer started waiting: their last message (the plugin's sort column)."""
    return ticket.last_customer_response or ticket.created_at


@dataclass
class WaitingScan:
    total: int
    oldest_first: list[Ticket]  # up to LONGEST, oldest first
    buckets: list[int]  # per threshold, in the order of ``thresholds``
    complete: list[bool]  # False where the count is a lower bound


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
    number, total, scanned, reached_young = 1, 0, 0, False
    while True:
        page = support.ticket_list(
            client, query=query, page=number, per_page=PAGE_SIZE, refresh=refresh
        )
        total = page.total if number == 1 else total
        for ticket in page.items:
            scanned += 1
            start = waiting_start(ticket)
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
    return WaitingScan(total=total, oldest_first=oldest_first, buckets=counts, complete=complete)


# Links


def inbox_url(**params: Any) -> str:
    return InboxQuery(**params).url(reverse("tickets:inbox"))


def _oldest(site: Site, ticket: Ticket | None) -> Oldest | None:
    since = waiting_start(ticket) if ticket else None
    if ticket is None or since is None:
        return None
    return Oldest(since=since, url=thread_url(site.pk, ticket.id), title=ticket.title)


# Loading


@dataclass
class _Plan:
    """One site's calls, keyed so their outcomes can be read back."""

    site: Site
    essentials: Essentials
    agents: list[Agent]
    reports: bool
    calls: dict[tuple, Callable[[], Any]] = field(default_factory=dict)


def _count(client: FluentClient, site: Site, inbox: InboxQuery, refresh: bool) -> Callable[[], int]:
    return partial(support.ticket_count, client, query=inbox.for_site(site), refresh=refresh)


def _plan(
    site: Site,
    client: FluentClient,
    essentials: Essentials,
    *,
    now: datetime,
    hours: list[int],
    refresh: bool,
) -> _Plan:
    limited = not site.can(OTHERS_PERMISSION)
    agents = essentials.agents
    if limited:
        # Other agents' tickets are hidden from this user: their rows would read 0.
        agents = [a for a in agents if a.id == site.agent_person_id]
    plan = _Plan(site, essentials, agents, reports=site.can(REPORTS_PERMISSION))
    pk = site.pk
    calls = plan.calls
    calls[(pk, "open")] = _count(client, site, InboxQuery(site_id=pk), refresh)
    calls[(pk, "new")] = _count(client, site, InboxQuery(site_id=pk, status="new"), refresh)
    calls[(pk, "unassigned")] = _count(
        client, site, InboxQuery(site_id=pk, agent="unassigned"), refresh
    )
    calls[(pk, "waiting")] = partial(
        waiting_scan,
        client,
        query=InboxQuery(site_id=pk, waiting=True, sort="waiting").for_site(site),
        now=now,
        thresholds=hours,
        refresh=refresh,
    )
    for agent in agents:
        calls[(pk, "agent_open", agent.id)] = _count(
            client, site, InboxQuery(site_id=pk, agent=str(agent.id)), refresh
        )
        waiting = InboxQuery(site_id=pk, agent=str(agent.id), waiting=True, sort="waiting")
        calls[(pk, "agent_waiting", agent.id)] = partial(
            support.ticket_list, client, query=waiting.for_site(site), per_page=1, refresh=refresh
        )
    for mailbox in essentials.mailboxes:
        calls[(pk, "mailbox_open", mailbox.id)] = _count(
            client, site, InboxQuery(site_id=pk, mailbox_id=mailbox.id), refresh
        )
    for product in essentials.products:
        calls[(pk, "product_open", product.id)] = _count(
            client, site, InboxQuery(site_id=pk, product_id=product.id), refresh
        )
    if plan.reports:
        calls[(pk, "report", "agents")] = partial(
            support.report_agents_summary, client, refresh=refresh
        )
        calls[(pk, "report", "mailboxes")] = partial(
            support.report_mailboxes_summary, client, refresh=refresh
        )
        calls[(pk, "report", "products")] = partial(
            support.report_products_summary, client, refresh=refresh
        )
    return plan


def thresholds() -> list[int]:
    return sorted({hours for hours in settings.WAITING_THRESHOLDS_HOURS if hours > 0})


def load_overview(sites: list[Site], *, refresh: bool = False) -> Overview:
    """Every figure of the queues page, for the user's sites; one failing site never hides
    the others."""
    now = timezone.now()
    hours = thresholds()
    reconnect = [site for site in sites if site.needs_reconnect]
    active = [site for site in sites if not site.needs_reconnect]
    # Clients are built (credentials decrypted) here, in the request thread.
    clients = {site.pk: client_for(site) for site in active}
    reference = run_parallel(
        {
            site.pk: partial(support.essentials_get, clients[site.pk], refresh=refresh)
            for site in active
        }
    )
    plans: list[_Plan] = []
    failed: dict[int, UpstreamError] = {}
    for site in active:
        outcome = reference[site.pk]
        if outcome.ok:
            plan = _plan(
                site, clients[site.pk], outcome.value, now=now, hours=hours, refresh=refresh
            )
            plans.append(plan)
        else:
            failed[site.pk] = outcome.error
    outcomes = run_parallel({key: call for plan in plans for key, call in plan.calls.items()})

    site_rows: list[SiteRow] = []
    agent_rows: list[AgentRow] = []
    mailbox_rows: list[GroupRow] = []
    product_rows: list[GroupRow] = []
    candidates: list[list[LongWait]] = []
    for site in active:
        plan = next((p for p in plans if p.site.pk == site.pk), None)
        if plan is None:
            site_rows.append(_failed_row(site, failed[site.pk], hours))
            continue
        reader = _Reader(plan, outcomes)
        row = reader.site_row(hours)
        site_rows.append(row)
        if row.error is not None:
            failed[site.pk] = row.error
            continue
        agent_rows.extend(reader.agent_rows())
        mailbox_rows.extend(reader.group_rows("mailbox"))
        product_rows.extend(reader.group_rows("product"))
        candidates.append(reader.long_waits())
    agent_rows.sort(key=_agent_order)
    mailbox_rows.sort(key=_group_order)
    product_rows.sort(key=_group_order)
    longest = sorted((w for waits in candidates for w in waits), key=lambda w: w.since)[:LONGEST]
    return Overview(
        generated_at=now,
        thresholds=hours,
        sites=site_rows,
        total=_total_row(site_rows, hours) if len(site_rows) > 1 else None,
        agents=agent_rows,
        mailboxes=mailbox_rows,
        products=product_rows,
        longest=longest,
        reconnect=reconnect,
    )


def _agent_order(row: AgentRow) -> tuple:
    since = row.oldest.since.timestamp() if row.oldest else float("inf")
    return (since, -(row.open.value or 0), row.agent.name.lower())


def _group_order(row: GroupRow) -> tuple:
    return (-(row.open.value or 0), row.name.lower(), row.site.label.lower())


def _bucket_hint(hours: int, count: int | None, site: Site | None) -> str:
    where = f"{site.label}'s" if site else "the"
    rows = f"first {count} rows" if count else "first rows"
    return (
        f"Waiting over {hours} h: the {rows} of {where} waiting list, oldest first "
        "(the inbox cannot filter by waiting time)."
    )


def _failed_row(site: Site, error: UpstreamError, hours: list[int]) -> SiteRow:
    empty = Figure(None)
    return SiteRow(
        site=site,
        open=empty,
        new=empty,
        unassigned=empty,
        waiting=empty,
        buckets=[empty for _ in hours],
        closed_today=empty,
        error=error,
    )


# Report summary each kind of row reads its "closed today" from.
SUMMARIES = {"site": "mailboxes", "agent": "agents", "mailbox": "mailboxes", "product": "products"}


class _Reader:
    """Turns one site's outcomes into rows."""

    def __init__(self, plan: _Plan, outcomes: dict[tuple, Outcome]) -> None:
        self.plan = plan
        self.site = plan.site
        self.outcomes = outcomes
        self.problems: list[str] = []
        self.reports_denied = not plan.reports
        # Closed today per agent, mailbox or product id; None where the report failed.
        self.summaries: dict[str, dict[int, int] | None] = {
            kind: self._summary(kind) for kind in ("agents", "mailboxes", "products")
        }

    def _value(self, *key: Any) -> Any:
        outcome = self.outcomes[(self.site.pk, *key)]
        if outcome.ok:
            return outcome.value
        if outcome.error.message not in self.problems:
            self.problems.append(outcome.error.message)
        return None

    def _summary(self, kind: str) -> dict[int, int] | None:
        if not self.plan.reports:
            return {}
        if isinstance(self.outcomes[(self.site.pk, "report", kind)].error, ForbiddenError):
            # The permissions stored at connection time were out of date: the site refuses
            # reports to this user. That is an explanation to give, not a failure.
            self.reports_denied = True
            return {}
        rows = self._value("report", kind)
        return None if rows is None else {row.id: row.stats.closed or 0 for row in rows}

    def _figure(self, key: tuple, url: str) -> Figure:
        return Figure(self._value(*key), url=url)

    def _closed(self, row_kind: str, group_id: int | None, url: str, hint: str = "") -> Figure:
        if self.reports_denied:
            return Figure(None, url=url, hint=REPORTS_DENIED)
        summary = self.summaries[SUMMARIES[row_kind]]
        if summary is None:
            return Figure(None, url=url, hint="The site's report did not answer.")
        hint = " ".join(filter(None, [hint, CLOSED_LINK_HINT]))
        if group_id is None:
            return Figure(sum(summary.values()), url=url, hint=hint)
        return Figure(summary.get(group_id, 0), url=url, hint=hint)

    def site_row(self, hours: list[int]) -> SiteRow:
        pk, site = self.site.pk, self.site
        waiting_url = inbox_url(site_id=pk, waiting=True, sort="waiting")
        open_ = self._figure(("open",), inbox_url(site_id=pk))
        scan: WaitingScan | None = self._value("waiting")
        row = SiteRow(
            site=site,
            open=open_,
            new=self._figure(("new",), inbox_url(site_id=pk, status="new")),
            unassigned=self._figure(("unassigned",), inbox_url(site_id=pk, agent="unassigned")),
            waiting=Figure(scan.total if scan else None, url=waiting_url),
            buckets=[
                Figure(
                    scan.buckets[index] if scan else None,
                    url=waiting_url,
                    hint=_bucket_hint(limit, scan.buckets[index] if scan else None, site),
                    at_least=bool(scan and not scan.complete[index]),
                )
                for index, limit in enumerate(hours)
            ],
            closed_today=self._closed("site", None, inbox_url(site_id=pk, status="closed")),
            oldest=_oldest(site, scan.oldest_first[0]) if scan and scan.oldest_first else None,
            limited=not site.can(OTHERS_PERMISSION),
            reports_denied=self.reports_denied,
            # The same list: problems met while reading the other rows are added to it.
            problems=self.problems,
        )
        if open_.missing and scan is None:
            # Neither the counts nor the waiting list answered: the site is down for us.
            row.error = self.outcomes[(pk, "open")].error
        return row

    def agent_rows(self) -> list[AgentRow]:
        pk, rows = self.site.pk, []
        for agent in self.plan.agents:
            agent_id = str(agent.id)
            waiting = self._value("agent_waiting", agent.id)
            rows.append(
                AgentRow(
                    site=self.site,
                    agent=agent,
                    open=self._figure(
                        ("agent_open", agent.id), inbox_url(site_id=pk, agent=agent_id)
                    ),
                    waiting=Figure(
                        waiting.total if waiting else None,
                        url=inbox_url(site_id=pk, agent=agent_id, waiting=True, sort="waiting"),
                    ),
                    closed_today=self._closed(
                        "agent",
                        agent.id,
                        inbox_url(site_id=pk, agent=agent_id, status="closed"),
                        hint="Closed by this agent today.",
                    ),
                    oldest=_oldest(
                        self.site, waiting.items[0] if waiting and waiting.items else None
                    ),
                )
            )
        return rows

    def group_rows(self, kind: str) -> list[GroupRow]:
        essentials = self.plan.essentials
        if kind == "mailbox":
            groups = [(m.id, m.name, {"mailbox_id": m.id}) for m in essentials.mailboxes]
        else:
            groups = [(p.id, p.title, {"product_id": p.id}) for p in essentials.products]
        pk = self.site.pk
        return [
            GroupRow(
                site=self.site,
                id=group_id,
                name=name or f"#{group_id}",
                open=self._figure((f"{kind}_open", group_id), inbox_url(site_id=pk, **params)),
                closed_today=self._closed(
                    kind, group_id, inbox_url(site_id=pk, status="closed", **params)
                ),
            )
            for group_id, name, params in groups
        ]

    def long_waits(self) -> list[LongWait]:
        outcome = self.outcomes[(self.site.pk, "waiting")]
        if not outcome.ok:
            return []
        waits = []
        for ticket in outcome.value.oldest_first:
            since = waiting_start(ticket)
            if since is not None:
                waits.append(
                    LongWait(self.site, ticket, since, thread_url(self.site.pk, ticket.id))
                )
        return waits


def _sum(figures: list[Figure]) -> int | None:
    values = [f.value for f in figures if f.value is not None]
    return sum(values) if values else None


def _total_row(rows: list[SiteRow], hours: list[int]) -> SiteRow:
    """All sites together; a site that did not answer is left out, and the row says so."""
    answered = [row for row in rows if row.error is None]
    of_sites = len(rows)
    partial_hint = (
        f"Sum over the {len(answered)} of {of_sites} sites that answered."
        if len(answered) < of_sites
        else ""
    )

    def total(name: str, url: str, hint: str = "") -> Figure:
        figures = [getattr(row, name) for row in answered]
        value = _sum(figures)
        missing = any(f.missing for f in figures)
        note = " ".join(filter(None, [hint, partial_hint])).strip()
        if missing and value is not None:
            note = (note + " Some sites could not give this figure.").strip()
        return Figure(value, url=url, hint=note)

    waiting_url = inbox_url(waiting=True, sort="waiting")
    buckets = []
    for index, limit in enumerate(hours):
        figures = [row.buckets[index] for row in answered]
        value = _sum(figures)
        buckets.append(
            Figure(
                value,
                url=waiting_url,
                hint=" ".join(filter(None, [_bucket_hint(limit, value, None), partial_hint])),
                at_least=any(f.at_least for f in figures),
            )
        )
    oldest = min(
        (row.oldest for row in answered if row.oldest), key=lambda o: o.since, default=None
    )
    return SiteRow(
        site=None,
        open=total("open", inbox_url()),
        new=total("new", inbox_url(status="new")),
        unassigned=total("unassigned", inbox_url(agent="unassigned")),
        waiting=total("waiting", waiting_url),
        buckets=buckets,
        closed_today=total("closed_today", inbox_url(status="closed"), CLOSED_LINK_HINT),
        oldest=oldest,
        counted_sites=len(answered),
        of_sites=of_sites,
    )
