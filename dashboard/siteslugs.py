"""The part of a URL that names a site: the team site's slug, the same for every agent.

A number there is an earlier per-user id (from before sites were the team's); it still opens
for the user whose connection it names, so old bookmarks keep working.
"""

from __future__ import annotations

from typing import Any


class SiteConverter:
    regex = r"[a-z0-9](?:[a-z0-9-]{0,49})"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: Any) -> str:
        slug = getattr(value, "slug", value)
        if not isinstance(slug, str):
            # A connection's number in a new link would open for its owner only: refuse to
            # build one, so a page that tries fails its tests instead of its users.
            raise ValueError("Sites are named in URLs by their slug")
        return slug
