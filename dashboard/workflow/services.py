"""Reads and writes of the workflow app, and what other screens call to use it.

For the inbox: :func:`policies_for_sites` (one query) and :func:`sla_for` per row,
:func:`active_snoozes` to hide rows and :func:`wake_due` with the rows it loaded. For the
queues page: :func:`overdue_counts`. Upstream reads happen in parallel through ``run_parallel``;
the ORM and credentials are touched in the request thread only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from dashboard.accounts.roles import CHANGE_TEAM_SETTINGS
from dashboard.fluent.cache import bump_generation
from dashboard.fluent.client import FluentClient
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.models import Ticket
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.tickets import TicketQuery, WholeList, ticket_list_whole
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets.people import mine_agent_id
from dashboard.user_generation import bump_user_generation
from dashboard.workflow import sla
from dashboard.workflow.models import SavedReply, SlaPolicy, Snooze
from dashboard.workflow.placeholders import Values, first_word
from dashboard.workflow.snooze import Reason, wake_reason

# Saved replies

PICKER_LIMIT = 8


def replies_for_picker(user, text: str) -> list[SavedReply]:
    """Replies the user may use, those whose title matches first."""
    text = text.strip()
    replies = SavedReply.objects.visible_to(user).search(text).select_related("owner")
    if text:
        replies = replies.annotate(
            title_match=Case(
                When(title__icontains=text, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("title_match", "title", "pk")
    return list(replies[:PICKER_LIMIT])


def placeholder_values(user, site: Site, ticket_id: int | None, ticket: Ticket | None) -> Values:
    """Values for one ticket (``ticket`` is None when it could not be read). The agent is the
    user as they appear on that site; the ticket's own agent only counts when it is them."""
    customer = ticket.customer if ticket else None
    agent_name = ""
    if ticket and ticket.agent and ticket.agent.id == mine_agent_id(site):
        agent_name = ticket.agent.first_name
    agent_name = agent_name or first_word(site.display_name) or user.first_name
    customer_name = ""
    if customer:
        customer_name = customer.first_name or first_word(customer.full_name)
    return Values(
        customer_first_name=customer_name,
        agent_first_name=agent_name,
        ticket_id=str(ticket_id or ""),
        site_name=site.site_name or site.label,
    )


# SLA targets

PolicyMap = dict[str, dict[int | None, SlaPolicy]]


def policies_for_sites(sites: list[Site]) -> PolicyMap:
    """Every policy of these sites, by site address and mailbox (None: the whole site)."""
    policies: PolicyMap = {}
    for policy in SlaPolicy.objects.for_sites(sites):
        policies.setdefault(policy.site_url, {})[policy.mailbox_id] = policy
    return policies


def sla_for(
    site: Site, ticket: Ticket, policies: PolicyMap, now: datetime | None = None
) -> sla.SlaState | None:
    site_policies = policies.get(site.base_url)
    if not site_policies:
        return None
    policy = sla.effective_policy(site_policies, ticket.mailbox_id)
    return sla.sla_state(ticket, policy or None, now or timezone.now())


def overdue_first_key(
    site: Site, ticket: Ticket, policies: PolicyMap, now: datetime
) -> tuple[bool, float]:
    """The inbox's merge key for the "Overdue first" sort (see sla.overdue_sort_key)."""
    return sla.overdue_sort_key(sla_for(site, ticket, policies, now))


def can_edit_sla(site: Site, *, user) -> bool:
    """SLA targets bind the whole team: they are team settings (the Team lead role), and on
    this site only someone who manages its Fluent Support settings may change them."""
    return user.has_perm(CHANGE_TEAM_SETTINGS) and site.can("fst_manage_settings")


def sla_save(
    *, site: Site, user, mailbox_id: int | None, first: int | None, following: int | None
) -> SlaPolicy | None:
    """Set a site's (or mailbox's) targets; with neither target the policy is removed."""
    lookup = {"site_url": site.base_url, "mailbox_id": mailbox_id}
    # Every user's pages of this site show SLA badges: render them anew.
    bump_generation(site.credential().site_key, "workflow")
    if first is None and following is None:
        SlaPolicy.objects.filter(**lookup).delete()
        return None
    policy, _created = SlaPolicy.objects.update_or_create(
        **lookup,
        defaults={
            "first_response_hours": first,
            "next_reply_hours": following,
            "updated_by": user,
        },
    )
    return policy


# The waiting list, read whole (up to a bound): the tickets an SLA clock can run on.


def waiting_list(client: FluentClient, *, refresh: bool = False) -> WholeList:
    """Open tickets whose customer wrote last, oldest message first: the plugin's own
    ``filters[waiting_for_reply]=yes`` with ``order_by=last_customer_response`` ascending. Every
    ticket with an SLA clock is on it (a ticket without any agent answer counts as waiting)."""
    query = TicketQuery(status_type="open", waiting=True, sort="waiting")
    return ticket_list_whole(client, query=query, refresh=refresh)


@dataclass
class OverdueCount:
    """Overdue tickets of one site, in total and per agent (None: unassigned)."""

    site: Site
    total: int | None = None
    by_agent: dict[int | None, int] = field(default_factory=dict)
    at_least: bool = False  # a lower bound: the waiting list was not read to its end
    error: UpstreamError | None = None


def overdue_counts(
    sites: list[Site], *, now: datetime | None = None, refresh: bool = False
) -> dict[int, OverdueCount]:
    """Per site with SLA targets: how many waiting tickets are past due, and whose."""
    now = now or timezone.now()
    policies = policies_for_sites(sites)
    counted = [s for s in sites if policies.get(s.base_url) and not s.needs_reconnect]
    outcomes = run_parallel(
        {site.pk: partial(waiting_list, client_for(site), refresh=refresh) for site in counted}
    )
    counts: dict[int, OverdueCount] = {}
    for site in counted:
        outcome = outcomes[site.pk]
        if not outcome.ok:
            counts[site.pk] = OverdueCount(site, error=outcome.error)
            continue
        late = [
            t for t in outcome.value.tickets if (s := sla_for(site, t, policies, now)) and s.overdue
        ]
        counts[site.pk] = OverdueCount(
            site,
            total=len(late),
            by_agent=dict(Counter(t.agent_id for t in late)),
            at_least=not outcome.value.complete,
        )
    return counts


# Snoozes


def snooze_ticket(
    *,
    user,
    site: Site,
    ticket_id: int,
    until: datetime | None,
    wake_on_reply: bool,
    ticket: Ticket | None,
) -> Snooze:
    """Snooze (or re-snooze) a ticket for this user. ``ticket`` is the ticket as just read;
    None when the site could not be read, and then its next customer message, whenever it was
    written, wakes it as soon as the ticket is seen."""
    customer_at = sla.last_messages(ticket)[0] if ticket else None
    snooze, _created = Snooze.objects.update_or_create(
        user=user,
        site=site,
        ticket_id=ticket_id,
        defaults={
            "until": until,
            "wake_on_reply": wake_on_reply or until is None,
            "snoozed_at": timezone.now(),
            "customer_last_reply_at": customer_at,
            "ticket_title": (ticket.title if ticket else "")[:200],
        },
    )
    bump_user_generation(user.pk)
    return snooze


def unsnooze(*, user, site: Site, ticket_id: int) -> bool:
    deleted, _ = Snooze.objects.filter(user=user, site=site, ticket_id=ticket_id).delete()
    bump_user_generation(user.pk)
    return bool(deleted)


def _sleeping(user, now: datetime):
    return Snooze.objects.filter(user=user).filter(Q(until__isnull=True) | Q(until__gt=now))


def active_snoozes(user, now: datetime | None = None) -> set[tuple[int, int]]:
    """(site id, ticket id) of the tickets to hide from this user's inbox right now."""
    return set(_sleeping(user, now or timezone.now()).values_list("site_id", "ticket_id"))


def snoozed_count(user, now: datetime | None = None) -> int:
    return _sleeping(user, now or timezone.now()).count()


@dataclass
class Woken:
    snooze: Snooze
    reason: Reason


def user_snoozes(user) -> list[Snooze]:
    """All of the user's snoozes, sleeping or due, with their sites."""
    return list(Snooze.objects.filter(user=user).select_related("site"))


def is_sleeping(snooze: Snooze, now: datetime) -> bool:
    """The same rule as ``_sleeping``, for snoozes already read."""
    return snooze.until is None or snooze.until > now


def wake_due(
    user,
    tickets_by_key: dict[tuple[int, int], Ticket],
    now: datetime | None = None,
    *,
    snoozes: list[Snooze] | None = None,
) -> list[Woken]:
    """End the user's snoozes whose time has passed, and those of the given tickets (keyed by
    (site id, ticket id), as the inbox loaded them) whose customer wrote since. ``snoozes``
    are the user's snoozes when the caller has read them already (``user_snoozes``)."""
    now = now or timezone.now()
    woken = []
    for snooze in user_snoozes(user) if snoozes is None else snoozes:
        reason = wake_reason(snooze, tickets_by_key.get(snooze.key), now)
        if reason:
            woken.append(Woken(snooze, reason))
    if woken:
        Snooze.objects.filter(pk__in=[w.snooze.pk for w in woken]).delete()
        bump_user_generation(user.pk)
    return woken
