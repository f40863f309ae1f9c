"""URL helpers for the inbox template: every link carries the whole state of the list."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from dashboard.tickets.listing import thread_url
from dashboard.tickets.query import InboxQuery

register = template.Library()


@register.filter
def status_url(query: InboxQuery, status: str) -> str:
    return query.url(reverse("tickets:inbox"), status=status, page=1)


@register.filter
def page_url(query: InboxQuery, number: int) -> str:
    return query.url(reverse("tickets:inbox"), page=int(number))


@register.filter
def urlencode_params(params: dict) -> str:
    return urlencode(params)


@register.simple_tag
def thread_link(site_id: int, ticket_id: int, query: InboxQuery) -> str:
    """The thread, remembering the list it was opened from (for prev/next and Back)."""
    return thread_url(site_id, ticket_id, query)
