"""``reverse`` with each URL worked out once per process.

A thread page names some seventy URLs (each message's edit and delete, each property form) and
an inbox page one per row, and Django's ``reverse`` walks the URL patterns and quotes every
argument each time: a tenth of a cold page's rendering. The same view name and arguments always
give the same URL for a given URL configuration, script prefix and language, so the answer is
kept, keyed on all of them. Only URLs whose arguments are plain strings and integers are kept
(what every template passes): ``True`` and ``1.0`` are keys equal to ``1`` that need not give the
same URL, and a model instance would stay in memory as long as its URL.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_PLAIN = (str, int)


@lru_cache(maxsize=8192)
def _reversed(view_name, args, kwargs, current_app, *context) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


def kept_reverse(
    view_name: str,
    args: tuple[Any, ...] = (),
    kwargs: tuple[tuple[str, Any], ...] = (),
    current_app: str | None = None,
) -> str:
    """``reverse(view_name, args=args, kwargs=dict(kwargs))``, kept. Raises NoReverseMatch as
    ``reverse`` does (nothing is kept then)."""
    plain = all(type(value) in _PLAIN for value in args) and all(
        type(value) in _PLAIN for _, value in kwargs
    )
    if not plain:
        return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)
    context = (get_urlconf(), settings.ROOT_URLCONF, get_script_prefix(), get_language())
    return _reversed(view_name, tuple(args), tuple(kwargs), current_app, *context)
