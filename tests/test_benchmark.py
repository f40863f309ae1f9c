"""The benchmark command runs end to end and reports measured figures.

Targets are not asserted: they are measurements of a shared machine, not timed tests. What must
hold is that every figure was measured, the per-page call counts exist and the verdict line ends
the output.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
VERDICT = re.compile(r"^benchmark: (\d+)/(\d+) targets met$")


def _run_benchmark(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    # Run it as a person would: from the checkout, with manage.py's own settings.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "manage.py", "benchmark", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _verdict(stdout: str) -> tuple[int, int]:
    last = stdout.strip().splitlines()[-1]
    match = VERDICT.match(last)
    assert match, f"the output does not end with the verdict line: {last!r}"
    return int(match.group(1)), int(match.group(2))


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not math.isnan(value)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict]:
    path = tmp_path_factory.mktemp("benchmark") / "figures.json"
    result = _run_benchmark("--quick", "--json", str(path))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result, json.loads(path.read_text())


def test_quick_benchmark_measures_every_figure(quick_run):
    result, figures = quick_run
    rows = figures["figures"]
    assert len(rows) >= 10
    unmeasured = [row["key"] for row in rows if not _is_number(row["value"])]
    assert not unmeasured, f"figures without a measured value: {unmeasured}"
    # Cold pages are measured at the run's L and again at a short one, each with its target.
    short = {row["key"]: row for row in rows if row["key"].endswith("_short_l_over_l")}
    assert set(short) == {"cold_thread_short_l_over_l", "cold_inbox_one_short_l_over_l"}
    assert all(row["target"] == "≤ 1.3" for row in short.values())
    met, total = _verdict(result.stdout)
    assert total == sum(1 for row in rows if row["target"] is not None)
    assert met == figures["summary"]["met"]


def test_quick_benchmark_measures_the_inbox_with_a_hanging_site(quick_run):
    result, figures = quick_run
    rows = {row["key"]: row for row in figures["figures"]}
    hanging = rows["hanging_site_inbox_s"]
    # The target is the page deadline (4 s by default) plus half a second; on a shared
    # machine the value is reported, not asserted, but it must be far below the read timeout.
    assert hanging["target"] is not None
    assert hanging["value"] < 9.0
    # The page answered signed in: a session lost on the way answers 302 at once, which would
    # pass for a fast page.
    (line,) = [line for line in result.stdout.splitlines() if "with one hanging:" in line]
    assert line.rstrip().endswith("HTTP 200"), line


def test_quick_benchmark_counts_upstream_calls_per_page_kind(quick_run):
    result, figures = quick_run
    calls = {row["key"]: row for row in figures["calls"]}
    for kind in ("inbox_one", "inbox_all", "inbox_filter", "thread", "queues", "reports"):
        assert kind in calls, f"no calls row for {kind}"
        assert _is_number(calls[kind]["cold"]["calls_max"])
        assert _is_number(calls[kind]["warm"]["calls_max"])
        assert calls[kind]["justification"]
    # A cold single-site inbox must have asked its site something, or nothing was cold.
    assert calls["inbox_one"]["cold"]["calls_max"] >= 1
    assert "Upstream calls per page kind" in result.stdout


def test_soak_reports_server_errors_and_latency_percentiles(tmp_path):
    path = tmp_path / "soak.json"
    result = _run_benchmark("--soak", "--soak-seconds", "3", "--quick", "--json", str(path))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = {row["key"]: row for row in json.loads(path.read_text())["figures"]}
    for key in ("soak_5xx", "soak_p50_ms", "soak_p95_ms", "soak_p99_ms", "soak_rss_after_mb"):
        assert _is_number(figures[key]["value"]), key
    assert "dashboard 5xx answers" in result.stdout
    _verdict(result.stdout)


def test_quick_benchmark_weighs_pages_as_they_travel_gzipped(quick_run):
    _result, figures = quick_run
    rows = {row["key"]: row for row in figures["figures"]}
    wire = figures["details"]["wire_bytes"]
    for key, figure in (
        ("inbox_one", "wire_inbox_one_kb"),
        ("inbox_filter", "wire_inbox_filter_kb"),
        ("thread", "wire_thread_kb"),
    ):
        assert rows[figure]["target"] is not None, figure
        assert rows[figure]["value"] == wire[key]["wire"] / 1000
        # Compressed on the way: what crossed the wire is a fraction of what the browser read.
        assert wire[key]["wire"] * 2 < wire[key]["decompressed"], (key, wire[key])


def test_quick_benchmark_prices_a_team_in_upstream_calls(quick_run):
    _result, figures = quick_run
    rows = {row["key"]: row for row in figures["figures"]}
    team = figures["details"]["team"]
    assert rows["team_calls_per_site_agent_minute"]["target"] is not None
    assert _is_number(rows["team_calls_per_site_agent_minute"]["value"])
    # Every agent opened the inbox (and its fragments), read the waiting count and a thread.
    assert team["requests"] >= team["agents"] * 4
    assert rows["team_errors"]["value"] == 0
    # Logged into the dashboard as their own users: the sites answered their first reads.
    assert team["total_calls"] > 0


def test_quick_benchmark_prices_a_growing_site_and_an_agencys_sites(quick_run):
    result, figures = quick_run
    rows = {row["key"]: row for row in figures["figures"]}
    for key in (
        "growth_pages_with_more_calls",
        "growth_cold_wall_ratio",
        "agency_inbox_ratio",
        "agency_counts_calls",
        "agency_queues_calls",
        "agency_rss_growth_mb",
    ):
        assert rows[key]["target"] is not None, key
        assert _is_number(rows[key]["value"]), key
    growth = {row["key"]: row for row in figures["details"]["growth"]}
    for page in ("inbox_one", "inbox_all", "thread", "panel", "queues", "directory"):
        # Each page asked each site something cold, or nothing was measured.
        assert all(calls and calls > 0 for calls in growth[page]["calls"]), page
    agency = figures["details"]["agency"]
    # More sites than the counts read on every visit, so their bound was exercised.
    assert agency["sites"] > 8
    assert agency["calls"]["all"]["inbox"] == agency["sites"]
    assert "Cost as a site grows" in result.stdout
