"""Replay the recorded sorts (`seq_sort_*`) against the simulator, order and values.

The sort captures were recorded one after another on the second real site, with nothing
written between them, and their first ten rows together cover all 39 tickets it held. So the
real state of every column a sort reads is known: the simulator's tickets are set to it (same
ids; the ids the real site lacked are removed), each recorded request is sent, and the answer
must list the same ticket ids in the same order, with the same total and the same values, in
the same formats (UTC ISO times, naive site-local times, numeric strings).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME

from .captures import load, sequence

SITE_ZONE = ZoneInfo("America/New_York")
COLUMNS = (
    "priority", "client_priority", "status", "title", "agent_id", "product_id",
    "response_count", "created_at", "updated_at", "waiting_since", "last_agent_response",
    "last_customer_response",
)  # fmt: skip
SORTS = sequence("seq_sort_")


def real_tickets() -> dict[int, dict[str, Any]]:
    """Every ticket of the real site, from the rows the sort captures show."""
    rows: dict[int, dict[str, Any]] = {}
    for name in SORTS:
        for row in load(name)["body"]["tickets"]["data"]:
            rows.setdefault(row["id"], row)
    return rows


def _utc(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value).astimezone(UTC)


def _local(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=SITE_ZONE).astimezone(UTC)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def install_real_tickets(site: Any, later: list[dict[str, Any]] = ()) -> None:  # type: ignore[assignment]
    """Give the simulator the real site's tickets (the columns sorts and filters read), with
    ``later`` rows (recorded after the sorts) replacing the ones of the same ids."""
    real = real_tickets() | {row["id"]: row for row in later}
    with site.lock:
        tickets = site.store.tickets
        for tid in [t for t in tickets if t not in real]:
            del tickets[tid]
        for tid, row in real.items():
            tickets[tid].update(
                {
                    "priority": row["priority"],
                    "client_priority": row["client_priority"],
                    "status": row["status"],
                    "title": row["title"],
                    "agent_id": _int(row["agent_id"]),
                    "product_id": _int(row["product_id"]),
                    "response_count": _int(row["response_count"]),
                    "created_at": _utc(row["created_at"]),
                    "updated_at": _utc(row["updated_at"]),
                    "waiting_since": _utc(row["waiting_since"]),
                    "last_agent_response": _local(row["last_agent_response"]),
                    "last_customer_response": _local(row["last_customer_response"]),
                }
            )
        site.touch()


def test_sort_captures_cover_every_ticket_of_the_real_site() -> None:
    assert len(SORTS) >= 20
    total = load("seq_sort_id_asc")["body"]["tickets"]["total"]
    assert len(real_tickets()) == total == 39


@pytest.mark.parametrize("name", SORTS)
def test_simulator_sorts_like_the_real_plugin(name: str, sim: Any) -> None:
    entry = sim.acme
    assert entry.site.timezone == "America/New_York"
    install_real_tickets(entry.site)
    capture = load(name)
    request = capture["request"]
    response = requests.get(
        entry.base_url + request["path"],
        params=[(str(k), str(v)) for k, v in request["query"]],
        auth=(ADMIN_USERNAME, ADMIN_APP_PASSWORD),
        timeout=10,
    )
    assert response.status_code == capture["status"]
    real = capture["body"]["tickets"]
    simulated = response.json()["tickets"]
    assert [r["id"] for r in simulated["data"]] == [r["id"] for r in real["data"]]
    assert simulated["total"] == real["total"]
    for real_row, row in zip(real["data"], simulated["data"], strict=True):
        assert {k: row[k] for k in COLUMNS} == {k: real_row[k] for k in COLUMNS}
