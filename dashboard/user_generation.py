"""A number per user that changes whenever they change something of their own that pages show
(a snooze). The page cache keys on it, so nothing rendered before the change is served after."""

from __future__ import annotations

import time

from django.core.cache import cache


def _key(user_id: int) -> str:
    return f"generation:user:{user_id}"


def user_generation(user_id: int) -> int:
    return cache.get(_key(user_id), 0)


def bump_user_generation(user_id: int) -> None:
    """The user changed something of their own that pages show: what was rendered is out of date."""
    cache.set(_key(user_id), time.time_ns(), timeout=None)
