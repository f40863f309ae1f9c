"""The run's figures, each against its target: cold and warm reads as multiples of L, the
merged inbox's scaling, bytes on the wire, call budgets, throughput and worker memory."""

from __future__ import annotations

from dashboard.benchmark.budgets import COLD_PAGE_OVER_L, PageKind
from dashboard.benchmark.harness import Harness
from dashboard.benchmark.load import LoadResult
from dashboard.benchmark.report import Figure
from dashboard.benchmark.sampling import median


def page_figures(
    harness: Harness,
    kinds: dict[str, PageKind],
    chains: dict[str, list[float]],
    wire: dict[str, tuple[float | None, float | None]],
    load: LoadResult,
    rss_after: dict[int, float],
    worker_share: dict[str, float],
) -> list[Figure]:
    latency_ms = harness.options.latency_ms
    n_sites = len(harness.sites)

    def wall(key: str) -> float | None:
        return median([s.wall_ms for s in kinds[key].cold])

    def ratio(value: float | None, base: float | None) -> float | None:
        return value / base if value is not None and base else None

    def site_ms(key: str) -> str:
        """The cold samples' slowest site answer: wall minus this is the dashboard's part."""
        slowest = median([s.slowest_call_ms for s in kinds[key].cold])
        return "n/a" if slowest is None else f"{slowest:.0f} ms"

    def server(key: str) -> float | None:
        return median([s.timing.app_ms for s in kinds[key].warm])

    def warm_calls(key: str) -> float | None:
        # The worst warm sample, not the median: "no upstream call" must hold for every read.
        return max((s.site_calls for s in kinds[key].warm), default=None)

    over_budget = [kind for kind in kinds.values() if kind.over_budget]
    thread_note = f"{wall('thread') or 0:.0f} ms, slowest site answer {site_ms('thread')}"
    if kinds["thread"].placeholder:
        thread_note = "the thread page is a placeholder: re-run when it is built"
    group = load.groups[0]
    return [
        Figure(
            "cold_thread_over_l",
            "cold thread page, wall / L",
            ratio(wall("thread"), latency_ms),
            "xL",
            "<=",
            COLD_PAGE_OVER_L,
            thread_note,
        ),
        Figure(
            "cold_panel_over_l",
            "  cold customer panel → CRM contact, wall / L",
            ratio(median(chains["panel_chain"]), latency_ms),
            "xL",
            note="loaded after the thread page shows, the contact after the panel",
        ),
        Figure(
            "cold_thread_and_panel_over_l",
            "  cold thread + panel chain, wall / L",
            ratio(median(chains["thread_view"]), latency_ms),
            "xL",
            note="until the customer column is complete",
        ),
        Figure(
            "cold_inbox_one_over_l",
            "cold single-site inbox page, wall / L",
            ratio(wall("inbox_one"), latency_ms),
            "xL",
            "<=",
            COLD_PAGE_OVER_L,
            f"{wall('inbox_one') or 0:.0f} ms, slowest site answer {site_ms('inbox_one')}",
        ),
        Figure(
            "warm_inbox_upstream_calls",
            "warm inbox: upstream calls",
            warm_calls("inbox_one"),
            "calls",
            "<=",
            0,
        ),
        Figure(
            "warm_thread_upstream_calls",
            "warm thread: upstream calls",
            warm_calls("thread"),
            "calls",
            "<=",
            0,
        ),
        Figure(
            "warm_panel_upstream_calls",
            "  warm customer panel: upstream calls",
            warm_calls("panel"),
            "calls",
        ),
        Figure(
            "warm_inbox_server_over_l",
            "warm inbox: server time / L",
            ratio(server("inbox_one"), latency_ms),
            "xL",
            "<=",
            0.05,
            f"{server('inbox_one') or 0:.1f} ms",
        ),
        Figure(
            "warm_thread_server_over_l",
            "warm thread: server time / L",
            ratio(server("thread"), latency_ms),
            "xL",
            "<=",
            0.05,
            f"{server('thread') or 0:.1f} ms",
        ),
        Figure(
            "warm_panel_server_over_l",
            "  warm customer panel: server time / L",
            ratio(server("panel"), latency_ms),
            "xL",
            note=f"{server('panel') or 0:.1f} ms",
        ),
        Figure(
            "all_sites_scaling",
            f"all-sites inbox, {n_sites} sites / 1 site, cold",
            ratio(wall("inbox_all"), wall("inbox_all_one")),
            "ratio",
            "<=",
            1.5,
            f"{wall('inbox_all') or 0:.0f} ms / {wall('inbox_all_one') or 0:.0f} ms; slowest "
            f"site answer {site_ms('inbox_all')} / {site_ms('inbox_all_one')}",
        ),
        *(
            Figure(
                f"wire_{key}_kb",
                label,
                None if wire[key][0] is None else wire[key][0] / 1000,
                "kB",
                "<=",
                limit,
                f"gzip; {(wire[key][1] or 0) / 1000:.1f} kB decompressed",
            )
            for key, label, limit in (
                ("inbox_one", "inbox page on the wire", 8),
                ("inbox_filter", "  filter change fragment on the wire", 5),
                ("thread", "thread page on the wire", 10),
            )
        ),
        Figure(
            "calls_over_budget",
            "page kinds over their justified call budget",
            float(len(over_budget)),
            "kinds",
            "<=",
            0,
            ", ".join(kind.key for kind in over_budget),
        ),
        Figure(
            "warm_inbox_throughput",
            f"warm inbox throughput, {group.clients} clients",
            load.rate,
            "req/s",
            ">=",
            300,
            _load_note(load, worker_share),
        ),
        Figure(
            "warm_inbox_errors",
            "  errors during the load",
            float(group.errors),
            "errors",
            "<=",
            0,
        ),
        Figure(
            "worker_rss_mb",
            "worker memory (RSS) after the load, max",
            max(rss_after.values()) if rss_after else None,
            "MB",
            "<=",
            150,
            ", ".join(f"{mb:.0f}" for mb in rss_after.values()) + " MB",
        ),
    ]


def short_latency_figures(kinds: dict[str, PageKind], latency_ms: float) -> list[Figure]:
    """The cold pages again at a short L, where what the dashboard adds weighs most."""
    figures = []
    for key, label in (("thread", "thread page"), ("inbox_one", "single-site inbox page")):
        samples = kinds[key].cold
        wall = median([s.wall_ms for s in samples])
        slowest = median([s.slowest_call_ms for s in samples])
        calls = max((s.site_calls for s in samples), default=0)
        figures.append(
            Figure(
                f"cold_{key}_short_l_over_l",
                f"cold {label} at L = {latency_ms:g} ms, wall / L",
                None if wall is None else wall / latency_ms,
                "xL",
                "<=",
                COLD_PAGE_OVER_L,
                f"{wall or 0:.1f} ms, {wall - latency_ms if wall else 0:.1f} ms beyond L"
                f"{_where_the_time_went(samples)}; slowest site answer {slowest or 0:.1f} ms; "
                f"{calls} calls; {len(samples)} samples",
            )
        )
    return figures


def _where_the_time_went(samples: list) -> str:
    """Medians from Server-Timing: the app's time, the part its request thread waited on the
    sites (their answers read), the rest its own work; and what the wall adds outside the app
    (gunicorn, the loopback, this client)."""
    timed = [s for s in samples if s.timing.app_ms is not None and s.timing.wait_ms is not None]
    if not timed:
        return ""
    app = median([s.timing.app_ms for s in timed]) or 0.0
    wait = median([s.timing.wait_ms for s in timed]) or 0.0
    own = median([s.timing.app_ms - s.timing.wait_ms for s in timed]) or 0.0
    outside = median([s.wall_ms - s.timing.app_ms for s in timed]) or 0.0
    return (
        f" (in the app {app:.1f} ms: waiting on the site {wait:.1f}, own work {own:.1f}; "
        f"outside it {outside:.1f})"
    )


def _load_note(load: LoadResult, worker_share: dict[str, float]) -> str:
    note = f"{load.requests} requests in {load.seconds:.1f} s"
    shares = sorted(worker_share.values())
    if len(shares) > 1 and shares[-1] > 0 and shares[0] < 0.1 * shares[-1]:
        # gthread workers accept keep-alive connections greedily: one may hold them all.
        note += "; one worker served (nearly) every connection"
    return note
