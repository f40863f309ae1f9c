"""``reverse`` with each URL worked out once per process.

A thread page names some seventy URLs (each message's edit and delete, each property form) and
an inbox page one per row, and Django's ``reverse`` walks the URL patterns and quotes every
argument each time: a tenth of a cold page's rendering. The same view name and arguments always
give the same URL for a given URL configuration and script prefix, so the answer is kept, keyed
on all of them.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@lru_cache(maxsize=8192)
def _reversed(view_name, args, kwargs, current_app, urlconf, root, prefix) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def kept_reverse(
    view_name: str,
    args: tuple[Hashable, ...] = (),
    kwargs: tuple[tuple[str, Hashable], ...] = (),
    current_app: str | None = None,
) -> str:
    """``reverse(view_name, args=args, kwargs=dict(kwargs))``, kept. Raises NoReverseMatch as
    ``reverse`` does (nothing is kept then)."""
    key = (get_urlconf(), settings.ROOT_URLCONF, get_script_prefix())
    try:
        return _reversed(view_name, args, kwargs, current_app, *key)
    except TypeError:  # an argument that cannot be a key: as Django does it
        return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
