"""The "waiting on me" figure the tab title shows, and the list browser notifications compare."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dashboard.usersites import user_sites
from dashboard.workflow import notify


class WaitingForm(forms.Form):
    detail = forms.BooleanField(required=False)


@require_GET
@never_cache
def waiting_count(request: HttpRequest) -> JsonResponse:
    form = WaitingForm(request.GET)
    detail = form.is_valid() and form.cleaned_data["detail"]
    sites = user_sites(request)
    result = notify.waiting_count(sites)
    data: dict[str, object] = {"count": result.count, "complete": result.complete}
    if detail:
        data["tickets"] = [mine.as_dict() for mine in notify.my_tickets(sites)]
    return JsonResponse(data)
