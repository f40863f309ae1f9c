"""Small wording helpers for the customers screens."""

from __future__ import annotations

import html
from collections.abc import Iterable

from django import template

register = template.Library()


@register.filter
def site_names(sites: Iterable, word: str = "and") -> str:
    """Acme Store, Acme Academy and Beta Labs (or with "or")."""
    labels = [getattr(site, "label", str(site)) for site in sites]
    if len(labels) < 2:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} {word} {labels[-1]}"


@register.filter
def failed_sites(pairs: Iterable) -> list:
    """The sites of (site, error) pairs."""
    return [site for site, _error in pairs]


@register.filter
def unescape_entities(value: str) -> str:
    """FluentCRM text fields (note titles, email subjects) hold entities such as "&lt;": the
    text they stand for, which the template then escapes once for the page."""
    return html.unescape(value or "")
