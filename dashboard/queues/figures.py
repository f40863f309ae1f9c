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

from functools import partial

from django.conf import settings
from django.utils import timezone

from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.reference import essentials_get
from dashboard.queues.overview import (
    AgentRow,
    GroupRow,
    LongWait,
    Overview,
    SiteRow,
    SitesWindow,
)
from dashboard.queues.people import person_rows
from dashboard.queues.plan import Plan, plan_site
from dashboard.queues.reader import SiteReader, failed_row
from dashboard.queues.totals import total_row
from dashboard.queues.waiting import LONGEST
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets import people


def thresholds() -> list[int]:
    return sorted({hours for hours in settings.WAITING_THRESHOLDS_HOURS if hours > 0})


# Sites whose figures one view reads: an agency's thirty sites are shown eight at a time, so a
# view (refreshed every minute) costs a bounded number of calls whatever the number of sites.
SITES_PER_VIEW = 8


def load_overview(
    sites: list[Site], *, refresh: bool = False, start: int = 0, per_view: int | None = None
) -> Overview:
    """Every figure of the queues page, for the user's sites from ``start`` (at most
    ``SITES_PER_VIEW`` of them); one failing site never hides the others."""
    now = timezone.now()
    hours = thresholds()
    per_view = per_view or SITES_PER_VIEW
    start = max(0, min(start, max(len(sites) - 1, 0)))
    window = SitesWindow(
        start=start, shown=len(sites[start : start + per_view]), of=len(sites), per_view=per_view
    )
    sites = sites[start : start + per_view]
    reconnect = [site for site in sites if site.needs_reconnect]
    active = [site for site in sites if not site.needs_reconnect]
    # Clients are built (credentials decrypted) here, in the request thread.
    clients = {site.pk: client_for(site) for site in active}
    reference = run_parallel(
        {site.pk: partial(essentials_get, clients[site.pk], refresh=refresh) for site in active}
    )
    # One person per email across sites, from the agents just read: no further call.
    directory = people.load(
        active,
        known={pk: outcome.value.agents for pk, outcome in reference.items() if outcome.ok},
        read_missing=False,
    )
    plans: list[Plan] = []
    failed: dict[int, UpstreamError] = {}
    for site in active:
        outcome = reference[site.pk]
        if outcome.ok:
            directory.name(site.pk, outcome.value.agents)
            plan = plan_site(
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
            site_rows.append(failed_row(site, failed[site.pk], hours))
            continue
        reader = SiteReader(plan, outcomes)
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
    for waits in candidates:
        for wait in waits:
            directory.name(wait.site.pk, [wait.ticket.agent])
    mailbox_rows.sort(key=_group_order)
    product_rows.sort(key=_group_order)
    longest = sorted((w for waits in candidates for w in waits), key=lambda w: w.since)[:LONGEST]
    return Overview(
        generated_at=now,
        thresholds=hours,
        sites=site_rows,
        total=total_row(site_rows, hours) if len(site_rows) > 1 else None,
        agents=agent_rows,
        people=person_rows(agent_rows, directory),
        mailboxes=mailbox_rows,
        products=product_rows,
        longest=longest,
        reconnect=reconnect,
        window=window,
    )


def _agent_order(row: AgentRow) -> tuple:
    since = row.oldest.since.timestamp() if row.oldest else float("inf")
    return (since, -(row.open.value or 0), row.agent.name.lower())


def _group_order(row: GroupRow) -> tuple:
    return (-(row.open.value or 0), row.name.lower(), row.site.label.lower())
