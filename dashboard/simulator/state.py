"""One simulated site's data and controls (latency, faults, the request log), without HTTP:
what every route handler is given as `site`. app.py adds the WSGI entry point on top."""

from __future__ import annotations

import fnmatch
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .data import ADMIN_APP_PASSWORD, ADMIN_USERNAME, build_store
from .serialize import Clock
from .store import Store, User, add_response

FAULT_KINDS = (
    "status_500",
    "status_502",
    "invalid_json",
    "html_200",
    "timeout",
    "reset",
    "revoked_401",
    "forbidden_403",
    "plugin_missing_404",
)
# Long enough to outlast any client timeout; released early by reset(), clear_faults(), stop.
DEFAULT_TIMEOUT_SECONDS = 300.0
VIEWER_TTL_SECONDS = 60.0


@dataclass(frozen=True)
class LoggedRequest:
    """One request the site answered (or dropped: status 0)."""

    method: str
    path: str
    query: str
    status: int
    user: str | None
    started_at: float
    duration_ms: float


@dataclass
class Fault:
    kind: str
    route: str | None
    method: str | None
    rate: float
    seconds: float | None
    rng: random.Random


class SiteState:
    """One WordPress site with Fluent Support and (optionally) FluentCRM, in memory."""

    def __init__(
        self,
        seed: int = 1,
        name: str = "Acme Store",
        crm: bool = True,
        support: bool = True,
        tickets: int = 150,
        customers: int = 60,
        contacts: int = 80,
        hostile: bool = False,
        agents: int = 0,
        tags: int = 0,
        timezone: str = "America/New_York",
        now: datetime | None = None,
        admin_username: str = ADMIN_USERNAME,
        admin_password: str = ADMIN_APP_PASSWORD,
        staff_domain: str | None = None,
    ) -> None:
        self.seed = seed
        self.staff_domain = staff_domain
        self.name = name
        self.crm_enabled = crm
        self.support_enabled = support
        self.hostile = hostile
        self.timezone = timezone
        self.clock = Clock(timezone)
        # The monotonic clock used for "now" after construction and for viewer expiry; tests
        # may replace it to move time forward without sleeping.
        self.monotonic: Callable[[], float] = time.monotonic
        origin = (now or datetime.now(UTC)).astimezone(UTC)
        self.now = origin.replace(microsecond=0)
        # The precise start, read together with the monotonic clock (before the seed data is
        # built, which takes a while), so the running clock matches real time to the second.
        self._origin = origin
        self._started = self.monotonic()
        self._sizes = {
            "tickets": tickets,
            "customers": customers,
            "contacts": contacts,
            "agents": agents,
            "tags": tags,
        }
        self._admin = (admin_username, admin_password)
        self.lock = threading.RLock()
        self._log_lock = threading.Lock()
        self.request_log: list[LoggedRequest] = []
        # Requests being answered: a reset waits for them, so one held by a fault and released
        # by the reset is logged before the log is cleared, never into the next test's log.
        self._in_flight = 0
        self._idle = threading.Condition()
        self._faults: list[Fault] = []
        self._latency_default_ms = 0.0
        self._latency_routes: list[tuple[str, float]] = []
        # Whether a read's latency includes the site's own work (it answers L after the request
        # came, as a site that takes L per call does) rather than coming on top of it. Off by
        # default; the benchmark turns it on, so that what it measures beyond L is ours.
        self.latency_includes_work = False
        self._release = threading.Event()
        self._store = self._build()
        self.viewers: dict[int, dict[int, float]] = {}
        self._sort_cache: dict[tuple[str, bool], tuple[int, list[int]]] = {}
        # What a large site remembers until its next write (memo.py).
        self.memo: dict = {}

    # ----------------------------------------------------------------- data access
    def _build(self) -> Store:
        return build_store(
            seed=self.seed,
            name=self.name,
            now=self.now,
            tickets=self._sizes["tickets"],
            customers=self._sizes["customers"],
            contacts=self._sizes["contacts"],
            agents=self._sizes["agents"],
            tags=self._sizes["tags"],
            hostile=self.hostile,
            admin_username=self._admin[0],
            admin_password=self._admin[1],
            staff_domain=self.staff_domain,
        )

    @property
    def store(self) -> Store:
        return self._store

    @property
    def users(self) -> dict[str, User]:
        return self._store.users

    @property
    def tickets(self) -> dict[int, dict[str, Any]]:
        return self._store.tickets

    @property
    def responses(self) -> dict[int, dict[str, Any]]:
        return self._store.responses

    @property
    def customers(self) -> dict[int, dict[str, Any]]:
        return self._store.customers

    @property
    def agents(self) -> dict[int, dict[str, Any]]:
        return self._store.agents

    @property
    def contacts(self) -> dict[int, dict[str, Any]]:
        return self._store.contacts

    def current_time(self) -> datetime:
        """The seed's `now` plus real time elapsed since construction, to the second."""
        elapsed = max(0.0, self.monotonic() - self._started)
        return (self._origin + timedelta(seconds=elapsed)).replace(microsecond=0)

    # ----------------------------------------------------------------- controls
    def reset(self) -> None:
        """Back to the seed: data, viewers, latency, faults and the request log."""
        self._latency_default_ms = 0.0
        self._latency_routes = []
        self.clear_faults()  # wakes every held request
        self.wait_idle()
        with self.lock:
            # The clock keeps running across resets: a site's time never goes backwards, so
            # a write after a reset is always newer than anything a client saw before it.
            self._store = self._build()
            self.viewers = {}
            self._sort_cache = {}
            self.memo = {}
        self.clear_log()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no request is being answered (at most ``timeout`` seconds)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)

    def _begin(self) -> None:
        with self._idle:
            self._in_flight += 1

    def _end(self) -> None:
        with self._idle:
            self._in_flight -= 1
            self._idle.notify_all()

    def set_latency(self, ms: float, route: str | None = None) -> None:
        """Delay answers by `ms`; `route` is a glob over the path after /wp-json."""
        if route is None:
            self._latency_default_ms = float(ms)
        else:
            self._latency_routes = [(r, v) for r, v in self._latency_routes if r != route]
            self._latency_routes.append((route, float(ms)))

    def add_fault(
        self,
        kind: str,
        route: str | None = None,
        method: str | None = None,
        rate: float = 1.0,
        seconds: float | None = None,
    ) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        seed = f"{self.seed}-{kind}-{route}-{method}-{len(self._faults)}"
        self._faults.append(
            Fault(
                kind, route, method.upper() if method else None, rate, seconds, random.Random(seed)
            )
        )

    def clear_faults(self) -> None:
        self._faults = []
        self.release_hanging()

    def release_hanging(self) -> None:
        """Wake every request held by a `timeout` fault or a latency delay."""
        old = self._release
        self._release = threading.Event()
        old.set()

    def clear_log(self) -> None:
        with self._log_lock:
            self.request_log = []

    def count(self, method: str | None = None, route: str | None = None) -> int:
        """How many logged requests match; `route` globs the path (with or without /wp-json)."""
        total = 0
        for entry in list(self.request_log):
            if method is not None and entry.method != method.upper():
                continue
            if route is not None and not route_matches(route, entry.path):
                continue
            total += 1
        return total

    def add_customer_reply(self, ticket_id: int, html: str) -> dict[str, Any]:
        """Add a reply from the ticket's customer, as the customer portal would."""
        with self.lock:
            ticket = self._store.tickets[ticket_id]
            row = add_response(
                self._store, ticket, ticket["customer_id"], "response", html, self.current_time()
            )
            if ticket["status"] == "closed":
                ticket["status"] = "active"
            return row

    def set_app_password(self, username: str, password: str | None) -> None:
        """Set (or with None revoke) a user's application password."""
        with self.lock:
            self._store.users[username].app_password = password or ""

    def sorted_ticket_ids(self, order_by: str, descending: bool) -> list[int]:
        """Ticket ids in the requested order, cached until the next write."""
        key = (order_by, descending)
        cached = self._sort_cache.get(key)
        if cached and cached[0] == self._store.version:
            return cached[1]
        tickets = self._store.tickets

        def sort_key(tid: int) -> tuple:
            value = tickets[tid].get(order_by)
            if isinstance(value, str):
                value = value.casefold()  # the tables' collation ignores case ("API" < "Bulk")
            return (value is not None, value if value is not None else 0)

        # MySQL's order, as recorded: NULLs first ascending and last descending, and no second
        # sort key, so equal values stay in ascending id order in both directions (a stable
        # sort of the ids, ascending first; reverse=True keeps that stability).
        if order_by == "id":
            ids = sorted(tickets, reverse=descending)
        else:
            ids = sorted(sorted(tickets), key=sort_key, reverse=descending)
        self._sort_cache[key] = (self._store.version, ids)
        return ids

    def edit_agent(
        self,
        person_id: int,
        *,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> None:
        """Change an agent as WordPress would after their profile was edited: the Fluent
        Support person and the WordPress user behind it (until the next reset). Gives two sites
        the same person under different ids and names."""
        changes = {"email": email, "first_name": first_name, "last_name": last_name}
        changes = {key: value for key, value in changes.items() if value is not None}
        with self.lock:
            self._store.persons[person_id].update(changes)
            for user in self._store.users.values():
                if user.person_id == person_id:
                    for key, value in changes.items():
                        setattr(user, key, value)
            self.touch()

    def touch(self) -> None:
        """Record that data changed (invalidates cached sort orders)."""
        self._store.version += 1

    # ----------------------------------------------------------------- per request
    def _log(self, method, path, query, status, username, started_at, started) -> None:
        entry = LoggedRequest(
            method=method,
            path=path,
            query=query,
            status=status,
            user=username,
            started_at=started_at,
            duration_ms=(time.perf_counter() - started) * 1000.0,
        )
        with self._log_lock:
            self.request_log.append(entry)

    def _delay(self, route_path: str, *, since: float | None = None) -> None:
        """Wait the route's latency; from ``since`` (a ``perf_counter`` reading) if given."""
        delay = self._latency_default_ms
        for pattern, ms in self._latency_routes:
            if route_matches(pattern, route_path):
                delay = ms
        if since is not None:
            delay -= (time.perf_counter() - since) * 1000.0
        if delay > 0:
            self._release.wait(delay / 1000.0)

    def _pick_fault(self, route_path: str, method: str) -> Fault | None:
        for fault in list(self._faults):
            if fault.method is not None and fault.method != method:
                continue
            if fault.route is not None and not route_matches(fault.route, route_path):
                continue
            if fault.rate >= 1.0 or fault.rng.random() < fault.rate:
                return fault
        return None


def route_matches(pattern: str, path: str) -> bool:
    candidates = [path]
    if path.startswith("/wp-json"):
        candidates.append(path[len("/wp-json") :] or "/")
    return any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates)
