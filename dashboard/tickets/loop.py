"""The agent's loop: where a send or a close takes the agent next, and the next ticket read
ahead, so that opening it costs the sites nothing.

The next ticket is the one after the current one in the list the agent opened it from (the
``from`` query), passing over tickets of sites that are failing right now: opening one of those
would only show an error. Reading ahead uses the same reads the thread page makes (the ticket
and the site's reference data) and never asks who is viewing the ticket, because asking
registers the agent as a viewer on the site (``live_activity``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache

from dashboard.fluent import trace as upstream_trace
from dashboard.fluent.errors import UpstreamError
from dashboard.sites.models import Site
from dashboard.tickets.links import thread_url
from dashboard.tickets.listing import MAX_SHOWN, load
from dashboard.tickets.merging import InboxPage
from dashboard.tickets.models import AgentPreference
from dashboard.tickets.query import InboxQuery
from dashboard.tickets.replies import read_thread

AfterSend = AgentPreference.AfterSend
# A read-ahead still running after this long has ended one way or another (upstream timeouts
# are far shorter); its claim lapses so the next one may start.
PREFETCH_CLAIM_SECONDS = 30


def after_send(user: AbstractBaseUser) -> str:
    """Where a send or a close takes this agent: next ticket (the default), stay, or list."""
    found = (
        AgentPreference.objects.filter(user_id=user.pk).values_list("after_send", flat=True).first()
    )
    return found or AfterSend.NEXT


def set_after_send(user: AbstractBaseUser, value: str) -> None:
    if value not in AfterSend.values:
        raise ValueError(f"unknown choice {value!r}")
    AgentPreference.objects.update_or_create(user_id=user.pk, defaults={"after_send": value})


@dataclass(frozen=True)
class NextTicket:
    site: Site
    ticket_id: int
    url: str  # its thread, remembering the same list


def following(
    keys: list[tuple[int, int]], current: tuple[int, int], failing: set[int]
) -> tuple[int, int] | None:
    """The (site, ticket) after ``current`` in the list, passing over those of failing sites;
    None after the last ticket, or when ``current`` is not in the list any more."""
    try:
        index = keys.index(current)
    except ValueError:
        return None
    return next((key for key in keys[index + 1 :] if key[0] not in failing), None)


def failing_sites(sites: list[Site], page: InboxPage) -> set[int]:
    """Sites whose list could not be read just now, was shown from an old copy, or whose
    password was refused."""
    failing = {failure.site.pk for failure in page.failures}
    failing |= {site.pk for site in sites if site.needs_reconnect}
    trace = upstream_trace.current()
    if trace is not None:
        failing |= {site.pk for site in sites if site.cache_key in trace.stale}
    return failing


def next_ticket(
    sites: list[Site], query: InboxQuery, site_id: int, ticket_id: int
) -> NextTicket | None:
    """The ticket after this one in the agent's list (read from the cached list)."""
    current = (site_id, ticket_id)
    page = load(sites, query)
    keys = [(row.site.pk, row.ticket.id) for row in page.rows]
    failing = failing_sites(sites, page)
    # A ticket listed after "Load more": read on through the list's slices (cached).
    while page.next_cursor and len(keys) < MAX_SHOWN and current not in keys[:-1]:
        page = load(sites, query, cursor=page.next_cursor)
        if not page.rows:
            break
        keys += [(row.site.pk, row.ticket.id) for row in page.rows]
        failing |= failing_sites(sites, page)
    found = following(keys, current, failing)
    if found is None:
        return None
    site = next(site for site in sites if site.pk == found[0])
    return NextTicket(site, found[1], thread_url(site, found[1], urlencode(query.params())))


def warm(upcoming: NextTicket, sites: list[Site], query: InboxQuery) -> bool:
    """Read what opening ``upcoming`` will need (its ticket and reference data, and the list
    for its previous/next links), so the page is served from the cache. No viewer is
    registered. False when the site did not answer."""
    # One after the other: each already reads its sites in parallel, and credentials are
    # decrypted in this thread.
    load(sites, query)
    try:
        read_thread(upcoming.site, upcoming.ticket_id)
    except UpstreamError:
        return False
    return True


def prefetch_next(
    user: AbstractBaseUser, sites: list[Site], query: InboxQuery, site_id: int, ticket_id: int
) -> NextTicket | None:
    """Read the next ticket ahead, one read-ahead per agent at a time, only from a healthy
    site. Answers the ticket read, or None when there was nothing (healthy) to read or
    another read-ahead of this agent is still running."""
    claim = f"loop:prefetch:{user.pk}"
    if not cache.add(claim, 1, PREFETCH_CLAIM_SECONDS):
        return None
    try:
        upcoming = next_ticket(sites, query, site_id, ticket_id)
        if upcoming is None or upcoming.site.needs_reconnect:
            return None
        try:
            read_thread(upcoming.site, upcoming.ticket_id)
        except UpstreamError:
            return None
        trace = upstream_trace.current()
        if trace is not None and upcoming.site.cache_key in trace.stale:
            return None  # Only an old copy: the site is down, nothing was warmed.
        return upcoming
    finally:
        cache.delete(claim)
