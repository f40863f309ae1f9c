"""Signatures per site: one small form per site the user connected."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dashboard.sites.models import Site
from dashboard.usersites import user_site, user_sites
from dashboard.workflow.forms import SignatureForm
from dashboard.workflow.signatures import signature_save, signatures_of


@dataclass
class Card:
    site: Site
    form: SignatureForm
    saved: bool = False


def _cards(request: HttpRequest, sites: list[Site]) -> list[Card]:
    texts = signatures_of(user=request.user, sites=sites)
    return [Card(site, SignatureForm(initial={"text": texts.get(site.pk, "")})) for site in sites]


@require_GET
def signature_settings(request: HttpRequest) -> HttpResponse:
    cards = _cards(request, user_sites(request))
    return render(request, "workflow/signatures.html", {"cards": cards})


@require_POST
def signature_update(request: HttpRequest, site_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    form = SignatureForm(request.POST)
    if form.is_valid():
        signature_save(user=request.user, site=site, text=form.cleaned_data["text"])
        if not request.htmx:
            messages.success(request, f"{site.label}: signature saved.")
            return redirect(f"{reverse('workflow:signatures')}#signature-{site.pk}")
        (card,) = _cards(request, [site])
        card.saved = True
        return render(request, "workflow/signatures.html#card", {"card": card})
    if not request.htmx:
        cards = _cards(request, user_sites(request))
        for card in cards:
            if card.site == site:
                card.form = form
        return render(request, "workflow/signatures.html", {"cards": cards}, status=422)
    card = Card(site, form)
    return render(request, "workflow/signatures.html#card", {"card": card}, status=422)
