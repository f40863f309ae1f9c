"""Context shared by every page: the main navigation and the avatar colour of the user."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from dashboard.accounts import roles
from dashboard.sites.services import refused_sites
from dashboard.usersites import sites_read

# (label, URL name, the app namespace that marks the item as current, the permission needed)
NAV = [
    ("Inbox", "tickets:inbox", "tickets", None),
    ("Customers", "customers:directory", "customers", None),
    ("Queues", "queues:overview", "queues", roles.VIEW_QUEUES),
    ("Reports", "reports:reports", "reports", roles.VIEW_TEAM_REPORTS),
    # Without the team's reports, Reports is the agent's own figures.
    ("My stats", "reports:mine", "reports", None),
    ("Sites", "sites:list", "sites", None),
    ("Audit", "audit:entries", "audit", roles.VIEW_AUDIT),
]


def navigation(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    section = match.app_name if match else ""

    def build() -> list[dict]:
        items = []
        for label, url_name, app_name, perm in NAV:
            if perm and not request.user.has_perm(perm):
                continue
            if url_name == "reports:mine" and request.user.has_perm(roles.VIEW_TEAM_REPORTS):
                continue  # team leads reach their own figures from the reports page
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            items.append({"label": label, "url": url, "current": section == app_name})
        return items

    # Lazy: fragments never show the navigation, so they never look up permissions for it.
    return {"nav_items": SimpleLazyObject(build)}


def read_permissions(request: HttpRequest) -> None:
    """Read the user's permissions now (Django keeps them on the user for the request): a
    page calls this while its sites answer, so drawing the navigation later costs no query."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        user.get_all_permissions()


def upstream_notices(request: HttpRequest) -> dict:
    """Banners every page shows: sites whose password was refused (with a link to reconnect)
    and sites whose data on this page is a stale copy because they did not answer."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}

    def build() -> list[dict]:
        trace = getattr(request, "upstream_trace", None)
        # Read from the trace too: the middleware marks what this request met only at its end.
        # Most pages met no refusal and have read the user's sites already: nothing to ask.
        sites = sites_read(request)
        nothing_refused = not (trace and trace.refused)
        if nothing_refused and sites is not None and not any(s.needs_reconnect for s in sites):
            refused = []
        else:
            refused = refused_sites(request.user, trace)
        notices = [
            {
                "level": "error",
                "site": site.label,
                # Pages of the site read before the refusal still show from the cache, so
                # the banner says what stops working, not that nothing is shown.
                "text": "WordPress refused the stored Application Password. Until you "
                "reconnect it, the inbox leaves its tickets out, its pages show the last copy "
                "read, and nothing can be sent to it.",
                "action_url": reverse("sites:edit", args=[site]),
                "action_label": "Reconnect",
            }
            for site in refused
        ]
        for stale in trace.stale.values() if trace else []:
            notices.append(
                {
                    "level": "stale",
                    "site": stale.site_label,
                    "when": stale.fetched_at,
                    "text": f"site unreachable ({stale.reason.rstrip('.')}).",
                    "action_url": request.get_full_path(),
                    "action_label": "Retry",
                }
            )
        return notices

    # Lazy: evaluated while the page renders, after the view has made its upstream calls.
    return {"upstream_notices": SimpleLazyObject(build)}


def debug_timing(request: HttpRequest) -> dict:
    """With DEBUG on, a small footer repeats the Server-Timing figures of the page."""
    from django.conf import settings

    trace = getattr(request, "upstream_trace", None)
    if not settings.DEBUG or trace is None:
        return {}

    def text() -> str:
        return (
            f"upstream: {trace.calls} call{'s' if trace.calls != 1 else ''}, "
            f"{trace.hits} cached, {trace.upstream_seconds * 1000:.0f} ms"
        )

    return {"debug_timing": SimpleLazyObject(text)}
