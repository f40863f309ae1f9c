"""What is waiting on a user, for the tab title and browser notifications.

"Waiting on me": open tickets whose customer wrote last (the plugin's own
``filters[waiting_for_reply]=yes``) that are assigned to the user's agent on a site or to no one,
summed over the user's sites. Each figure is a ``ticket_count`` (a one-row page's total) of a
query the inbox also runs, read through the same per-site cache, for every site in parallel.
Sites where the user is not an agent are left out: nothing there can be theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.tickets import TicketQuery, ticket_count, ticket_list
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets.links import thread_url
from dashboard.tickets.people import mine_agent_id
from dashboard.workflow import sla

# Tickets listed for notifications: the user's open tickets with the latest activity.
DETAIL_LIMIT = 50


def _counted(sites: list[Site]) -> list[Site]:
    return [site for site in sites if mine_agent_id(site) and not site.needs_reconnect]


def waiting_queries(site: Site) -> dict[str, TicketQuery]:
    return {
        who: TicketQuery(status_type="open", waiting=True, agent=agent)
        for who, agent in (("mine", str(mine_agent_id(site))), ("unassigned", "unassigned"))
    }


@dataclass
class WaitingCount:
    count: int
    failed: list[str] = field(default_factory=list)  # labels of sites that did not answer

    @property
    def complete(self) -> bool:
        return not self.failed


def waiting_count(sites: list[Site], *, refresh: bool = False) -> WaitingCount:
    counted = _counted(sites)
    calls = {}
    for site in counted:
        client = client_for(site)
        for who, query in waiting_queries(site).items():
            calls[(site.pk, who)] = partial(ticket_count, client, query=query, refresh=refresh)
    outcomes = run_parallel(calls)
    failed: dict[int, Exception | None] = {site.pk: None for site in counted}
    count = 0
    for (site_id, _who), outcome in outcomes.items():
        if outcome.ok:
            count += outcome.value
        else:
            failed[site_id] = failed[site_id] or outcome.error
    return WaitingCount(count, [s.label for s in counted if failed[s.pk] is not None])


@dataclass
class Mine:
    """One of the user's open tickets, as the notifier compares them between polls."""

    key: str  # "site id:ticket id"
    marker: str  # the customer's last message (UTC ISO), "" if none: a new one is a reply
    waiting: bool
    title: str
    site: str
    url: str

    def as_dict(self) -> dict[str, object]:
        return self.__dict__.copy()


def my_tickets(sites: list[Site], *, refresh: bool = False) -> list[Mine]:
    """The user's open tickets on every site, latest activity first. A key that was not there
    at the last poll is a new assignment; a changed marker on a waiting one is a new reply."""
    counted = _counted(sites)
    calls = {
        site.pk: partial(
            ticket_list,
            client_for(site),
            query=TicketQuery(status_type="open", agent=str(mine_agent_id(site))),
            per_page=DETAIL_LIMIT,
            refresh=refresh,
        )
        for site in counted
    }
    outcomes = run_parallel(calls)
    found = []
    for site in counted:
        outcome = outcomes[site.pk]
        for ticket in outcome.value.items if outcome.ok else []:
            customer_at, _agent_at = sla.last_messages(ticket)
            found.append(
                Mine(
                    key=f"{site.pk}:{ticket.id}",
                    marker=customer_at.isoformat() if customer_at else "",
                    waiting=sla.customer_wrote_last(ticket),
                    title=ticket.title,
                    site=site.label,
                    url=thread_url(site, ticket.id),
                )
            )
    return found
