"""Context for the pieces other screens include (SLA badge, snooze form, snoozed count): the
views that render those screens, or re-render the pieces, put it in the page for the tags."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone

from dashboard.sites.models import Site
from dashboard.usersites import user_sites
from dashboard.workflow import services, snooze
from dashboard.workflow.forms import SnoozeForm
from dashboard.workflow.models import Snooze
from dashboard.workflow.sla import SlaState


def request_policies(
    request: HttpRequest | None, site: Site
) -> tuple[services.PolicyMap, datetime]:
    """SLA policies of all the user's sites and one "now", read once per request: a list of
    fifty rows costs one query, and every badge on the page is computed at the same instant."""
    if request is None or not getattr(request, "user", None):
        return services.policies_for_sites([site]), timezone.now()
    cached = getattr(request, "_workflow_sla", None)
    if cached is None:
        sites = user_sites(request)
        if site not in sites:
            sites = [*sites, site]
        cached = request._workflow_sla = (services.policies_for_sites(sites), timezone.now())
    return cached


def sla_of(request: HttpRequest, site: Site | None, ticket) -> SlaState | None:
    """One ticket's SLA state for its badge, with the request's policies and "now"."""
    if site is None or ticket is None:
        return None
    policies, now = request_policies(request, site)
    return services.sla_for(site, ticket, policies, now)


def attach_sla(request: HttpRequest, rows: list) -> None:
    """Each inbox row's SLA state, for the badge its template tag shows."""
    for row in rows:
        row.sla = sla_of(request, row.site, row.ticket)


def request_snoozes(request: HttpRequest) -> list[Snooze]:
    """The user's snoozes, read once per request; a view that wakes some keeps this list true."""
    cached = getattr(request, "_workflow_snoozes", None)
    if cached is None:
        cached = request._workflow_snoozes = services.user_snoozes(request.user)
    return cached


def sleeping_snoozes(request: HttpRequest) -> list[Snooze]:
    """The request's snoozes that still hide their ticket right now."""
    now = timezone.now()
    return [s for s in request_snoozes(request) if services.is_sleeping(s, now)]


def wake_due(request: HttpRequest, tickets_by_key: dict) -> None:
    """``services.wake_due`` on the request's snoozes, which then no longer hold the woken."""
    snoozes = request_snoozes(request)
    woken = {w.snooze.pk for w in services.wake_due(request.user, tickets_by_key, snoozes=snoozes)}
    if woken:
        request._workflow_snoozes = [s for s in snoozes if s.pk not in woken]


def sleeping_count(request: HttpRequest) -> int:
    """How many tickets the user has snoozed right now (the sidebar's count)."""
    if hasattr(request, "_workflow_snoozes"):
        return len(sleeping_snoozes(request))
    return services.snoozed_count(request.user)


def read_ahead(request: HttpRequest) -> None:
    """What a page with ticket badges and snoozes reads from the database, read before it is
    needed: a view hands this to ``parallel.meanwhile`` so it is done while the sites answer."""
    sites = user_sites(request)
    if sites:
        request_policies(request, sites[0])
    request_snoozes(request)


def snooze_context(
    request: HttpRequest,
    site: Site,
    ticket_id: int,
    *,
    form: SnoozeForm | None = None,
    next_url: str = "",
) -> dict:
    now = timezone.now()
    current = next((s for s in sleeping_snoozes(request) if s.key == (site.pk, ticket_id)), None)
    return {
        "site": site,
        "ticket_id": ticket_id,
        "current": current,
        "choices": snooze.choices(timezone.localtime(now)),
        "form": form if form is not None else SnoozeForm(initial={"wake_on_reply": True}),
        "next": next_url or request.get_full_path(),
        "csrf_token": get_token(request),
    }
