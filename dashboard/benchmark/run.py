"""One benchmark run, in the measuring process: measure, print the tables, write JSON."""

from __future__ import annotations

import os
import platform
import sys
import time
from typing import TextIO

from dashboard.benchmark import agency, growth, measurements, report, soak
from dashboard.benchmark.budgets import PageKind
from dashboard.benchmark.harness import Harness


def run(harness: Harness, *, started: float, out: TextIO = sys.stdout) -> None:
    options = harness.options
    if options.soak:
        results = soak.run(harness)
        figures, kinds, details, profile = results.figures, [], results.details, ""
        title = f"Soak test, {len(harness.sites)} sites, L = {options.latency_ms:g} ms"
    else:
        results = measurements.run(harness)
        figures, kinds, details = results.figures, results.kinds, results.details
        profile = ""
        figures, details = figures + _growth(harness, details), details
        if options.profile:
            harness.say("profiling warm requests in-process")
            profile = measurements.profile_warm(harness, results.profile_requests)
        title = (
            f"Support Dashboard benchmark, {len(harness.sites)} sites, "
            f"L = {options.latency_ms:g} ms per upstream call"
            + (" (quick)" if options.quick else "")
        )
    elapsed = time.perf_counter() - started
    met, total = report.verdict(figures)

    if profile:
        out.write(profile + "\n")
    out.write(f"\n{title}\n")
    out.write(
        f"gunicorn: {' '.join(harness.gunicorn_command[1:])}; "
        f"{os.cpu_count()} CPUs; Python {platform.python_version()}\n\n"
    )
    report.print_figures(figures, out)
    if kinds:
        out.write("\nUpstream calls per page kind (site logs; hdr = Server-Timing if different)\n")
        report.print_calls(kinds, out)
        load = details["load"]
        out.write(
            f"\nLoad: p50/p95/p99 {_ms(load['latency_ms'])}; workers busy "
            f"{_shares(load['worker_cpu_share'])} of a core each; client "
            f"{_share(load['client_cpu_share_of_machine'])} and other processes "
            f"{_share(load['other_processes_share_of_machine'])} of the machine; upstream "
            f"calls during the load: {load['upstream_calls_site_logs']}.\n"
            f"Simulated sites' own time per call beyond L: "
            f"{_ms1(details['simulator_ms_per_call_beyond_latency'])}. "
            f"Load average at start: {details['load_average_at_start']:.1f}.\n"
        )
    if details.get("growth"):
        growth.print_table(details["growth"], out)
    caution = _caution(details)
    if caution:
        out.write(f"\n{caution}\n")
    out.write(f"\nRun took {elapsed:.0f} s.\n")
    if options.json_path:
        report.write_json(
            options.json_path,
            {
                "options": options.__dict__,
                "environment": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "gunicorn": harness.gunicorn_command[1:],
                    "sites": len(harness.sites),
                },
                "figures": [figure.as_dict() for figure in figures],
                "calls": [_kind_json(kind) for kind in kinds],
                "details": details,
                "summary": {"met": met, "total": total},
                "seconds": round(elapsed, 1),
            },
        )
    out.write(f"benchmark: {met}/{total} targets met\n")
    out.flush()


def _growth(harness: Harness, details: dict) -> list:
    """The phases that vary the sites: a site grown large, then an agency's many sites."""
    harness.say("cost as a site grows: the same pages against a small site and a large one")
    grown = growth.run(harness)
    details["growth"] = grown.rows()
    harness.say("cost as sites are added: an agency's sites, merged")
    many = agency.run(harness)
    details["agency"] = {
        "sites": many.sites,
        "calls": {u: {p: many.calls(u, p) for p in agency.PAGES} for u in many.samples},
        "wall_ms": {u: {p: many.wall(u, p) for p in agency.PAGES} for u in many.samples},
        "raw_wall_ms": {u: {p: many.raw_wall(u, p) for p in agency.PAGES} for u in many.samples},
        "routes": {u: {p: many.routes(u, p) for p in agency.PAGES} for u in many.samples},
        "rss_before_mb": many.rss_before,
        "rss_middle_mb": many.rss_middle,
        "rss_after_mb": many.rss_after,
    }
    return growth.figures(grown) + agency.figures(many)


def _caution(details: dict) -> str:
    """Say so when other processes competed for the machine: every figure is then pessimistic."""
    cpus = os.cpu_count() or 1
    load_average = details.get("load_average_at_start") or 0.0
    others = (details.get("load") or {}).get("other_processes_share_of_machine") or 0.0
    if load_average <= cpus and others <= 0.15:
        return ""
    return (
        f"Caution: the machine was busy with other work (load average {load_average:.1f} on "
        f"{cpus} CPUs at the start, other processes {others:.0%} of it during the load): "
        "timings and throughput are pessimistic; re-run on a quiet machine."
    )


def _kind_json(kind: PageKind) -> dict:
    def phase(samples: list) -> dict:
        return {
            "calls_max": max((s.site_calls for s in samples), default=None),
            "calls_server_timing": [s.timing.upstream_calls for s in samples],
            "wall_ms": [round(s.wall_ms, 1) for s in samples],
            "server_ms": [s.timing.app_ms for s in samples],
            "bytes": [s.size for s in samples],
            "statuses": [s.status for s in samples],
            "routes": report.summarise_routes(samples),
        }

    return {
        "key": kind.key,
        "label": kind.label.strip().lstrip("↳ "),
        "budget": kind.budget,
        "justification": kind.justification,
        "placeholder": kind.placeholder,
        "cold": phase(kind.cold),
        "warm": phase(kind.warm),
    }


def _shares(shares: dict[str, float]) -> str:
    return "/".join(f"{value:.0%}" for value in shares.values()) or "n/a"


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _ms(percentiles: dict[str, float | None]) -> str:
    return "/".join("n/a" if v is None else f"{v:.0f}" for v in percentiles.values()) + " ms"


def _ms1(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} ms"
