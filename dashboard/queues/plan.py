"""Which calls one site's queue figures take, chosen from its reference data and the user's
permissions there, keyed so their outcomes can be read back (see ``reader``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from dashboard.fluent.client import FluentClient
from dashboard.fluent.models import Agent, Essentials
from dashboard.fluent.reports import (
    report_agents_summary,
    report_mailboxes_summary,
    report_products_summary,
)
from dashboard.fluent.tickets import ticket_count, ticket_list
from dashboard.queues.waiting import waiting_scan
from dashboard.sites.models import Site
from dashboard.tickets import people
from dashboard.tickets.query import InboxQuery

REPORTS_PERMISSION = "fst_view_all_reports"
OTHERS_PERMISSION = "fst_manage_other_tickets"
# What one view reads of a site, whatever its size: agents are counted by the agents report
# (one call for the whole team); without that report, at most this many agents are counted
# one by one. At most this many mailboxes and products are counted each.
AGENTS_COUNTED_ONE_BY_ONE = 10
GROUPS_COUNTED = 10


@dataclass
class Plan:
    """One site's calls, keyed so their outcomes can be read back."""

    site: Site
    essentials: Essentials
    agents: list[Agent]
    reports: bool
    calls: dict[tuple, Callable[[], Any]] = field(default_factory=dict)
    # Agents, mailboxes and products whose figures were asked for (the rest are listed,
    # uncounted, and the page says why).
    agents_counted: set[int] = field(default_factory=set)
    groups_counted: set[tuple[str, int]] = field(default_factory=set)


def _count(client: FluentClient, site: Site, inbox: InboxQuery, refresh: bool) -> Callable[[], int]:
    return partial(ticket_count, client, query=inbox.for_site(site), refresh=refresh)


def plan_site(
    site: Site,
    client: FluentClient,
    essentials: Essentials,
    *,
    now: datetime,
    hours: list[int],
    refresh: bool,
) -> Plan:
    limited = not site.can(OTHERS_PERMISSION)
    agents = essentials.agents
    if limited:
        # Other agents' tickets are hidden from this user: their rows would read 0.
        agents = [a for a in agents if a.id == people.mine_agent_id(site)]
    plan = Plan(site, essentials, agents, reports=site.can(REPORTS_PERMISSION))
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
    if plan.reports:
        # The agents report (asked for below) gives every agent's open and waiting counts.
        plan.agents_counted = {agent.id for agent in agents}
    else:
        for agent in agents[:AGENTS_COUNTED_ONE_BY_ONE]:
            plan.agents_counted.add(agent.id)
            calls[(pk, "agent_open", agent.id)] = _count(
                client, site, InboxQuery(site_id=pk, agent=str(agent.id)), refresh
            )
            waiting = InboxQuery(site_id=pk, agent=str(agent.id), waiting=True, sort="waiting")
            calls[(pk, "agent_waiting", agent.id)] = partial(
                ticket_list, client, query=waiting.for_site(site), per_page=1, refresh=refresh
            )
    for mailbox in essentials.mailboxes[:GROUPS_COUNTED]:
        plan.groups_counted.add(("mailbox", mailbox.id))
        calls[(pk, "mailbox_open", mailbox.id)] = _count(
            client, site, InboxQuery(site_id=pk, mailbox_id=mailbox.id), refresh
        )
    for product in essentials.products[:GROUPS_COUNTED]:
        plan.groups_counted.add(("product", product.id))
        calls[(pk, "product_open", product.id)] = _count(
            client, site, InboxQuery(site_id=pk, product_id=product.id), refresh
        )
    if plan.reports:
        calls[(pk, "report", "agents")] = partial(report_agents_summary, client, refresh=refresh)
        calls[(pk, "report", "mailboxes")] = partial(
            report_mailboxes_summary, client, refresh=refresh
        )
        calls[(pk, "report", "products")] = partial(
            report_products_summary, client, refresh=refresh
        )
    return plan
