"""Small presentation pieces every screen shares: times, avatars, pills, badges, safe HTML.

Registered as template builtins (settings.TEMPLATES), so no template needs ``{% load %}``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from dashboard.durations import compact_duration
from dashboard.html import clean_html, html_to_text

register = template.Library()


def _exact(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%a %d %b %Y, %H:%M %Z")


@register.simple_tag
def when(moment: datetime | None, suffix: str = " ago") -> SafeString:
    """Relative time with the exact local time on hover."""
    if moment is None:
        return mark_safe('<span class="muted">—</span>')
    delta = (timezone.now() - moment).total_seconds()
    text = compact_duration(delta)
    label = (
        text
        if text == "now"
        else f"{text}{suffix}"
        if delta >= 0
        else f"in {compact_duration(-delta)}"
    )
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', moment.isoformat(), _exact(moment), label
    )


@register.simple_tag
def waiting(moment: datetime | None) -> SafeString:
    """How long the customer has been waiting, highlighted past the configured thresholds."""
    if moment is None:
        return mark_safe("")
    hours = (timezone.now() - moment).total_seconds() / 3600
    thresholds = sorted(settings.WAITING_THRESHOLDS_HOURS)
    level = sum(1 for limit in thresholds if hours >= limit)
    return format_html(
        '<time class="waiting waiting-{}" datetime="{}" title="Waiting since {}">{}</time>',
        level,
        moment.isoformat(),
        _exact(moment),
        compact_duration(hours * 3600),
    )


def tone_for(text: str) -> int:
    return int(hashlib.sha256(text.lower().encode()).hexdigest()[:8], 16) % 12


_GRAVATAR = re.compile(r"^https://(?:www\.|secure\.)?gravatar\.com/avatar/([0-9a-f]{32})")


def _picture_url(url: str) -> str:
    """With AVATARS=gravatar, Gravatar pictures at the size we show, with no generated fallback
    image: when a person has none, the initials underneath stay visible (and the URL is a third
    as long). Any other picture, and every picture with AVATARS=initials, is not shown: each
    would tell another host who is looking at which customer."""
    match = _GRAVATAR.match(url)
    if settings.AVATARS != "gravatar" or not match:
        return ""
    return f"https://www.gravatar.com/avatar/{match.group(1)}?s=64&d=blank"


@register.simple_tag
def avatar(person, size: str = "") -> SafeString:
    """The upstream picture when it is an https URL, else initials on a stable colour."""
    if person is None:
        return mark_safe("")
    css = f"avatar avatar-{size}" if size else "avatar"
    picture = _picture_url(getattr(person, "picture", ""))
    name = getattr(person, "name", "")
    initials = getattr(person, "initials", "") or (name[:1].upper() or "?")
    key = getattr(person, "email", "") or name
    if picture:
        # Initials stay underneath: a picture that fails to load is removed by app.js.
        return format_html(
            '<span class="{} tone-{}" aria-hidden="true">{}<img src="{}" alt="" loading="lazy" '
            'referrerpolicy="no-referrer"></span>',
            css,
            tone_for(key),
            initials,
            picture,
        )
    return format_html(
        '<span class="{} tone-{}" aria-hidden="true">{}</span>', css, tone_for(key), initials
    )


STATUS_LABELS = {"new": "New", "active": "Active", "closed": "Closed"}


@register.simple_tag
def status_pill(status: str) -> SafeString:
    css = status if status in STATUS_LABELS else "closed"
    return format_html(
        '<span class="pill pill-{}">{}</span>', css, STATUS_LABELS.get(status, status.title())
    )


PRIORITY_ICONS = {"critical": "▲", "medium": "◆", "normal": "·"}


@register.simple_tag
def priority_label(priority: str) -> SafeString:
    icon = PRIORITY_ICONS.get(priority, "·")
    return format_html(
        '<span class="priority priority-{}"><span aria-hidden="true">{}</span> {}</span>',
        priority if priority in PRIORITY_ICONS else "normal",
        icon,
        (priority or "normal").capitalize(),
    )


@register.simple_tag
def site_badge(site) -> SafeString:
    return format_html(
        '<span class="site-badge tone-{}" title="{}">{}</span>', site.tone, site.label, site.badge
    )


@register.filter
def safe_html(value: str, base_url: str = "") -> SafeString:
    """Upstream HTML after nh3; the only way upstream markup reaches a page."""
    return mark_safe(clean_html(value or "", base_url=base_url))  # noqa: S308 (sanitised)


@register.filter
def excerpt(value: str, limit: int = 140) -> str:
    return html_to_text(value or "", limit=int(limit))


@register.inclusion_tag("includes/copy_link.html", takes_context=True)
def copy_link(context, path: str, what: str) -> dict:
    """A link to ``path`` anyone on the team can open (sites are named by slug), as a button
    that copies it; without JavaScript it is the link itself."""
    request = context.get("request")
    url = request.build_absolute_uri(path) if request is not None else path
    return {"url": url, "what": what}
