"""Cost as a site grows: the same pages read cold against a small site (200 tickets) and a
large one (50,000 tickets, 20,000 customers, 300 tags, 40 agents; 5,000 tickets in a quick
run). Each site has a dashboard user of its own, so "all sites" is that one site. What must
hold: every page asks the large site exactly as many calls as the small one, and its cold
wall time is within 1.2 times.

The large site answers from indexes kept until its next write (simulator/memo.py), primed by
one unmeasured round; its own time beyond L per call is reported beside the figures, so a
slower simulator would show there rather than pass for the dashboard's time.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field

from dashboard.benchmark.budgets import fragment_kind
from dashboard.benchmark.fleet import Fleet, median
from dashboard.benchmark.harness import Harness
from dashboard.benchmark.http import DashboardClient, Sample, lazy_fragments
from dashboard.benchmark.report import Figure
from dashboard.benchmark.sampling import pick_ticket

HTMX = {"HX-Request": "true"}
SIZES = {
    "small": {"tickets": 200, "customers": 120, "contacts": 80},
    "large": {"tickets": 50_000, "customers": 20_000, "contacts": 2_000, "agents": 40, "tags": 300},
    "large_quick": {
        "tickets": 5_000,
        "customers": 2_000,
        "contacts": 500,
        "agents": 40,
        "tags": 300,
    },
}
PAGES = (
    ("inbox_one", "inbox, one site"),
    ("counts_one", "  ↳ its counts"),
    ("inbox_all", "inbox, all sites"),
    ("thread", "thread page"),
    ("panel", "  ↳ customer panel"),
    ("queues", "queues figures"),
    ("directory", "customers directory"),
)


@dataclass
class SizedSite:
    name: str
    tickets: int
    client: DashboardClient
    paths: dict[str, tuple[str, dict[str, str] | None]] = field(default_factory=dict)
    samples: dict[str, list[Sample]] = field(default_factory=dict)


@dataclass
class GrowthResult:
    sites: list[SizedSite]
    fleet: Fleet
    build_seconds: float
    build_mb: float

    def rows(self) -> list[dict]:
        small, large = self.sites
        rows = []
        for key, label in PAGES:
            a, b = small.samples.get(key, []), large.samples.get(key, [])
            # The dashboard's side: each sample less its slowest call's time beyond L.
            wall_a, wall_b = self.fleet.own_wall(a), self.fleet.own_wall(b)
            rows.append(
                {
                    "key": key,
                    "label": label,
                    "calls": [max((s.site_calls for s in a), default=None),
                              max((s.site_calls for s in b), default=None)],
                    "wall_ms": [wall_a, wall_b],
                    "raw_wall_ms": [median([s.wall_ms for s in a]), median([s.wall_ms for s in b])],
                    "server_ms": [_server(a), _server(b)],
                    "ratio": (wall_b / wall_a) if wall_a and wall_b else None,
                    "simulator_ms": [median([self.fleet.own_ms(s) for s in a]),
                                     median([self.fleet.own_ms(s) for s in b])],
                    "kb": [median([s.size / 1000 for s in a]), median([s.size / 1000 for s in b])],
                }
            )  # fmt: skip
        return rows


def _server(samples: list[Sample]) -> float | None:
    """The dashboard's own time for the request (Server-Timing "app"), upstream waits included."""
    return median([s.timing.app_ms for s in samples if s.timing.app_ms is not None])


def run(harness: Harness) -> GrowthResult:
    options = harness.options
    fleet = Fleet(harness)
    sites: list[SizedSite] = []
    build_seconds = build_mb = 0.0
    try:
        for index, size in enumerate(("small", "large_quick" if options.quick else "large")):
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            started = time.perf_counter()
            running = fleet.start(seed=40 + index, name=f"Growth {size}", **SIZES[size])
            if size != "small":
                build_seconds = time.perf_counter() - started
                build_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss
            account = fleet.account(f"bench-growth-{index}")
            fleet.connect(running, account)
            sized = SizedSite(size, len(running.site.tickets), harness.client(account))
            sized.paths = _paths(running.slug, running)
            sites.append(sized)
        fleet.set_latency()
        # One unmeasured round: workers warm, the large site's indexes built.
        for sized in sites:
            _read_all(fleet, sized, record=False)
        for _ in range(max(1, options.samples - 1)):
            for sized in sites:
                _read_all(fleet, sized, record=True)
    finally:
        fleet.stop()
    return GrowthResult(sites, fleet, build_seconds, build_mb)


def _paths(site_id: str, running) -> dict[str, tuple[str, dict[str, str] | None]]:
    from dashboard.tickets.links import thread_url

    ticket_id, _customer = pick_ticket(running.site)
    return {
        "inbox_one": (f"/?site={site_id}", None),
        "counts_one": (f"/tickets/counts/?site={site_id}", HTMX),
        "inbox_all": ("/", None),
        "thread": (thread_url(site_id, ticket_id), None),
        "queues": ("/queues/stats/", HTMX),
        "directory": ("/customers/", None),
    }


def _read_all(fleet: Fleet, sized: SizedSite, *, record: bool) -> None:
    """Each page cold; the customer panel right after its thread page, as the browser asks."""
    for key, (path, headers) in sized.paths.items():
        fleet.cold()
        sample = fleet.read(sized.client, path, headers)
        if record:
            sized.samples.setdefault(key, []).append(sample)
        if key == "thread":
            panel = next(
                (f for f in lazy_fragments(sample.text) if fragment_kind(f.url) == "panel"), None
            )
            if panel is not None:
                answer = fleet.read(sized.client, panel.url, dict(panel.headers))
                if record:
                    sized.samples.setdefault("panel", []).append(answer)


def figures(result: GrowthResult) -> list[Figure]:
    from dashboard.benchmark.budgets import GROWTH_COLD_RATIO

    rows = result.rows()
    small, large = result.sites
    differ = [row["key"] for row in rows if row["calls"][0] != row["calls"][1]]
    ratios = [(row["ratio"], row["key"]) for row in rows if row["ratio"] is not None]
    worst = max(ratios, default=(None, ""))
    simulator = max((row["simulator_ms"][1] or 0.0 for row in rows), default=0.0)
    return [
        Figure(
            "growth_pages_with_more_calls",
            f"site of {large.tickets:,} vs {small.tickets} tickets: pages with other call counts",
            float(len(differ)),
            "kinds",
            "<=",
            0,
            ", ".join(differ) or f"all {len(rows)} pages ask the same calls",
        ),
        Figure(
            "growth_cold_wall_ratio",
            f"  cold wall, {large.tickets:,} / {small.tickets} tickets, worst page",
            worst[0],
            "ratio",
            "<=",
            GROWTH_COLD_RATIO,
            f"{worst[1]}; wall less the slowest call's time beyond L (the simulator's own "
            f"work, at most {simulator:.1f} ms a page at {large.tickets:,} tickets)",
        ),
        Figure(
            "growth_simulator_build",
            f"  simulated site of {large.tickets:,} tickets: built in (s)",
            result.build_seconds,
            "s",
            note=f"{result.build_mb:.0f} MB in the measuring process, once; no request rebuilds it",
        ),
    ]


def print_table(rows: list[dict], out) -> None:
    out.write(
        "\nCost as a site grows (cold; small / large site; cold wall = raw wall less the site's "
        "own time beyond L)\n"
    )
    header = (
        "page",
        "calls",
        "cold wall",
        "ratio",
        "site's own time",
        "raw wall",
        "server",
        "page kB",
    )
    lines = [header]
    for row in rows:
        lines.append(
            (
                row["label"],
                "/".join(_n(v) for v in row["calls"]),
                "/".join(_ms(v) for v in row["wall_ms"]),
                "n/a" if row["ratio"] is None else f"{row['ratio']:.2f}",
                "/".join(_ms(v, 1) for v in row["simulator_ms"]),
                "/".join(_ms(v) for v in row["raw_wall_ms"]),
                "/".join(_ms(v) for v in row["server_ms"]),
                "/".join("n/a" if v is None else f"{v:.1f}" for v in row["kb"]),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for number, line in enumerate(lines):
        out.write("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() + "\n")
        if number == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def _n(value) -> str:
    return "n/a" if value is None else str(value)


def _ms(value, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:.{digits}f} ms"
