"""Login throttling against password guessing, kept in Django's cache (Redis in production).

Failures are counted per username and per client address over a window; past the limit the
login form refuses to check passwords until the window has passed, and says so.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 15 * 60


def _limit(kind: str) -> int:
    return {"user": settings.LOGIN_FAILURES_PER_USER, "ip": settings.LOGIN_FAILURES_PER_IP}[kind]


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def client_ip(request) -> str:
    """The address the host's router saw, not one the client claims.

    Each proxy in front of the app appends the address it received the request from to
    X-Forwarded-For, so only the right-most ``TRUSTED_PROXY_COUNT`` entries were written by
    proxies we trust; anything to their left came from the client and may be forged. With no
    trusted proxy (a laptop, or gunicorn facing the internet) the socket's peer is the client.
    """
    count = settings.TRUSTED_PROXY_COUNT
    peer = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return peer
    entries = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(entries) < count:
        # Fewer entries than trusted proxies: the request did not come through them all, so the
        # header is not theirs and the peer is the best address we have.
        return peer
    return entries[-count]


def is_locked(username: str, ip: str) -> bool:
    counts = cache.get_many([_key("user", username), _key("ip", ip)])
    return counts.get(_key("user", username), 0) >= _limit("user") or counts.get(
        _key("ip", ip), 0
    ) >= _limit("ip")


def record_failure(username: str, ip: str) -> None:
    for kind, value in (("user", username), ("ip", ip)):
        key = _key(kind, value)
        if cache.add(key, 1, WINDOW_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)


def clear(username: str) -> None:
    cache.delete(_key("user", username))
