"""Connecting, verifying and removing sites, and what every page needs from them."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from dashboard.fluent import client as fluent_client
from dashboard.fluent import trace as upstream_trace
from dashboard.fluent.client import FluentClient
from dashboard.fluent.discovery import ConnectError, SiteInfo, normalise_base_url, probe
from dashboard.sites.models import Site, TeamSite, new_cache_token, next_tone, unique_slug


class NotInTeam(ConnectError):
    """The address is no team site yet, and this user may not add one."""


def _apply(site: Site, info: SiteInfo) -> None:
    site.site_name = info.site_name[:200]
    site.timezone = info.timezone or "UTC"
    site.wp_user_id = info.wp_user_id
    site.display_name = info.display_name[:150]
    site.agent_person_id = info.agent_person_id
    site.permissions = info.permissions
    site.has_crm = info.has_crm
    site.crm_access = info.crm_access
    site.verified_at = timezone.now()
    site.last_error = ""
    site.auth_failed_at = None


# Every frame below holds the password (probe, requests' auth): hide them all.
@sensitive_variables()
def site_connect(
    *,
    owner,
    label: str = "",
    base_url: str,
    username: str,
    app_password: str,
    may_add: bool = True,
) -> tuple[Site, SiteInfo]:
    """Verify against the site first; save only a credential that works.

    An address the team already has joins that team site (its label stays the team's); a new
    address becomes a team site only for a user who ``may_add`` one."""
    team = TeamSite.objects.filter(base_url=normalise_base_url(base_url)).first()
    if team is None and not may_add:
        raise NotInTeam(
            "not_in_team",
            "This site is not one of the team's yet: ask an admin to add it.",
            field_name="base_url",
        )
    if team is not None and Site.objects.filter(owner=owner, team_site=team).exists():
        raise ConnectError(
            "duplicate", "You have already connected this site.", field_name="base_url"
        )
    info = probe(base_url, username, app_password)
    try:
        with transaction.atomic():
            if team is None:
                name = (label.strip() or info.site_name or info.base_url)[:80]
                team = TeamSite.objects.create(
                    base_url=info.base_url,
                    label=name,
                    slug=unique_slug(name, info.base_url),
                    tone=next_tone(),
                    created_by=owner,
                )
            site = Site(
                owner=owner, team_site=team, username=username.strip(), app_password=app_password
            )
            _apply(site, info)
            site.save()
    except IntegrityError:
        raise ConnectError(
            "duplicate", "You have already connected this site.", field_name="base_url"
        ) from None
    return site, info


@sensitive_variables()
def site_update(*, site: Site, username: str, app_password: str = "") -> SiteInfo:
    """Change a connection's WordPress user or password; an empty password keeps the stored
    one. Verified before saving.

    The stored password is only ever sent back to the user it was given for: a changed username
    needs the password typed again, or anyone holding a session could have the dashboard try it
    as somebody else.
    """
    if not app_password and username.strip() != site.username:
        raise ConnectError(
            "password_required",
            "Enter the Application Password again: the username changed.",
            field_name="app_password",
        )
    password = app_password or site.app_password
    info = probe(site.base_url, username, password)
    old_cache_key = site.cache_key
    site.username = username.strip()
    site.app_password = password
    _apply(site, info)
    site.cache_token = new_cache_token()
    site.save()
    fluent_client.forget_credential(old_cache_key)
    return info


def team_site_update(*, team_site: TeamSite, label: str, tone: int) -> None:
    """The team's name and colour of a site; its address and slug never change, so links
    stay valid."""
    team_site.label = label.strip()[:80] or team_site.label
    team_site.tone = tone
    team_site.save(update_fields=["label", "tone"])


def team_site_remove(*, team_site: TeamSite) -> int:
    """Remove a site from the team: every agent's connection and cached data go with it."""
    connections = list(team_site.connections.all())
    for site in connections:
        site_remove(site=site)
    team_site.delete()
    return len(connections)


@sensitive_variables()
def site_verify(*, site: Site) -> SiteInfo:
    try:
        info = probe(site.base_url, site.username, site.app_password)
    except ConnectError as error:
        Site.objects.filter(pk=site.pk).update(
            last_error=error.message[:500],
            auth_failed_at=timezone.now() if error.kind == "auth" else site.auth_failed_at,
        )
        raise
    _apply(site, info)
    site.save()
    return info


def site_remove(*, site: Site) -> None:
    key = site.cache_key
    site.delete()
    fluent_client.forget_credential(key)


def client_for(site: Site) -> FluentClient:
    return fluent_client.client_for(site.credential())


def refused_sites(user, trace: upstream_trace.Trace | None) -> list[Site]:
    """The user's sites whose password is refused: marked by an earlier request, or refused
    in this one (marked at its end), and not accepted again in this one."""
    refused, accepted = _keys(trace)
    return [
        site
        for site in Site.objects.for_user(user)
        if site.cache_key in refused or (site.needs_reconnect and site.cache_key not in accepted)
    ]


def settle_refusals(user, trace: upstream_trace.Trace) -> None:
    """At the end of a request, from what the sites answered in it: mark the sites that
    refused their password (every page then links to reconnect them) and clear the mark of
    those that accepted it again (restored on the site, or the refusal was a passing fault)."""
    refused, accepted = _keys(trace)
    if not refused and not accepted:
        return
    sites = list(Site.objects.for_user(user))
    newly = [s.pk for s in sites if not s.needs_reconnect and s.cache_key in refused]
    if newly:
        Site.objects.filter(pk__in=newly).update(
            auth_failed_at=timezone.now(),
            last_error="WordPress refused the stored Application Password.",
        )
    recovered = [s.pk for s in sites if s.needs_reconnect and s.cache_key in accepted - refused]
    if recovered:
        Site.objects.filter(pk__in=recovered).update(auth_failed_at=None, last_error="")


def _keys(trace: upstream_trace.Trace | None) -> tuple[set[str], set[str]]:
    """The credentials refused and accepted in the request (copies: reads may still run)."""
    if trace is None:
        return set(), set()
    with trace.lock:
        return set(trace.refused), set(trace.accepted)
