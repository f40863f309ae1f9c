"""Context shared by every page: the main navigation and the avatar colour of the user."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (label, URL name, the app namespace that marks the item as current)
NAV = [
    ("Inbox", "home", "tickets"),
    ("Customers", "customers:directory", "customers"),
    ("Queues", "queues:overview", "queues"),
    ("Sites", "sites:list", "sites"),
]


def navigation(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    section = match.app_name if match else ""
    items = []
    for label, url_name, app_name in NAV:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "current": section == app_name})
    return {"nav_items": items}
