"""The bounded soak test: sustained warm and cold load while 10 % of upstream calls fail.

32 clients read warm pages (the inbox of one site and of all sites, a thread and its customer
panel) and 8 clients read cold ones (the inbox with ``refresh=1``, which forces fresh upstream
reads), while every simulated site answers one call in ten with a 500. The dashboard must
never answer 5xx itself: a failing site shows as stale data or as an error in the page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from dashboard.benchmark.harness import Harness
from dashboard.benchmark.load import LoadGroup, LoadResult, percentile, run_load
from dashboard.benchmark.measurements import machine_cpu
from dashboard.benchmark.report import Figure
from dashboard.benchmark.sampling import choose_pages, warm_up

WARM_CLIENTS = 32
COLD_CLIENTS = 8
FAILURE_RATE = 0.1


@dataclass
class SoakResults:
    figures: list[Figure]
    load: LoadResult
    details: dict


def run(harness: Harness) -> SoakResults:
    options = harness.options
    load_average = os.getloadavg()[0]
    client = harness.client(harness.all_sites)
    pages = choose_pages(harness)
    views = warm_up(harness, client, pages, rounds=0 if options.quick else 1)
    site_id = harness.first.slug
    # The warm side reads what an agent reads most: the inboxes and a ticket's whole view
    # (thread, its customer panel and CRM contact), as the browser requests them.
    ticket_view = [
        (item.url, item.headers)
        for item in views
        if item.kind in ("panel", "contact") or item.url == pages.thread
    ]
    groups = [
        LoadGroup(
            "warm",
            WARM_CLIENTS,
            [(pages.inbox_one, None), (pages.inbox_all, None), *ticket_view],
        ),
        LoadGroup(
            "cold", COLD_CLIENTS, [("/?refresh=1", None), (f"/?site={site_id}&refresh=1", None)]
        ),
    ]
    rss_before = harness.worker_rss_mb()
    positions = harness.log_positions()
    harness.say(
        f"soak: {WARM_CLIENTS} warm + {COLD_CLIENTS} cold clients for {options.soak_seconds:g} s, "
        f"{FAILURE_RATE:.0%} of upstream calls failing"
    )
    workers_before = harness.worker_cpu_seconds()
    machine_before = machine_cpu()
    with harness.faults("status_500", rate=FAILURE_RATE):
        load = run_load(
            "127.0.0.1", harness.port, client.cookie_header, groups, options.soak_seconds
        )
    workers_after = harness.worker_cpu_seconds()
    machine_after = machine_cpu()
    worker_share = {
        f"worker {pid}": round(
            (workers_after[pid] - workers_before.get(pid, 0.0)) / load.seconds, 3
        )
        for pid in workers_after
    }
    rss_after = harness.worker_rss_mb()
    others = None
    if machine_before and machine_after and machine_after[1] > machine_before[1]:
        busy = (machine_after[0] - machine_before[0]) / (machine_after[1] - machine_before[1])
        ours = sum(worker_share.values()) + load.client_cpu_seconds / load.seconds
        others = round(max(0.0, busy - ours / (os.cpu_count() or 1)), 3)
    calls = harness.calls_since(positions)
    failed_calls = sum(1 for entry in calls if entry.status >= 500)
    warm, cold = load.groups
    every = warm.latencies_ms + cold.latencies_ms
    server_errors = warm.server_errors + cold.server_errors
    unanswered = sum(warm.exceptions.values()) + sum(cold.exceptions.values())
    other = warm.errors + cold.errors - server_errors - unanswered

    def ms(values: list[float], fraction: float) -> float | None:
        return percentile(values, fraction)

    figures = [
        Figure("soak_5xx", "dashboard 5xx answers", float(server_errors), "5xx", "<=", 0),
        Figure(
            "soak_unanswered",
            "requests without an answer (exceptions)",
            float(unanswered),
            "errors",
            "<=",
            0,
            _counts(warm.exceptions + cold.exceptions),
        ),
        Figure("soak_other_non_200", "other non-200 answers", float(other), "errors"),
        Figure("soak_requests", "requests served", float(load.requests), "calls"),
        Figure(
            "soak_rate",
            "throughput",
            load.rate,
            "req/s",
            note=f"warm {_rate(warm, load)}, cold {_rate(cold, load)}",
        ),
        Figure("soak_p50_ms", "latency p50, all", ms(every, 0.50), "ms"),
        Figure("soak_p95_ms", "latency p95, all", ms(every, 0.95), "ms"),
        Figure("soak_p99_ms", "latency p99, all", ms(every, 0.99), "ms"),
        Figure("soak_warm_p50_ms", "  warm pages p50", warm.percentile(0.50), "ms"),
        Figure("soak_warm_p95_ms", "  warm pages p95", warm.percentile(0.95), "ms"),
        Figure("soak_warm_p99_ms", "  warm pages p99", warm.percentile(0.99), "ms"),
        Figure("soak_cold_p50_ms", "  cold pages p50", cold.percentile(0.50), "ms"),
        Figure("soak_cold_p95_ms", "  cold pages p95", cold.percentile(0.95), "ms"),
        Figure("soak_cold_p99_ms", "  cold pages p99", cold.percentile(0.99), "ms"),
        Figure(
            "soak_cpu",
            "CPU: workers / clients + simulated sites",
            sum(worker_share.values()),
            "cores",
            note=", ".join(f"{v:.0%}" for v in worker_share.values())
            + f" of a core each / {load.client_cpu_seconds / load.seconds:.0%} of a core",
        ),
        Figure(
            "soak_upstream_calls",
            "upstream calls (of which failed)",
            float(len(calls)),
            "calls",
            note=f"{failed_calls} answered 500 by the sites",
        ),
        Figure(
            "soak_rss_before_mb",
            "worker RSS before, max",
            max(rss_before.values()) if rss_before else None,
            "MB",
            note=", ".join(f"{mb:.0f}" for mb in rss_before.values()) + " MB",
        ),
        Figure(
            "soak_rss_after_mb",
            "worker RSS after, max",
            max(rss_after.values()) if rss_after else None,
            "MB",
            "<=",
            150,
            ", ".join(f"{mb:.0f}" for mb in rss_after.values()) + " MB",
        ),
    ]
    details = {
        "pages": pages.__dict__,
        "load_average_at_start": load_average,
        "warm_requests": [path for path, _headers in groups[0].requests],
        "statuses": {"warm": dict(warm.statuses), "cold": dict(cold.statuses)},
        "exceptions": {"warm": dict(warm.exceptions), "cold": dict(cold.exceptions)},
        "reconnects": warm.reconnects + cold.reconnects,
        "rss_before_mb": rss_before,
        "rss_after_mb": rss_after,
        # Busy share of one core per worker, and of this process: the clients and the
        # simulated sites, which share the machine with gunicorn.
        "worker_cpu_share": worker_share,
        "load": {"other_processes_share_of_machine": others},
        "measuring_process_cpu_share_of_a_core": round(load.client_cpu_seconds / load.seconds, 3),
    }
    return SoakResults(figures=figures, load=load, details=details)


def _counts(counter) -> str:
    return ", ".join(f"{name} x{n}" for name, n in counter.most_common())


def _rate(group, load: LoadResult) -> str:
    return f"{group.requests / load.seconds:.0f} req/s" if load.seconds else "n/a"
