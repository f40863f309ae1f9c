"""SLA targets per site and per mailbox: one card per site the user connected.

Targets are team settings: everyone sees them, a Team lead or Admin changes them (and only on
sites where their WordPress user manages Fluent Support's settings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dashboard.accounts.access import role_required
from dashboard.accounts.roles import CHANGE_TEAM_SETTINGS, VIEW_SLA
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.models import Mailbox
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.reference import essentials_get
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.usersites import user_site, user_sites
from dashboard.workflow import services
from dashboard.workflow.forms import SlaPolicyForm
from dashboard.workflow.models import SlaPolicy


@dataclass
class Override:
    policy: SlaPolicy
    mailbox_name: str


# Why a card is read only, shown on it.
NOT_TEAM_LEAD = "SLA targets are team settings: a Team lead or an Admin changes them."
NOT_SITE_MANAGER = "Only a user who manages this site's Fluent Support settings can change them."


@dataclass
class Card:
    site: Site
    editable: bool
    read_only_reason: str = ""
    base: SlaPolicy | None = None
    overrides: list[Override] = field(default_factory=list)
    free_mailboxes: list[Mailbox] = field(default_factory=list)  # without an override yet
    error: UpstreamError | None = None  # the mailboxes could not be read
    form: SlaPolicyForm | None = None  # a refused submission, with its errors


def _cards(sites: list[Site], user) -> list[Card]:
    team_lead = user.has_perm(CHANGE_TEAM_SETTINGS)
    policies = services.policies_for_sites(sites)
    live = [site for site in sites if not site.needs_reconnect]
    outcomes = run_parallel({s.pk: partial(essentials_get, client_for(s)) for s in live})
    cards = []
    for site in sites:
        outcome = outcomes.get(site.pk)
        mailboxes = outcome.value.mailboxes if outcome and outcome.ok else []
        names = {box.id: box.name for box in mailboxes}
        by_mailbox = policies.get(site.base_url, {})
        overrides = [
            Override(policy, names.get(mailbox_id, f"Mailbox #{mailbox_id}"))
            for mailbox_id, policy in sorted(by_mailbox.items(), key=lambda i: i[0] or 0)
            if mailbox_id is not None
        ]
        editable = services.can_edit_sla(site, user=user)
        reason = "" if editable else NOT_SITE_MANAGER if team_lead else NOT_TEAM_LEAD
        cards.append(
            Card(
                site=site,
                editable=editable,
                read_only_reason=reason,
                base=by_mailbox.get(None),
                overrides=overrides,
                free_mailboxes=[box for box in mailboxes if box.id not in by_mailbox],
                error=outcome.error if outcome and not outcome.ok else None,
            )
        )
    return cards


@role_required(VIEW_SLA)
@require_GET
def sla_settings(request: HttpRequest) -> HttpResponse:
    cards = _cards(user_sites(request), request.user)
    return render(request, "workflow/sla.html", {"cards": cards})


@role_required(CHANGE_TEAM_SETTINGS)
@require_POST
def sla_save(request: HttpRequest, site_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    form = SlaPolicyForm(request.POST)
    if not services.can_edit_sla(site, user=request.user):
        form.add_error(None, NOT_SITE_MANAGER)
    if form.is_valid():
        data = form.cleaned_data
        services.sla_save(
            site=site,
            user=request.user,
            mailbox_id=data["mailbox"],
            first=data["first_response_hours"],
            following=data["next_reply_hours"],
        )
        messages.success(request, f"{site.label}: SLA targets saved.")
        if not request.htmx:
            return redirect(f"{reverse('workflow:sla')}#site-{site.pk}")
    status = 422 if form.errors else 200
    if not request.htmx:
        # Without JavaScript the whole page comes back, the refused form in its card.
        cards = _cards(user_sites(request), request.user)
        for card in cards:
            card.form = form if card.site == site else None
        return render(request, "workflow/sla.html", {"cards": cards}, status=status)
    (card,) = _cards([site], request.user)
    card.form = form if form.errors else None
    return render(request, "workflow/sla.html#site-card", {"card": card}, status=status)
