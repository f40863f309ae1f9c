from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "tickets/inbox.html", {})


def bulk(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=204)


def changes(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=204)
