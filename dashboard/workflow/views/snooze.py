"""Snoozing a ticket, waking it, and the list of the user's snoozed tickets."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from dashboard.durations import compact_duration
from dashboard.fluent.errors import (
    AuthError,
    ForbiddenError,
    NotFoundError,
    UpstreamError,
)
from dashboard.fluent.models import Ticket
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.tickets import ticket_get
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets.links import thread_url
from dashboard.upstream_errors import upstream_error
from dashboard.usersites import user_site
from dashboard.workflow import services, sla
from dashboard.workflow.forms import SnoozeForm
from dashboard.workflow.models import Snooze
from dashboard.workflow.ui import request_policies, snooze_context

# The largest ticket id a snooze can store (a PositiveIntegerField on every database).
MAX_TICKET_ID = 2**31 - 1
WOKE = {"time": "its time came", "reply": "the customer replied"}


def _next(request: HttpRequest, raw: str) -> str:
    if raw and url_has_allowed_host_and_scheme(raw, allowed_hosts={request.get_host()}):
        return raw
    return reverse("tickets:inbox")


def _answer(
    request: HttpRequest,
    site: Site,
    ticket_id: int,
    next_url: str,
    *,
    note: str = "",
    form: SnoozeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """htmx: the snooze box again, in its new state; otherwise back where the agent was, with
    the outcome as a message."""
    if not request.htmx:
        if note:
            messages.success(request, note)
        for errors in form.errors.values() if form is not None else []:
            for error in errors:
                messages.error(request, f"Not snoozed: {error}")
        return redirect(_next(request, next_url))
    context = snooze_context(request, site, ticket_id, form=form, next_url=next_url)
    response = render(
        request, "workflow/snooze_form.html", {**context, "note": note}, status=status
    )
    response["HX-Trigger"] = "ticketSnoozed"
    return response


def _known_ticket_id(ticket_id: int) -> None:
    """A number no snooze can hold is no ticket of ours (even while its site is down)."""
    if not 0 < ticket_id <= MAX_TICKET_ID:
        raise Http404("No such ticket")


@require_POST
def snooze(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    _known_ticket_id(ticket_id)
    form = SnoozeForm(request.POST)
    next_url = request.POST.get("next", "")[:2000]
    if not form.is_valid():
        return _answer(request, site, ticket_id, next_url, form=form, status=422)
    try:
        ticket = ticket_get(client_for(site), ticket_id=ticket_id).ticket
    except (NotFoundError, ForbiddenError, AuthError) as error:
        return upstream_error(request, error, site=site)
    except UpstreamError:
        # The site is down: snooze anyway; the next customer message it shows wakes the ticket.
        ticket = None
    data = form.cleaned_data
    services.snooze_ticket(
        user=request.user,
        site=site,
        ticket_id=ticket_id,
        until=data["until"],
        wake_on_reply=data["wake_on_reply"],
        ticket=ticket,
    )
    until = data["until"]
    when = f"until {timezone.localtime(until):%a %d %b, %H:%M}" if until else "until a reply"
    return _answer(request, site, ticket_id, next_url, note=f"Snoozed #{ticket_id} {when}.")


@require_POST
def wake(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    _known_ticket_id(ticket_id)
    woke = services.unsnooze(user=request.user, site=site, ticket_id=ticket_id)
    note = f"#{ticket_id} is back in your inbox." if woke else ""
    return _answer(request, site, ticket_id, request.POST.get("next", "")[:2000], note=note)


@dataclass
class Row:
    snooze: Snooze
    ticket: Ticket | None
    error: UpstreamError | None
    state: sla.SlaState | None

    @property
    def title(self) -> str:
        return self.ticket.title if self.ticket else self.snooze.ticket_title

    @property
    def url(self) -> str:
        return thread_url(self.snooze.site, self.snooze.ticket_id)

    @property
    def wakes_in(self) -> str:
        if self.snooze.until is None:
            return ""
        text = compact_duration((self.snooze.until - timezone.now()).total_seconds())
        return "any moment" if text == "now" else f"in {text}"


def _read(snoozes: list[Snooze], refresh: bool) -> tuple[dict, dict]:
    """Each snoozed ticket, read in parallel: (tickets, outcomes) by (site id, ticket id)."""
    clients = {s.site_id: client_for(s.site) for s in snoozes if not s.site.needs_reconnect}
    calls = {
        s.key: partial(ticket_get, clients[s.site_id], ticket_id=s.ticket_id, refresh=refresh)
        for s in snoozes
        if s.site_id in clients
    }
    outcomes = run_parallel(calls)
    return {key: o.value.ticket for key, o in outcomes.items() if o.ok}, outcomes


@require_GET
def snoozed(request: HttpRequest) -> HttpResponse:
    """The user's snoozes with their wake-up times. Reading the tickets is also a chance to
    wake those whose customer has written since."""
    snoozes = list(Snooze.objects.filter(user=request.user).select_related("site"))
    tickets, outcomes = _read(snoozes, refresh=request.GET.get("refresh") == "1")
    for woken in services.wake_due(request.user, tickets):
        ticket = tickets.get(woken.snooze.key)
        title = ticket.title if ticket else woken.snooze.ticket_title
        messages.info(request, f"#{woken.snooze.ticket_id} {title} woke up: {WOKE[woken.reason]}.")
    rows = []
    for snooze in Snooze.objects.filter(user=request.user).select_related("site"):
        ticket, outcome = tickets.get(snooze.key), outcomes.get(snooze.key)
        policies, now = request_policies(request, snooze.site)
        state = services.sla_for(snooze.site, ticket, policies, now) if ticket else None
        rows.append(Row(snooze, ticket, outcome.error if outcome else None, state))
    return render(request, "workflow/snoozed.html", {"rows": rows})
