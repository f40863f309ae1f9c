"""What is measured, and how: cold and warm page reads, the merged inbox's scaling, fragment
size, warm throughput and worker memory.

Cold and warm. A *cold* read is one whose upstream answers are all cache misses: before each cold
sample every site's cache generation is bumped (see ``Harness.invalidate_upstream_cache``), so
the page goes to the sites for everything it needs, as after expiry or a colleague's write. A
*warm* read is the same request again right after, well within every TTL. Each figure is the
median of several samples taken side by side in one run, interleaved page by page, so drift on a
busy machine affects every page alike.

A page is read as a browser reads it: the page, then each fragment it asks htmx to load as soon
as it shows (and theirs), with htmx's headers. Requests go one after the other so that every
upstream call can be attributed to the request that made it: the calls come from the simulated
sites' own request logs, diffed around each request, cross-checked against the
``upstream-calls`` the dashboard reports in ``Server-Timing``.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass, field

from dashboard.benchmark import team
from dashboard.benchmark.budgets import SHORT_LATENCY_MS, PageKind
from dashboard.benchmark.figures import page_figures, short_latency_figures
from dashboard.benchmark.harness import Harness
from dashboard.benchmark.http import DashboardClient
from dashboard.benchmark.load import LoadGroup, LoadResult, run_load
from dashboard.benchmark.loop import next_after_send
from dashboard.benchmark.report import Figure
from dashboard.benchmark.sampling import (
    FILTER_HEADERS,
    Pages,
    Recorder,
    choose_pages,
    median,
    site_shape,
    warm_up,
)


@dataclass
class Results:
    figures: list[Figure]
    kinds: list[PageKind]
    pages: Pages
    load: LoadResult | None
    details: dict
    profile_requests: list[tuple[str, dict[str, str] | None]] = field(default_factory=list)


def run(harness: Harness) -> Results:
    options = harness.options
    load_average = os.getloadavg()[0]
    client = harness.client(harness.all_sites)
    one_site_client = harness.client(harness.one_site)
    pages = choose_pages(harness)
    rounds = 1 if options.quick else 3
    harness.say(f"warming up both workers ({rounds} rounds)")
    views = warm_up(harness, client, pages, rounds=rounds)

    recorder = Recorder(harness, site_shape(harness))
    chains: dict[str, list[float]] = {"panel_chain": [], "thread_view": []}

    def cold_and_warm(key: str, browser: DashboardClient, path: str, **kwargs) -> None:
        for phase in ("cold", "warm"):
            if phase == "cold":
                harness.invalidate_upstream_cache()
            samples = recorder.read(browser, key, path, phase, **kwargs)
            if key == "thread" and phase == "cold":
                panel = sum(samples[k].wall_ms for k in ("panel", "contact") if k in samples)
                chains["panel_chain"].append(panel)
                chains["thread_view"].append(samples["thread"].wall_ms + panel)

    harness.say(f"sampling cold and warm reads ({options.samples} of each)")
    for _ in range(options.samples):
        cold_and_warm("inbox_one", client, pages.inbox_one)
        cold_and_warm("inbox_filter", client, pages.inbox_filter, headers=FILTER_HEADERS)
        cold_and_warm("inbox_all", client, pages.inbox_all)
        cold_and_warm("inbox_all_one", one_site_client, pages.inbox_all, follow=False)
        cold_and_warm("thread", client, pages.thread)
        cold_and_warm("queues", client, pages.queues)
        cold_and_warm("reports", client, pages.reports)

    kinds = recorder.kinds
    short = None
    if options.latency_ms != SHORT_LATENCY_MS:
        harness.say(f"cold pages again at L = {SHORT_LATENCY_MS:g} ms ({options.samples * 2} each)")
        short = cold_pages_at(harness, client, pages, SHORT_LATENCY_MS, options.samples * 2)
    # What the pages an agent reads all day weigh on the wire (gzipped) and in the browser.
    wire = {
        key: (
            median([s.wire_size for s in kinds[key].warm]),
            median([s.size for s in kinds[key].warm]),
        )
        for key in ("inbox_one", "inbox_filter", "thread")
    }

    harness.say("all-sites inbox with one site hanging")
    hanging = hanging_site_inbox(harness, client, pages.inbox_all)

    harness.say(
        f"warm inbox throughput: {options.load_clients} clients for {options.load_seconds:g} s"
    )
    rss_before = harness.worker_rss_mb()
    load = warm_load(harness, client, pages.inbox_one)
    rss_after = harness.worker_rss_mb()

    figures = page_figures(harness, kinds, chains, wire, load.result, rss_after, load.worker_share)
    if short is not None:
        figures += short_latency_figures(short, SHORT_LATENCY_MS)
    figures.append(hanging)
    harness.say("the agent's loop: read-ahead and the next ticket after Send & close")
    figures += next_after_send(harness, client, harness.first.slug)

    harness.say(
        f"a team of {options.team_size} agents working for {options.team_seconds:g} s "
        "(inbox with live updates, a new ticket every 30 s)"
    )
    worked = team.run(harness)
    figures.extend(team.figures(worked))
    group = load.result.groups[0]
    details = {
        "pages": pages.__dict__,
        "load_average_at_start": load_average,
        "shape": site_shape(harness).__dict__,
        "rss_before_load_mb": rss_before,
        "rss_after_load_mb": rss_after,
        "load": {
            "requests": load.result.requests,
            "seconds": round(load.result.seconds, 2),
            "latency_ms": {
                "p50": group.percentile(0.50),
                "p95": group.percentile(0.95),
                "p99": group.percentile(0.99),
            },
            "statuses": dict(group.statuses),
            "exceptions": dict(group.exceptions),
            "reconnects": group.reconnects,
            "worker_cpu_share": load.worker_share,
            "client_cpu_share_of_machine": load.client_share,
            "machine_busy_share": load.machine_busy,
            "other_processes_share_of_machine": load.others_share,
            "upstream_calls_site_logs": load.site_calls,
            "upstream_calls_server_timing": group.upstream_calls,
        },
        "wire_bytes": {
            key: {"wire": sent, "decompressed": read} for key, (sent, read) in wire.items()
        },
        "team": {
            "agents": worked.agents,
            "seconds": worked.seconds,
            "steady_calls": worked.steady_calls,
            "total_calls": worked.total_calls,
            "requests": worked.requests,
            "per_site_agent_minute": worked.per_site_agent_minute,
            "routes": dict(worked.routes),
        },
        "simulator_ms_per_call_beyond_latency": simulator_overhead_ms(harness, options.latency_ms),
    }
    return Results(
        figures=figures,
        kinds=[kind for key, kind in kinds.items() if kind.cold or kind.warm],
        pages=pages,
        load=load.result,
        details=details,
        profile_requests=[
            (pages.inbox_one, None),
            (pages.thread, None),
            *[(item.url, item.headers) for item in views if item.kind == "panel"][:1],
        ],
    )


def cold_pages_at(
    harness: Harness, client: DashboardClient, pages: Pages, latency_ms: float, samples: int
) -> dict[str, PageKind]:
    """Cold thread and single-site inbox pages (the page alone, not its fragments) with every
    site at ``latency_ms``, interleaved; the sites' latency is set back afterwards."""
    recorder = Recorder(harness, site_shape(harness))
    for running in harness.sites:
        running.site.set_latency(latency_ms)
    try:
        for _ in range(samples):
            for key, path in (("thread", pages.thread), ("inbox_one", pages.inbox_one)):
                harness.invalidate_upstream_cache()
                recorder.read(client, key, path, "cold", follow=False)
    finally:
        for running in harness.sites:
            running.site.set_latency(harness.options.latency_ms)
    return recorder.kinds


def hanging_site_inbox(harness: Harness, client: DashboardClient, path: str) -> Figure:
    """The all-sites inbox, read cold, while the last site accepts connections and never
    answers: the page must come within its deadline, showing that site's last good copy."""
    from django.conf import settings

    deadline = float(settings.UPSTREAM_PAGE_DEADLINE)
    hanging = harness.sites[-1].site
    client.get(path)
    harness.invalidate_upstream_cache()
    hanging.add_fault("timeout")
    try:
        sample = client.get(path)
    finally:
        hanging.clear_faults()
    return Figure(
        "hanging_site_inbox_s",
        f"inbox of {len(harness.sites)} sites with one hanging: answered in",
        sample.wall_ms / 1000.0,
        "s",
        "<=",
        deadline + 0.5,
        f"page deadline {deadline:g} s + 0.5 s; HTTP {sample.status}",
    )


@dataclass
class WarmLoad:
    result: LoadResult
    worker_share: dict[str, float]  # CPU seconds per second, per worker (1.0 = a whole core)
    client_share: float  # this process, share of the whole machine
    machine_busy: float | None  # every process, share of the whole machine
    others_share: float | None  # processes other than the workers and this one
    site_calls: int


def warm_load(harness: Harness, client: DashboardClient, path: str) -> WarmLoad:
    """Warm ``path`` (a fresh cache entry, so nothing expires during the load), then load it."""
    options = harness.options
    harness.invalidate_upstream_cache()
    client.get(path)
    client.get(path)
    positions = harness.log_positions()
    cpu_before = harness.worker_cpu_seconds()
    machine_before = machine_cpu()
    result = run_load(
        "127.0.0.1",
        harness.port,
        client.cookie_header,
        [LoadGroup("warm inbox", options.load_clients, [(path, None)])],
        options.load_seconds,
    )
    machine_after = machine_cpu()
    cpu_after = harness.worker_cpu_seconds()
    worker_seconds = {pid: cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after}
    cpus = os.cpu_count() or 1
    client_share = result.client_cpu_seconds / result.seconds / cpus
    machine_busy = others = None
    if machine_before and machine_after:
        busy = machine_after[0] - machine_before[0]
        total = machine_after[1] - machine_before[1]
        if total > 0:
            machine_busy = busy / total
            ours = (sum(worker_seconds.values()) + result.client_cpu_seconds) / result.seconds
            others = max(0.0, machine_busy - ours / cpus)
    return WarmLoad(
        result=result,
        worker_share={
            f"worker {pid}": round(seconds / result.seconds, 3)
            for pid, seconds in worker_seconds.items()
        },
        client_share=round(client_share, 3),
        machine_busy=None if machine_busy is None else round(machine_busy, 3),
        others_share=None if others is None else round(others, 3),
        site_calls=len(harness.calls_since(positions)),
    )


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat (in ticks)."""
    try:
        with open("/proc/stat") as stat:
            values = [float(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0.0)
    # guest time is already part of user time.
    total = sum(values[:8])
    return total - idle, total


def simulator_overhead_ms(harness: Harness, latency_ms: float) -> float | None:
    """Median time a simulated site spent per call beyond the injected latency: its own work,
    which shares this process with the client; part of every cold figure, not the dashboard's."""
    durations = [
        entry.duration_ms - latency_ms
        for running in harness.sites
        for entry in list(running.site.request_log)
        if entry.duration_ms >= latency_ms
    ]
    return round(statistics.median(durations), 2) if durations else None


def profile_warm(
    harness: Harness, requests: list[tuple[str, dict[str, str] | None]], repeat: int = 20
) -> str:
    """cProfile of warm requests served in this process through the whole middleware stack."""
    import cProfile
    import io
    import pstats

    from django.contrib.auth import get_user_model
    from django.test import Client

    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(get_user_model().objects.get(username=harness.all_sites.username))
    out = io.StringIO()
    for path, headers in requests:
        # The test client takes headers as keyword arguments.
        extra = {"headers": headers} if headers else {}
        for _ in range(3):
            browser.get(path, **extra)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(repeat):
            browser.get(path, **extra)
        profiler.disable()
        per_request = (time.perf_counter() - started) * 1000.0 / repeat
        out.write(f"\n--- profile of {repeat} warm GET {path}: {per_request:.1f} ms each ---\n")
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()
