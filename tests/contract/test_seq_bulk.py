"""Replay the recorded bulk actions (`seq_bulk_*`) on the simulator and compare values.

The real site's tickets 35-39 belonged to one fresh customer, all new and unassigned; the
replay makes five such tickets on the simulator and maps ids onto them. The real agent 2 had a
name ("Agent2 Agent"), agent 1 none: they map to a named agent and to the simulator's nameless
one. Messages, statuses and error answers are compared as values, not only shapes.
"""

from __future__ import annotations

import json
from typing import Any

import requests

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME

from .captures import body, load, sequence

FS = "/wp-json/fluent-support/v2"
AUTH = (ADMIN_USERNAME, ADMIN_APP_PASSWORD)
REAL_TICKETS = [35, 36, 37, 38, 39]
REAL_NAMED_AGENT, REAL_NAMELESS_AGENT = 2, 1


class Replay:
    def __init__(self, entry: Any) -> None:
        self.entry = entry
        self.site = entry.site
        nameless = [a for a in self.site.agents.values() if not a["first_name"]]
        assert len(nameless) == 1, "the simulator seeds one agent without a name"
        self.agents = {REAL_NAMED_AGENT: 2, REAL_NAMELESS_AGENT: nameless[0]["id"]}
        self.tickets: dict[int, int] = {}
        self.customer_id = 0
        for number, real_id in enumerate(REAL_TICKETS, start=1):
            self._create(real_id, number)
        self.tickets[999999] = 999999

    def _create(self, real_id: int, number: int) -> None:
        ticket: dict[str, Any] = {
            "title": f"Bulk test ticket {number}",
            "content": f"Bulk test ticket number {number}.",
        }
        extra: dict[str, Any] = {}
        if self.customer_id:
            ticket["customer_id"] = self.customer_id
        else:
            ticket["create_customer"] = "yes"
            extra["newCustomer"] = {
                "first_name": "Bulk",
                "last_name": "Target",
                "email": "bulk.target@example.net",
            }
        answer = self.call("POST", "/tickets", {"ticket": ticket, **extra})
        assert answer.status_code == 200, answer.text[:300]
        created = answer.json()["ticket"]
        self.customer_id = int(created["customer_id"])
        self.tickets[real_id] = int(created["id"])

    def call(self, method: str, path: str, data: Any = None, params: Any = None):
        return requests.request(
            method,
            self.entry.base_url + FS + path,
            json=data,
            params=params,
            auth=AUTH,
            timeout=10,
        )

    def send(self, name: str) -> requests.Response:
        """Send one recorded request with the real ids mapped onto the simulator's."""
        request = load(name)["request"]
        path = request["path"].removeprefix(FS)
        for real_id, sim_id in self.tickets.items():
            path = path.replace(f"/tickets/{real_id}", f"/tickets/{sim_id}")
        params = [
            (key, self.customer_id if key == "customer_id" else value)
            for key, value in request.get("query") or []
        ]
        data = request.get("body")
        if isinstance(data, dict):
            data = dict(data)
            if "ticket_ids" in data:
                data["ticket_ids"] = [self.tickets[t] for t in data["ticket_ids"]]
            if "agent_id" in data:
                data["agent_id"] = self.agents[data["agent_id"]]
        return self.call(request["method"], path, data, params)

    def expected_message(self, name: str) -> Any:
        """The recorded answer, with the real agent's name and ticket ids swapped for ours."""
        text = json.dumps(body(name))
        for real_id, sim_id in self.tickets.items():
            text = text.replace(f"Models\\\\Ticket] {real_id}", f"Models\\\\Ticket] {sim_id}")
        agent = self.site.store.persons[self.agents[REAL_NAMED_AGENT]]
        return json.loads(
            text.replace("Agent2 Agent", f"{agent['first_name']} {agent['last_name']}")
        )

    def rows(self, response: requests.Response) -> dict[int, dict[str, Any]]:
        return {int(row["id"]): row for row in response.json()["tickets"]["data"]}


def _compare_rows(replay: Replay, name: str, simulated: dict[int, dict[str, Any]], before) -> None:
    """Status, agent, tags, closing columns and which times moved, ticket by ticket."""
    recorded_before = {row["id"]: row for row in body("seq_bulk_1_before")["tickets"]["data"]}
    recorded = body(name)["tickets"]["data"]
    back = {sim_id: real_id for real_id, sim_id in replay.tickets.items()}
    assert {back[i] for i in simulated if i in back} == {row["id"] for row in recorded}, name
    for row in recorded:
        sim = simulated[replay.tickets[row["id"]]]
        was = recorded_before[row["id"]]
        sim_was = before[replay.tickets[row["id"]]]
        where = f"{name} ticket {row['id']}"
        assert sim["status"] == row["status"], where
        agent = replay.agents.get(int(row["agent_id"])) if row["agent_id"] else None
        assert sim["agent_id"] == (str(agent) if agent else None), where
        assert sorted(t["id"] for t in sim["tags"]) == sorted(t["id"] for t in row["tags"]), where
        assert (sim["resolved_at"] is None) == (row["resolved_at"] is None), where
        assert (sim["closed_by"] is None) == (row["closed_by"] is None), where
        assert sim["response_count"] == row["response_count"], where
        for column in ("updated_at", "waiting_since", "last_customer_response"):
            moved = row[column] != was[column]
            assert (sim[column] != sim_was[column]) == moved, f"{where}: {column}"
        if row["closed_by"]:
            assert sim["closed_by"] == "1", where


def test_bulk_actions_replay_like_the_real_plugin(sim: Any, monkeypatch) -> None:
    site = sim.acme.site
    started = site.monotonic()
    monkeypatch.setattr(site, "monotonic", lambda: started)
    replay = Replay(sim.acme)
    steps = sequence("seq_bulk_")
    assert steps[0] == "seq_bulk_1_before"
    # The writes come a minute after the tickets were made, as on the real site.
    monkeypatch.setattr(site, "monotonic", lambda: started + 62)
    before: dict[int, dict[str, Any]] = {}
    for name in steps:
        capture = load(name)
        response = replay.send(name)
        assert response.status_code == capture["status"], f"{name}: {response.text[:300]}"
        if capture["request"]["method"] == "GET" and "/tickets/" not in capture["request"]["path"]:
            rows = replay.rows(response)
            if name == "seq_bulk_1_before":
                before = rows
                _compare_rows(replay, name, rows, rows)
            else:
                _compare_rows(replay, name, rows, before)
        else:
            assert response.json() == replay.expected_message(name), name
