"""Replaying a recorded write sequence (``seq_*``) against a simulated site.

The sequences were recorded on a second real site, so their ids name objects the simulator
does not have: a replay keeps a map from the real ids to the simulator's, rewrites each request
through it, and compares the VALUES each step stores and answers with the recorded ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME

from .captures import load

SITE_ZONE = ZoneInfo("America/New_York")  # the recording site's zone (README of the captures)


class Replay:
    """One sequence's requests, sent to one simulated site with the admin's credentials."""

    def __init__(self, sim_site: Any) -> None:
        self.sim_site = sim_site
        self.site = sim_site.site
        self.ids: dict[str, dict[int, int]] = {"ticket": {}, "customer": {}, "response": {}}

    def map(self, kind: str, real: Any, simulated: Any) -> None:
        self.ids[kind][int(real)] = int(simulated)

    def sim_id(self, kind: str, real: Any) -> int:
        return self.ids[kind][int(real)]

    def path(self, name: str) -> str:
        """The capture's path with every known real id replaced by the simulator's."""
        parts = load(name)["request"]["path"].split("/")
        kinds = {"tickets": "ticket", "customers": "customer", "responses": "response"}
        for index in range(1, len(parts)):
            kind = kinds.get(parts[index - 1])
            if kind and parts[index].isdigit() and int(parts[index]) in self.ids[kind]:
                parts[index] = str(self.ids[kind][int(parts[index])])
        return "/".join(parts)

    def send(self, name: str, body: Any = None, *, query: Any = None) -> requests.Response:
        """The recorded request (or the given body instead of the recorded one), as admin."""
        request = load(name)["request"]
        return requests.request(
            request["method"],
            self.sim_site.base_url + self.path(name),
            params=request["query"] if query is None else query,
            json=request["body"] if body is None else body,
            auth=(ADMIN_USERNAME, ADMIN_APP_PASSWORD),
            timeout=10,
        )


def instant(value: str | None) -> datetime | None:
    """A recorded time as an aware instant: ISO-8601 UTC, or naive site-local."""
    if value is None:
        return None
    if "T" in value:
        return datetime.fromisoformat(value).astimezone(UTC)
    return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SITE_ZONE).astimezone(UTC)
