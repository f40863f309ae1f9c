"""Cost as the number of sites grows: an agency running support for thirty client sites (ten
in a quick run). The same pages are read cold by a user with every site and by a user with
the first only: the merged inbox must come within 1.5 times the one-site inbox, its counts
and the queues figures must cost a bounded number of calls per view whatever the number of
sites (counts.EAGER_SITES, figures.SITES_PER_VIEW), and the workers' memory must stay flat
while they serve them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dashboard.benchmark.fleet import Fleet, median
from dashboard.benchmark.harness import Harness
from dashboard.benchmark.http import Sample
from dashboard.benchmark.report import Figure

HTMX = {"HX-Request": "true"}
PAGES = {
    "inbox": ("/", None),
    "counts": ("/tickets/counts/", HTMX),
    "queues": ("/queues/stats/", HTMX),
}


@dataclass
class AgencyResult:
    sites: int
    samples: dict[str, dict[str, list[Sample]]] = field(default_factory=dict)  # user -> page
    rss_before: dict[int, float] = field(default_factory=dict)
    rss_middle: dict[int, float] = field(default_factory=dict)
    rss_after: dict[int, float] = field(default_factory=dict)
    fleet: Fleet | None = None

    def wall(self, user: str, page: str) -> float | None:
        """The dashboard's side: each sample less its slowest call's time beyond L (the
        simulated sites share one process, so thirty answering at once queue for it)."""
        return self.fleet.own_wall(self.samples[user][page])

    def routes(self, user: str, page: str) -> str:
        """The routes of the sample with the most calls, e.g. ``GET /tickets x6``."""
        samples = self.samples[user][page]
        if not samples:
            return ""
        worst = max(samples, key=lambda s: s.site_calls)
        counts = Counter(worst.routes)
        return ", ".join(f"{r} x{n}" if n > 1 else r for r, n in sorted(counts.items()))

    def raw_wall(self, user: str, page: str) -> float | None:
        return median([s.wall_ms for s in self.samples[user][page]])

    def calls(self, user: str, page: str) -> int | None:
        return max((s.site_calls for s in self.samples[user][page]), default=None)


def run(harness: Harness) -> AgencyResult:
    options = harness.options
    count = 10 if options.quick else 30
    fleet = Fleet(harness)
    try:
        agency, one = fleet.account("bench-agency"), fleet.account("bench-agency-one")
        for number in range(count):
            running = fleet.start(
                seed=100 + number,
                name=f"Client {number + 1:02d}",
                tickets=60,
                customers=30,
                contacts=20,
            )
            fleet.connect(running, agency)
            if number == 0:
                fleet.connect(running, one)
        fleet.set_latency()
        clients = {"all": harness.client(agency), "one": harness.client(one)}
        result = AgencyResult(count, {user: {} for user in clients}, fleet=fleet)
        # One unmeasured round warms the workers; memory is read after it.
        for user, client in clients.items():
            _view(fleet, client, result, user, record=False)
        result.rss_before = harness.worker_rss_mb()
        rounds = max(2, options.samples - 1)
        for number in range(rounds):
            if number == rounds // 2:
                result.rss_middle = harness.worker_rss_mb()
            for user, client in clients.items():
                _view(fleet, client, result, user, record=True)
        result.rss_after = harness.worker_rss_mb()
    finally:
        fleet.stop()
    return result


def _view(fleet: Fleet, client, result: AgencyResult, user: str, *, record: bool) -> None:
    """One visit of each page cold; the counts right after the inbox, as the browser asks."""
    for page, (path, headers) in PAGES.items():
        if page != "counts":
            fleet.cold()
        sample = fleet.read(client, path, headers)
        if record:
            result.samples[user].setdefault(page, []).append(sample)


def figures(result: AgencyResult) -> list[Figure]:
    from dashboard.benchmark.budgets import agency_budgets
    from dashboard.queues.figures import SITES_PER_VIEW
    from dashboard.tickets.counts import EAGER_SITES

    budgets = agency_budgets(result.calls("one", "queues") or 0)
    n = result.sites
    wall_all, wall_one = result.wall("all", "inbox"), result.wall("one", "inbox")

    def growth(since: dict[int, float]) -> float | None:
        values = [result.rss_after[pid] - since[pid] for pid in result.rss_after if pid in since]
        return max(values) if values else None

    first_views = growth(result.rss_before)
    return [
        Figure(
            "agency_inbox_ratio",
            f"all-sites inbox, {n} sites / 1 site, cold",
            wall_all / wall_one if wall_all and wall_one else None,
            "ratio",
            "<=",
            budgets["inbox_ratio"],
            f"{wall_all or 0:.0f} ms / {wall_one or 0:.0f} ms less the sites' own time beyond L "
            f"(raw {result.raw_wall('all', 'inbox') or 0:.0f} / "
            f"{result.raw_wall('one', 'inbox') or 0:.0f} ms); {result.calls('all', 'inbox')} "
            "calls, one per site, in parallel",
        ),
        Figure(
            "agency_counts_calls",
            f"  its counts, {n} sites: upstream calls per view",
            result.calls("all", "counts"),
            "calls",
            "<=",
            budgets["counts"],
            f"past {EAGER_SITES} sites only what the list read (cache hits); the rest on "
            f"'Count all'; 1 site: {result.calls('one', 'counts')}; worst: "
            f"{result.routes('all', 'counts') or 'none'}",
        ),
        Figure(
            "agency_queues_calls",
            f"queues figures, {n} sites: upstream calls per view",
            result.calls("all", "queues"),
            "calls",
            "<=",
            budgets["queues"],
            f"{SITES_PER_VIEW} sites a view, the others a click away; 1 site: "
            f"{result.calls('one', 'queues')} calls; cold wall "
            f"{result.wall('all', 'queues') or 0:.0f} ms",
        ),
        Figure(
            "agency_rss_growth_mb",
            f"  worker memory while serving {n} sites, growth",
            growth(result.rss_middle),
            "MB",
            "<=",
            budgets["rss_growth_mb"],
            "over the second half of the measured views ("
            + ("n/a" if first_views is None else f"{first_views:.0f}")
            + " MB over all of them); after: "
            + ", ".join(f"{v:.0f}" for v in result.rss_after.values())
            + " MB",
        ),
    ]
