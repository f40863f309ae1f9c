"""Turning one write request into its audit rows: the site (or sites) it wrote to, the object,
a safe detail and the outcome. Called by the middleware, before the view (what the view may
change or delete) and after it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse

from dashboard.audit import actions, outcomes
from dashboard.audit.actions import Route
from dashboard.audit.details import bulk_detail, number
from dashboard.audit.models import AuditEntry, Outcome
from dashboard.audit.notes import noted
from dashboard.fluent.discovery import ConnectError, normalise_base_url
from dashboard.sites.models import Site, TeamSite
from dashboard.usersites import find_user_site, user_sites

MAX_BULK_TICKETS = 500  # as many as the bulk form reads


@dataclass(frozen=True)
class SiteShot:
    """A connection as it was: the strings a row keeps, and its credential's key."""

    base_url: str = ""
    label: str = ""
    key: str = ""
    pk: int | None = None  # the connection's
    team_pk: int | None = None  # the team site's

    @classmethod
    def of_team(cls, team_site: TeamSite | None) -> SiteShot:
        if team_site is None:
            return cls()
        return cls(base_url=team_site.base_url, label=team_site.label[:80], team_pk=team_site.pk)

    @classmethod
    def of(cls, site: Site | None) -> SiteShot:
        if site is None:
            return cls()
        return cls(
            base_url=site.base_url,
            label=site.label[:80],
            key=site.cache_key,
            pk=site.pk,
            team_pk=site.team_site_id,
        )


@dataclass
class Pending:
    """What was known before the view ran."""

    view_name: str
    route: Route
    kwargs: dict[str, Any]
    site: SiteShot | None = None  # OWN_SITE, TEAM_SITE: the site the URL names
    known_sites: set[int] = field(default_factory=set)  # NEW_SITE: the user's, beforehand


@dataclass
class Target:
    site: SiteShot
    detail: str = ""


def _url_site(request: HttpRequest, value: Any) -> Site | None:
    """The user's connection to the site a URL or form names, or None."""
    return find_user_site(request, value)


def _named_site(request: HttpRequest, value: Any) -> SiteShot:
    """The site a URL names: the user's connection, else the team site (a write tried on a
    site the user has not connected is seen by the leads of that site)."""
    site = _url_site(request, value)
    if site is not None:
        return SiteShot.of(site)
    team_site = TeamSite.objects.filter(slug=str(value or "")).first()
    return SiteShot.of_team(team_site)


def prepare(request: HttpRequest, view_name: str, route: Route, kwargs: dict) -> Pending | None:
    """Before the view: None when this POST writes nothing; else what the row will need that
    the view may change (a connection about to be removed or edited)."""
    if route.writes is not None and not route.writes(request.POST):
        return None
    pending = Pending(view_name=view_name, route=route, kwargs=dict(kwargs))
    # The sites app names a site by "slug" (by "site_id" everywhere else).
    named = kwargs.get("slug", kwargs.get("site_id"))
    if route.site == actions.OWN_SITE:
        pending.site = _named_site(request, named)
    elif route.site == actions.TEAM_SITE:
        pending.site = SiteShot.of_team(TeamSite.objects.filter(slug=str(named)).first())
    elif route.site == actions.NEW_SITE:
        pending.known_sites = set(Site.objects.for_user(request.user).values_list("pk", flat=True))
    return pending


def _targets(request: HttpRequest, pending: Pending) -> list[Target]:
    route, kwargs = pending.route, pending.kwargs
    if route.site == actions.SITE_ID:
        return [Target(_named_site(request, kwargs.get("site_id")))]
    if route.site in (actions.OWN_SITE, actions.TEAM_SITE):
        shot = pending.site or SiteShot()
        # An edit may have renamed it: the row names the site as the write left it (and as it
        # was, once removed).
        if route.site == actions.OWN_SITE and shot.pk is not None:
            after = SiteShot.of(Site.objects.filter(owner=request.user, pk=shot.pk).first())
        elif route.site == actions.TEAM_SITE and shot.team_pk is not None:
            after = SiteShot.of_team(TeamSite.objects.filter(pk=shot.team_pk).first())
        else:
            after = SiteShot()
        return [Target(after if after.base_url else shot)]
    if route.site == actions.NEW_SITE:
        made = (
            Site.objects.for_user(request.user)
            .exclude(pk__in=pending.known_sites)
            .order_by("-pk")
            .first()
        )
        if made is not None:
            return [Target(SiteShot.of(made))]
        joined = kwargs.get("slug")
        return [Target(_named_site(request, joined) if joined else _typed_site(request))]
    if route.site == actions.POSTED_SITE:
        sites = user_sites(request)
        chosen = _url_site(request, request.POST.get("site")) or (sites[0] if sites else None)
        return [Target(SiteShot.of(chosen))]
    if route.site == actions.PER_TICKET_SITE:
        return _bulk_targets(request)
    return [Target(SiteShot())]


def _typed_site(request: HttpRequest) -> SiteShot:
    """A connection that was not made: the address as typed, once it reads as one (so the
    leads of that site see the attempt), and no label."""
    try:
        typed = str(request.POST.get("base_url") or "")[:300]
        return SiteShot(base_url=normalise_base_url(typed)[:300])
    except ConnectError:
        return SiteShot()


def _bulk_targets(request: HttpRequest) -> list[Target]:
    """One row per site of the selected tickets ("site:ticket" keys)."""
    grouped: dict[str, list[int]] = {}
    for key in request.POST.getlist("t")[:MAX_BULK_TICKETS]:
        site_id, _, ticket_id = str(key).partition(":")
        if number(ticket_id):
            grouped.setdefault(site_id, []).append(int(ticket_id))
    targets = []
    for site_id, ticket_ids in grouped.items():
        site = _url_site(request, site_id)
        if site is not None:
            targets.append(Target(SiteShot.of(site), bulk_detail(request.POST, ticket_ids)))
    return targets or [Target(SiteShot(), bulk_detail(request.POST, []))]


def _object_id(request: HttpRequest, pending: Pending) -> str:
    route, kwargs = pending.route, pending.kwargs
    if route.object_kwarg and kwargs.get(route.object_kwarg) is not None:
        return str(kwargs[route.object_kwarg])[:64]
    if route.object_field:
        return number(request.POST.get(route.object_field))
    return noted(request).object_id


def entries(request: HttpRequest, response: HttpResponse, pending: Pending) -> list[AuditEntry]:
    """The rows of one write request, after its view answered."""
    route = pending.route
    trace = getattr(request, "upstream_trace", None)
    writes = list(trace.writes) if trace is not None else []
    note = noted(request)
    problem = note.problem
    code = route.code(request.POST)
    detail = route.detail(request, pending.kwargs) if route.detail else ""
    ticket = pending.kwargs.get("ticket_id")
    rows = []
    for target in _targets(request, pending):
        if problem:
            outcome = route.problems.get(problem, Outcome.FAILED)
        else:
            mine = [w for w in writes if not target.site.key or w.credential_key == target.site.key]
            outcome = outcomes.decide(
                status=response.status_code, upstream=route.upstream, writes=mine
            )
            if outcome == Outcome.UNCERTAIN and note.confirmed:
                outcome = Outcome.OK
        text = "; ".join(part for part in (target.detail or detail, problem) if part)
        rows.append(
            AuditEntry(
                user=request.user,
                username=request.user.get_username(),
                action=code,
                action_label=actions.label(code),
                site_url=target.site.base_url,
                site_label=target.site.label,
                object_kind=route.object_kind,
                object_id=_object_id(request, pending),
                ticket_id=ticket if isinstance(ticket, int) else None,
                detail=text[:300],
                outcome=outcome,
                status=response.status_code,
            )
        )
    return rows


def record(request: HttpRequest, response: HttpResponse, pending: Pending) -> list[AuditEntry]:
    return AuditEntry.objects.bulk_create(entries(request, response, pending))
