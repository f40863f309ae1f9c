"""What a team costs the WordPress sites: upstream calls per site per agent-minute.

A simulated team works for a while, each agent as the browser would: an inbox of every site
open in one tab (its lazy counts, the live-update poll every 30 s, the waiting count in the
title every 60 s) and, in another tab, a new ticket opened every 30 s (the thread page and
every fragment it loads, then "who else is viewing" every 20 s while it is open). The agents
start spread over the first 30 s, as people arrive, not in lock step.

Every agent is a dashboard user with their own connection to every site, so nothing one agent
read is served to another from the cache: the figure is what each added agent costs. It is
read from the sites' own request logs over the second half of the run (the first half warms
the caches, as a working day does), divided by sites, agents and minutes.
"""

from __future__ import annotations

import heapq
import html
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from dashboard.benchmark.harness import Account, Harness
from dashboard.benchmark.http import DashboardClient
from dashboard.benchmark.report import Figure
from dashboard.benchmark.sampling import route_name, visit

LIVE_POLL_S = 30.0  # static/js/inbox.js
WAITING_POLL_S = 60.0  # static/js/workflow.js (the title's waiting count)
THREAD_EVERY_S = 30.0
PRESENCE_POLL_S = 20.0  # templates/tickets/thread.html, hx-trigger "every 20s"
TARGET_PER_SITE_AGENT_MINUTE = 6.0

_LIVE = re.compile(r'id="live"[^>]*hx-get="([^"]+)"')
_THREAD = re.compile(r'href="(/sites/[a-z0-9-]+/tickets/\d+/[^"#]*)"')
_PRESENCE = re.compile(r'id="presence"[^>]*hx-get="([^"]+)"')


@dataclass
class TeamResult:
    agents: int
    sites: int
    seconds: float
    steady_seconds: float
    steady_calls: int
    total_calls: int
    requests: int
    errors: int
    routes: Counter = field(default_factory=Counter)

    @property
    def per_site_agent_minute(self) -> float | None:
        minutes = self.steady_seconds / 60.0
        if not (self.agents and self.sites and minutes):
            return None
        return self.steady_calls / (self.sites * self.agents * minutes)


class Agent:
    """One agent's two tabs, driven by a schedule of what the browser would do next."""

    def __init__(self, harness: Harness, account: Account, number: int, start: float) -> None:
        self.client: DashboardClient = harness.client(account)
        self.base_url = harness.base_url
        self.number = number
        self.start = start
        self.live_url = ""
        self.presence_url = ""
        self.threads: list[str] = []
        self.opened = 0
        self.requests = 0
        self.errors = 0

    def _get(self, url: str, headers: dict[str, str] | None = None) -> str:
        return self._fetch(url, headers).text

    def _view(self, key: str, url: str) -> list[str]:
        views = visit(self._fetch, key, url, base_url=self.base_url)
        return [item.sample.text for item in views]

    def _fetch(self, url: str, headers: dict[str, str] | None):
        sample = self.client.get(url, headers=headers)
        self.requests += 1
        if sample.status != 200:
            self.errors += 1
        return sample

    def open_inbox(self) -> None:
        page = self._view("inbox_all", "/")[0]
        found = _LIVE.search(page)
        self.live_url = html.unescape(found.group(1)) if found else ""
        self.threads = list(dict.fromkeys(html.unescape(u) for u in _THREAD.findall(page)))

    def poll_live(self) -> None:
        if self.live_url:
            self._get(self.live_url, {"HX-Request": "true", "HX-Target": "live"})

    def poll_waiting(self) -> None:
        self._get("/workflow/waiting-count/")

    def open_thread(self) -> None:
        if not self.threads:
            return
        # Agents work through different tickets of the same list.
        url = self.threads[(self.number + self.opened * 7) % len(self.threads)]
        self.opened += 1
        texts = self._view("thread", url)
        found = _PRESENCE.search(texts[0]) if texts else None
        self.presence_url = html.unescape(found.group(1)) if found else ""

    def poll_presence(self) -> None:
        if self.presence_url:
            self._get(self.presence_url, {"HX-Request": "true", "HX-Target": "presence"})

    def work(self, until: float, stop: threading.Event) -> None:
        """Run the schedule until ``until`` (monotonic) or ``stop``."""
        if stop.wait(max(0.0, self.start - time.monotonic())):
            return
        now = time.monotonic()
        self.open_inbox()
        self.poll_waiting()
        self.open_thread()
        schedule = [
            (now + LIVE_POLL_S, "live"),
            (now + WAITING_POLL_S, "waiting"),
            (now + THREAD_EVERY_S, "thread"),
            (now + PRESENCE_POLL_S, "presence"),
        ]
        heapq.heapify(schedule)
        actions = {
            "live": (self.poll_live, LIVE_POLL_S),
            "waiting": (self.poll_waiting, WAITING_POLL_S),
            "thread": (self.open_thread, THREAD_EVERY_S),
            "presence": (self.poll_presence, PRESENCE_POLL_S),
        }
        while True:
            due, name = heapq.heappop(schedule)
            if due >= until or stop.wait(max(0.0, due - time.monotonic())):
                return
            action, every = actions[name]
            action()
            heapq.heappush(schedule, (due + every, name))


def run(harness: Harness) -> TeamResult:
    options = harness.options
    seconds = options.team_seconds
    accounts = harness.team
    spread = min(THREAD_EVERY_S, seconds / 4)
    began = time.monotonic() + 2.0  # every agent logged in before the first starts
    agents = [
        Agent(harness, account, number, began + spread * number / max(1, len(accounts)))
        for number, account in enumerate(accounts)
    ]
    until = began + seconds
    stop = threading.Event()
    positions = harness.log_positions()
    threads = [
        threading.Thread(target=agent.work, args=(until, stop), daemon=True) for agent in agents
    ]
    for thread in threads:
        thread.start()
    halfway = began + seconds / 2
    # The run's own clock: the first half warms the caches, the second is counted.
    time.sleep(max(0.0, halfway - time.monotonic()))
    middle = harness.log_positions()
    time.sleep(max(0.0, until - time.monotonic()))
    end = harness.log_positions()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    steady = harness.calls_between(middle, end)
    return TeamResult(
        agents=len(agents),
        sites=len(harness.sites),
        seconds=seconds,
        steady_seconds=seconds / 2,
        steady_calls=len(steady),
        total_calls=len(harness.calls_between(positions, end)),
        requests=sum(agent.requests for agent in agents),
        errors=sum(agent.errors for agent in agents),
        routes=Counter(route_name(entry.path) for entry in steady),
    )


def figures(result: TeamResult) -> list[Figure]:
    top = ", ".join(f"{route} x{count}" for route, count in result.routes.most_common(4))
    return [
        Figure(
            "team_calls_per_site_agent_minute",
            f"team of {result.agents}: upstream calls per site per agent-minute",
            result.per_site_agent_minute,
            "per min",
            "<=",
            TARGET_PER_SITE_AGENT_MINUTE,
            f"steady half of {result.seconds:g} s, {result.sites} sites: {result.steady_calls} "
            f"calls; most: {top}",
        ),
        Figure(
            "team_errors",
            "  team: dashboard answers other than 200",
            float(result.errors),
            "errors",
            "<=",
            0,
            f"of {result.requests} requests",
        ),
    ]
