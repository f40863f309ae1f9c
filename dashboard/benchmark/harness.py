"""The measuring side of a benchmark run: gunicorn, the simulated sites and the users, set up
and torn down in one temporary folder.

Two processes take part. ``manage.py benchmark`` (the *launcher*, launcher.py) already runs with the
checkout's settings, so it only creates the workspace, builds a production-like environment
(``DEBUG`` off, fresh keys, a SQLite file and upstream cache inside the workspace) and starts
``python -m dashboard.benchmark`` with it. That *measuring* process therefore reads exactly the
settings gunicorn will read, with no settings patched at run time: it migrates, creates the
benchmark users, starts gunicorn as the Procfile does, runs the simulated sites in its own
threads, connects them through ``site_connect`` (the code path a person's credentials take) and
measures. Whatever happens, gunicorn is stopped, the sites are stopped and the workspace removed:
the measuring process stops what it started, the launcher removes the folder and, should the
measuring process die abruptly, any gunicorn it left behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from dashboard.benchmark.http import DashboardClient
from dashboard.benchmark.options import Options
from dashboard.benchmark.processes import (
    BASE_DIR,
    GUNICORN_PID_FILE,
    free_port,
    stop,
    terminate_with_parent,
    web_command,
)


@dataclass
class RunningSite:
    """One simulated WordPress site and its server, with the dashboard's Site rows for it."""

    site: object  # dashboard.simulator.SimulatedSite
    server: object  # dashboard.simulator.SimulatorServer
    site_ids: dict[str, int] = field(default_factory=dict)  # benchmark username -> Site.pk
    slug: str = ""  # how every URL names the team site, the same for every account

    @property
    def base_url(self) -> str:
        return self.server.base_url


@dataclass
class Account:
    username: str
    password: str


class Harness:
    """Everything the measurements use: gunicorn, the sites, the users and their clients.

    Built inside ``python -m dashboard.benchmark``, after Django was set up with the workspace's
    settings. Use as a context manager: leaving it stops gunicorn and the sites.
    """

    def __init__(self, options: Options, workspace: Path, log: TextIO = sys.stderr) -> None:
        self.options = options
        self.workspace = workspace
        self.log = log
        self.sites: list[RunningSite] = []
        self.gunicorn: subprocess.Popen | None = None
        self.gunicorn_command: list[str] = []
        self.port = 0
        # "bench" has every site; "bench-one" only the first, for the one-site baseline of the
        # merged inbox (same page, same code, one site instead of N).
        self.all_sites = Account("bench", secrets.token_urlsafe(16))
        self.one_site = Account("bench-one", secrets.token_urlsafe(16))
        # The simulated team (team.py): each agent with their own connection to every site.
        self.team = [
            Account(f"bench-agent-{n + 1}", secrets.token_urlsafe(16))
            for n in range(options.team_size)
        ]
        self._site_keys: list[str] = []

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Harness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def say(self, text: str) -> None:
        self.log.write(f"  · {text}\n")
        self.log.flush()

    def setup(self) -> None:
        from django.core.management import call_command

        started = time.perf_counter()
        steps: list[str] = []

        def step(name: str, since: float) -> float:
            now = time.perf_counter()
            steps.append(f"{name} {now - since:.1f} s")
            return now

        mark = started
        call_command("migrate", interactive=False, verbosity=0)
        mark = step("migrate", mark)
        call_command("collectstatic", interactive=False, verbosity=0)
        mark = step("collectstatic", mark)
        self._create_users()
        # gunicorn starts before any thread exists in this process (the simulated sites run in
        # threads): forking a threaded process is where subprocess' pre-exec hook is unsafe.
        self._start_gunicorn()
        self._start_sites()
        self._connect_sites()
        mark = step("sites", mark)
        for running in self.sites:
            running.site.set_latency(self.options.latency_ms)
        self._wait_until_ready()
        step("gunicorn", mark)
        self.say(
            f"ready in {time.perf_counter() - started:.1f} s ({', '.join(steps)}): "
            f"{len(self.sites)} sites at L={self.options.latency_ms:g} ms, gunicorn on "
            f"127.0.0.1:{self.port}; load average {os.getloadavg()[0]:.1f}"
        )

    def close(self) -> None:
        if self.gunicorn is not None:
            # SIGINT is gunicorn's quick shutdown: nothing is left to serve, so there is no
            # point waiting for the clients' idle keep-alive connections to close.
            stop(self.gunicorn, grace=10, group=True, sig=signal.SIGINT)
            self.gunicorn = None
            (self.workspace / GUNICORN_PID_FILE).unlink(missing_ok=True)
        for running in self.sites:
            with contextlib.suppress(Exception):
                running.server.stop()
        if self.options.redis_url:
            with contextlib.suppress(Exception):
                self._clear_redis()
        from django.db import connections

        connections.close_all()

    # ------------------------------------------------------------------ setup steps
    def _create_users(self) -> None:
        from django.contrib.auth import get_user_model

        from dashboard.accounts.roles import AGENT, TEAM_LEAD, set_role

        users = get_user_model()
        for account in (self.all_sites, self.one_site, *self.team):
            # Staff, so the pages report their upstream calls in Server-Timing.
            user = users.objects.create_user(
                account.username, password=account.password, is_staff=True
            )
            # The measured accounts open the queues and reports; the team works tickets.
            set_role(user, AGENT if account in self.team else TEAM_LEAD)

    def _start_sites(self) -> None:
        from dashboard.simulator import SimulatedSite, SimulatorServer

        for index in range(self.options.sites):
            site = SimulatedSite(seed=index + 1, name=f"Bench Site {index + 1}", crm=True)
            # Each call takes L, the site's own work included: beyond L is the dashboard's.
            site.latency_includes_work = True
            self.sites.append(RunningSite(site=site, server=SimulatorServer(site).start()))

    def _connect_sites(self) -> None:
        """Connect through ``site_connect`` with no latency yet: set-up time is not measured."""
        from django.contrib.auth import get_user_model

        from dashboard.sites.services import site_connect

        users = get_user_model()
        owners = {
            account.username: users.objects.get(username=account.username)
            for account in (self.all_sites, self.one_site, *self.team)
        }
        team = [account.username for account in self.team]
        for index, running in enumerate(self.sites):
            wanted = [self.all_sites.username] + ([self.one_site.username] if index == 0 else [])
            wanted += team
            for username in wanted:
                site, _info = site_connect(
                    owner=owners[username],
                    label=running.site.name,
                    base_url=running.base_url,
                    username="admin",
                    app_password=running.site.users["admin"].app_password,
                )
                running.site_ids[username] = site.pk
                running.slug = site.slug
                self._site_keys.append(site.credential().site_key)
            running.site.clear_log()

    def _start_gunicorn(self) -> None:
        self.port = free_port()
        env = dict(os.environ)
        bind = f"127.0.0.1:{self.port}"
        self.gunicorn_command = [*web_command(env), "--workers", str(self.options.workers)]
        self.gunicorn_command += ["--bind", bind]
        log = (self.workspace / "gunicorn.log").open("ab")
        self.gunicorn = subprocess.Popen(  # noqa: S603 - the Procfile's own command
            self.gunicorn_command,
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # Safe here: gunicorn starts before this process has any thread.
            preexec_fn=terminate_with_parent,
        )
        log.close()
        (self.workspace / GUNICORN_PID_FILE).write_text(str(self.gunicorn.pid))

    def _wait_until_ready(self, timeout: float = 60.0) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.gunicorn is None or self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.gunicorn_log_tail()}")
            try:
                answer = requests.get(f"{self.base_url}/healthz", timeout=2)
                if answer.status_code == 200 and len(self.worker_pids()) >= self.options.workers:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer in {timeout:g} s:\n{self.gunicorn_log_tail()}")

    def gunicorn_log_tail(self, lines: int = 30) -> str:
        try:
            text = (self.workspace / "gunicorn.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def _clear_redis(self) -> None:
        import redis

        prefix = os.environ.get("CACHE_KEY_PREFIX", "")
        connection = redis.Redis.from_url(self.options.redis_url)
        patterns = [f"{prefix}:*"] + [
            f"dashboard-upstream:site-{site_id}-*"
            for running in self.sites
            for site_id in running.site_ids.values()
        ]
        for pattern in patterns:
            for key in connection.scan_iter(match=pattern, count=500):
                connection.delete(key)

    # ------------------------------------------------------------------ what measurements use
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, account: Account):
        client = DashboardClient(self.base_url)
        client.login(account.username, account.password)
        return client

    @property
    def first(self) -> RunningSite:
        return self.sites[0]

    def invalidate_upstream_cache(self) -> None:
        """Make the next read of every site a cache miss, in every gunicorn worker.

        This bumps the per-site generation numbers that are part of every upstream cache key,
        the mechanism a write uses to invalidate what all users have cached: each later read
        misses and goes to the site, exactly as after expiry. Cheaper and cleaner than deleting
        cache files under the workers, and it leaves the workers' connection pools warm, as in
        a long-running server.
        """
        from dashboard.fluent.cache import SCOPES, bump_generation

        for site_key in set(self._site_keys):
            bump_generation(site_key, *sorted(set(SCOPES.values())))

    def log_positions(self) -> list[int]:
        return [len(running.site.request_log) for running in self.sites]

    def calls_since(self, positions: list[int]) -> list:
        """The upstream requests every site logged since ``positions`` (its own log)."""
        entries = []
        for running, start in zip(self.sites, positions, strict=True):
            entries.extend(list(running.site.request_log)[start:])
        return entries

    def calls_between(self, start: list[int], end: list[int]) -> list:
        """The upstream requests every site logged between two readings of its log."""
        entries = []
        for running, first, last in zip(self.sites, start, end, strict=True):
            entries.extend(list(running.site.request_log)[first:last])
        return entries

    def clear_site_logs(self) -> None:
        for running in self.sites:
            running.site.clear_log()

    def worker_pids(self) -> list[int]:
        """The gunicorn master's children, read from /proc."""
        if self.gunicorn is None:
            return []
        master = self.gunicorn.pid
        children: list[int] = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The second field (the command name) may hold spaces; fields after it are fixed.
            fields = stat[stat.rfind(")") + 2 :].split()
            if len(fields) > 1 and int(fields[1]) == master:
                children.append(int(entry.name))
        return sorted(children)

    def worker_rss_mb(self) -> dict[int, float]:
        sizes = {}
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes[pid] = int(line.split()[1]) / 1024.0
            except OSError:
                continue
        return sizes

    def worker_cpu_seconds(self) -> dict[int, float]:
        ticks = os.sysconf("SC_CLK_TCK")
        times = {}
        for pid in self.worker_pids():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            # utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after ")").
            times[pid] = (int(fields[11]) + int(fields[12])) / ticks
        return times

    @contextlib.contextmanager
    def faults(self, kind: str, rate: float) -> Iterator[None]:
        for running in self.sites:
            running.site.add_fault(kind, rate=rate)
        try:
            yield
        finally:
            for running in self.sites:
                running.site.clear_faults()
