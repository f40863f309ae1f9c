"""Simulated sites and users of their own for the phases that vary the sites (growth.py,
agency.py): started, connected and read cold apart from the main run's sites."""

from __future__ import annotations

import contextlib
import secrets
import statistics
from dataclasses import dataclass, field

from dashboard.benchmark.harness import Account, Harness, RunningSite
from dashboard.benchmark.http import DashboardClient, Sample
from dashboard.benchmark.sampling import route_name


@dataclass
class Fleet:
    """Sites started for one phase, the dashboard users connected to them, and the cache keys
    a cold read must miss."""

    harness: Harness
    sites: list[RunningSite] = field(default_factory=list)
    site_keys: set[str] = field(default_factory=set)

    def start(self, **kwargs) -> RunningSite:
        from dashboard.simulator import SimulatedSite, SimulatorServer

        site = SimulatedSite(crm=True, **kwargs)
        running = RunningSite(site=site, server=SimulatorServer(site).start())
        self.sites.append(running)
        return running

    def account(self, username: str) -> Account:
        from django.contrib.auth import get_user_model

        from dashboard.accounts.roles import TEAM_LEAD, set_role

        account = Account(username, secrets.token_urlsafe(16))
        # Staff, so the pages report their upstream calls in Server-Timing.
        user = get_user_model().objects.create_user(
            account.username, password=account.password, is_staff=True
        )
        # Team leads, as the pages measured include Queues.
        set_role(user, TEAM_LEAD)
        return account

    def connect(self, running: RunningSite, account: Account) -> int:
        from django.contrib.auth import get_user_model

        from dashboard.sites.services import site_connect

        site, _info = site_connect(
            owner=get_user_model().objects.get(username=account.username),
            label=running.site.name,
            base_url=running.base_url,
            username="admin",
            app_password=running.site.users["admin"].app_password,
        )
        running.site_ids[account.username] = site.pk
        running.slug = site.slug
        self.site_keys.add(site.credential().site_key)
        return site.pk

    def set_latency(self) -> None:
        for running in self.sites:
            running.site.clear_log()
            running.site.set_latency(self.harness.options.latency_ms)

    def cold(self) -> None:
        """Every later read of these sites misses the upstream cache (see Harness)."""
        from dashboard.fluent.cache import SCOPES, bump_generation

        for key in self.site_keys:
            bump_generation(key, *sorted(set(SCOPES.values())))

    def read(
        self, client: DashboardClient, path: str, headers: dict[str, str] | None = None
    ) -> Sample:
        """GET ``path`` with the calls these sites logged meanwhile, and the longest any of
        them spent beyond the injected latency (its own work, not the dashboard's)."""
        positions = [len(running.site.request_log) for running in self.sites]
        sample = client.get(path, headers=headers)
        calls = [
            entry
            for running, start in zip(self.sites, positions, strict=True)
            for entry in list(running.site.request_log)[start:]
        ]
        sample.site_calls = len(calls)
        sample.routes = [f"{entry.method} {route_name(entry.path)}" for entry in calls]
        sample.slowest_call_ms = max((entry.duration_ms for entry in calls), default=None)
        return sample

    def own_ms(self, sample: Sample) -> float:
        """The slowest call's time beyond L: the simulator's share of the sample's wall."""
        if sample.slowest_call_ms is None:
            return 0.0
        return max(0.0, sample.slowest_call_ms - self.harness.options.latency_ms)

    def own_wall(self, samples: list[Sample]) -> float | None:
        """The median wall time less the simulator's own share: the dashboard's side."""
        return median([s.wall_ms - self.own_ms(s) for s in samples])

    def stop(self) -> None:
        for running in self.sites:
            with contextlib.suppress(Exception):
                running.server.stop()


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None
