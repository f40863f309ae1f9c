"""The agent's loop in the browser: the next ticket read ahead while a thread is open, where a
send or a close takes the agent (their preference), and the page where they choose it."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dashboard.sites.models import Site
from dashboard.tickets import loop
from dashboard.tickets.loop import AfterSend, NextTicket
from dashboard.tickets.thread import origin
from dashboard.usersites import user_site, user_sites


class AfterSendForm(forms.Form):
    after_send = forms.ChoiceField(
        label="After sending a reply or closing a ticket",
        choices=AfterSend.choices,
        widget=forms.RadioSelect,
    )


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The agent's own settings for the loop (reached from the account menu)."""
    if request.method == "POST":
        form = AfterSendForm(request.POST)
        if form.is_valid():
            loop.set_after_send(request.user, form.cleaned_data["after_send"])
            messages.success(request, "Preferences saved.")
            return redirect("tickets:preferences")
        status = 422
    else:
        form = AfterSendForm(initial={"after_send": loop.after_send(request.user)})
        status = 200
    return render(request, "tickets/preferences.html", {"form": form}, status=status)


@require_GET
@never_cache
def prefetch(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    """Read the next ticket of the agent's list ahead, so opening it costs the sites nothing.
    Asked by the thread page in the background; it never registers the agent as viewing."""
    site = user_site(request, site_id)
    query = origin(request)[0]
    warmed = loop.prefetch_next(request.user, user_sites(request), query, site.pk, ticket_id)
    response = HttpResponse(status=204)
    if warmed is not None:
        response["X-Prefetched"] = warmed.url
    return response


def upcoming(request: HttpRequest, site: Site, ticket_id: int) -> tuple[str, NextTicket | None]:
    """The agent's choice for after a send or close, and (for "next") the ticket after this
    one, found before the write changes the list (a closed ticket may leave it)."""
    choice = loop.after_send(request.user)
    if choice != AfterSend.NEXT:
        return choice, None
    query = origin(request)[0]
    return choice, loop.next_ticket(user_sites(request), query, site.pk, ticket_id)


def move_on(
    request: HttpRequest,
    site: Site,
    ticket_id: int,
    choice: str,
    following: NextTicket | None,
    done: str,
) -> HttpResponse | None:
    """After a send or close that the site confirmed: go where the agent chose (None: stay).
    The next ticket is read again now, because this write made the cached copy old."""
    if choice == AfterSend.STAY:
        return None
    query = origin(request)[0]
    if choice == AfterSend.NEXT and following is not None:
        loop.warm(following, user_sites(request), query)
        url = following.url
    else:
        if choice == AfterSend.NEXT:
            done += " That was the last ticket of the list."
        url = query.url(reverse("tickets:inbox"))
    messages.success(request, done)
    if not request.htmx:
        return redirect(url)
    response = HttpResponse(status=200)
    response["HX-Redirect"] = url
    response["HX-Reswap"] = "none"
    # The inbox refreshes the row; the composer's draft of this ticket has done its job.
    response["HX-Trigger"] = json.dumps(
        {
            "ticketUpdated": {"site": site.pk, "ticket": ticket_id},
            "draftDone": {"key": f"draft:{site.pk}:{ticket_id}"},
        }
    )
    return response
