"""Connecting, verifying and removing sites, and what every page needs from them."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from dashboard.fluent import client as fluent_client
from dashboard.fluent import trace as upstream_trace
from dashboard.fluent.client import FluentClient
from dashboard.fluent.discovery import ConnectError, SiteInfo, normalise_base_url, probe
from dashboard.sites.models import Site, new_cache_token


def _apply(site: Site, info: SiteInfo) -> None:
    site.base_url = info.base_url
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
    *, owner, label: str, base_url: str, username: str, app_password: str
) -> tuple[Site, SiteInfo]:
    """Verify against the site first; save only a credential that works."""
    info = probe(base_url, username, app_password)
    if Site.objects.filter(owner=owner, base_url=info.base_url).exists():
        raise ConnectError(
            "duplicate", "You have already connected this site.", field_name="base_url"
        )
    site = Site(
        owner=owner,
        label=(label.strip() or info.site_name or info.base_url)[:80],
        username=username.strip(),
        app_password=app_password,
    )
    _apply(site, info)
    try:
        with transaction.atomic():
            site.save()
    except IntegrityError:
        raise ConnectError(
            "duplicate", "You have already connected this site.", field_name="base_url"
        ) from None
    return site, info


@sensitive_variables()
def site_update(
    *, site: Site, label: str, base_url: str, username: str, app_password: str = ""
) -> SiteInfo:
    """Change a connection; an empty password keeps the stored one. Verified before saving.

    The stored password is only ever sent back to the address and user it was given for: a
    changed address or username needs the password typed again, or anyone holding a session
    could have the dashboard send it to a server of their choice.
    """
    if not app_password and (
        normalise_base_url(base_url) != site.base_url or username.strip() != site.username
    ):
        raise ConnectError(
            "password_required",
            "Enter the Application Password again: the address or username changed.",
            field_name="app_password",
        )
    password = app_password or site.app_password
    info = probe(base_url, username, password)
    if Site.objects.filter(owner=site.owner, base_url=info.base_url).exclude(pk=site.pk).exists():
        raise ConnectError(
            "duplicate", "You have already connected this site.", field_name="base_url"
        )
    old_cache_key = site.cache_key
    site.label = (label.strip() or site.label)[:80]
    site.username = username.strip()
    site.app_password = password
    _apply(site, info)
    site.cache_token = new_cache_token()
    site.save()
    fluent_client.forget_credential(old_cache_key)
    return info


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
