"""Replay the recorded chart reports (`seq_reports_*`) against the simulator, values included.

The report captures were recorded on the same second real site as the sorts, whose pages
together hold all 39 of its tickets (see test_seq_sort). So every figure a report computes
from ticket columns (created, resolved, agent, mailbox, product) is known exactly: the
simulator's tickets are set to the real ones, each recorded request is sent, and the answer
must be the same, key for key, in the same order, with the same types. The figures counted
from single responses (whose rows no capture lists) are held to the same keys and types.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME

from .captures import load, sequence
from .test_seq_sort import install_real_tickets, real_tickets

SITE_ZONE = ZoneInfo("America/New_York")
REPORTS = sequence("seq_reports_")
# Counted from ticket columns alone: the simulator must give the recorded values.
EXACT = [
    name
    for name in REPORTS
    if "tickets_growth" in name
    or "resolve_growth" in name
    or name == "seq_reports_day_time_ticket"
    or "response_growth_no_type" in name
]
# Counted from response rows: the same keys in the same order, with the same JSON types.
SHAPED = [
    name
    for name in REPORTS
    if name not in EXACT and ("response_growth" in name or "day_time" in name)
]


def install_report_columns(site: Any) -> None:
    """The real tickets, with the columns the reports read that the sorts do not."""
    install_real_tickets(site)
    with site.lock:
        for tid, row in real_tickets().items():
            resolved = row["resolved_at"]
            site.store.tickets[tid].update(
                {
                    "mailbox_id": int(row["mailbox_id"]),
                    "closed_by": int(row["closed_by"]) if row["closed_by"] else None,
                    "resolved_at": None
                    if resolved is None
                    else datetime.fromisoformat(resolved).replace(tzinfo=SITE_ZONE).astimezone(UTC),
                }
            )
        site.touch()


def replay(entry: Any, name: str) -> requests.Response:
    request = load(name)["request"]
    return requests.get(
        entry.base_url + request["path"],
        params=[(str(k), str(v)) for k, v in request["query"]],
        auth=(ADMIN_USERNAME, ADMIN_APP_PASSWORD),
        timeout=10,
    )


def test_the_report_captures_are_all_replayed() -> None:
    assert len(EXACT) >= 14 and len(SHAPED) >= 6


@pytest.mark.parametrize("name", EXACT)
def test_simulator_counts_reports_like_the_real_plugin(name: str, sim: Any) -> None:
    entry = sim.acme
    install_report_columns(entry.site)
    capture = load(name)
    response = replay(entry, name)
    assert response.status_code == capture["status"]
    if capture["status"] != 200:
        assert "Unknown column" in response.json()["message"]
        return
    real = capture["body"]["stats"]
    simulated = response.json()["stats"]
    assert list(simulated.items()) == list(real.items())


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return [(key, _types(item)) for key, item in value.items()]
    return type(value).__name__


@pytest.mark.parametrize("name", SHAPED)
def test_simulator_answers_response_reports_in_the_real_shape(name: str, sim: Any) -> None:
    entry = sim.acme
    install_report_columns(entry.site)
    capture = load(name)
    response = replay(entry, name)
    assert response.status_code == capture["status"]
    assert _types(response.json()) == _types(capture["body"])


def test_summaries_count_the_requested_days(sim: Any) -> None:
    """``from``/``to`` widen the agents summary beyond today: closed tickets per agent in the
    range are the real site's (seq_reports_agents_summary_range)."""
    entry = sim.acme
    install_report_columns(entry.site)
    capture = load("seq_reports_agents_summary_range")
    response = replay(entry, "seq_reports_agents_summary_range")
    assert response.status_code == 200
    real = {row["id"]: row["stats"]["closed"] for row in capture["body"]["summary"]}
    simulated = {row["id"]: row["stats"]["closed"] for row in response.json()["summary"]}
    assert {k: str(simulated.get(k)) for k in real} == {k: str(v) for k, v in real.items()}
