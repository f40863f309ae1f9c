from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def thread(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    return HttpResponse("Thread")
