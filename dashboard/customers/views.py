from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def directory(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Customers")


def panel(request: HttpRequest, site_id: int, customer_id: int) -> HttpResponse:
    return HttpResponse("")
