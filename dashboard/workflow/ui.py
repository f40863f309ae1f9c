"""Context for the pieces other screens include (SLA badge, snooze form), shared by the views
that re-render them and by the template tags that place them in other apps' pages."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone

from dashboard.pages import user_sites
from dashboard.sites.models import Site
from dashboard.workflow import services, snooze
from dashboard.workflow.forms import SnoozeForm


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


def snooze_context(
    request: HttpRequest,
    site: Site,
    ticket_id: int,
    *,
    form: SnoozeForm | None = None,
    next_url: str = "",
) -> dict:
    now = timezone.now()
    return {
        "site": site,
        "ticket_id": ticket_id,
        "current": services.current_snooze(request.user, site, ticket_id, now),
        "choices": snooze.choices(timezone.localtime(now)),
        "form": form if form is not None else SnoozeForm(initial={"wake_on_reply": True}),
        "next": next_url or request.get_full_path(),
        "csrf_token": get_token(request),
    }
