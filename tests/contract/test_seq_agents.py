"""Replay the recorded agent reads (`seq_agents_*`) on the simulator and compare values.

On the real site agent 1 (the administrator) had no first or last name and agent 2 was
"Agent2 Agent"; they map to the simulator's nameless agent and to Maria.
"""

from __future__ import annotations

from typing import Any

import requests

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME

from .captures import body, load, sequence

FS = "/wp-json/fluent-support/v2"


def _get(entry: Any, path: str, auth: tuple[str, str], **params: Any) -> requests.Response:
    return requests.get(entry.base_url + FS + path, params=params, auth=auth, timeout=10)


def _agent_row_matches(recorded: dict, simulated: dict, person: dict) -> None:
    assert set(simulated) == set(recorded), sorted(set(simulated) ^ set(recorded))
    named = bool(recorded["first_name"])
    assert bool(simulated["first_name"]) == named
    expected = f"{person['first_name']} {person['last_name']}" if named else ""
    assert simulated["full_name"] == expected
    if "email" in recorded:
        assert simulated["email"] == person["email"]
    if recorded.get("photo") == "":
        assert simulated["photo"] == ""


def test_agents_replay_like_the_real_plugin(sim: Any) -> None:
    entry = sim.acme
    site = entry.site
    (nameless,) = [a for a in site.agents.values() if not a["first_name"]]
    named = site.agents[2]
    people = {1: nameless, 2: named}
    nameless_user = next(u for u in site.users.values() if u.person_id == nameless["id"])
    admin = (ADMIN_USERNAME, ADMIN_APP_PASSWORD)
    as_nameless = (nameless_user.username, nameless_user.app_password)
    as_named = ("maria", site.users["maria"].app_password)
    # The real nameless agent had tickets; give the simulated one some.
    mine = sorted(site.tickets)[:3]
    assign = requests.post(
        entry.base_url + FS + "/tickets/bulk-actions",
        json={"bulk_action": "assign_agent", "ticket_ids": mine, "agent_id": nameless["id"]},
        auth=admin,
        timeout=10,
    )
    assert assign.json() == {"message": "3 tickets have been assigned to ."}
    steps = sequence("seq_agents_")
    assert len(steps) == 7
    for name in steps:
        capture = load(name)
        recorded = body(name)
        request = capture["request"]
        path = request["path"].removeprefix(FS)
        params = dict(request.get("query") or [])
        if "search" in params:
            params["search"] = "maria"
        if "filters[agent_id]" in params:
            params["filters[agent_id]"] = nameless["id"]
        auth = admin
        if path == "/me":
            auth = as_nameless if recorded["person"]["first_name"] == "" else as_named
        answer = _get(entry, path, auth, **params)
        assert answer.status_code == capture["status"], name
        simulated = answer.json()
        if path == "/agents":
            rows = simulated["agents"]["data"]
            expected = [people[r["id"]] for r in recorded["agents"]["data"]]
            by_id = {r["id"]: r for r in rows}
            for real, person in zip(recorded["agents"]["data"], expected, strict=True):
                _agent_row_matches(real, by_id[person["id"]], person)
            if "search" in params:
                assert [r["id"] for r in rows] == [named["id"]], name
        elif path == "/me":
            person = nameless if auth == as_nameless else named
            assert simulated["email"] == person["email"], name
            _agent_row_matches(recorded["person"], simulated["person"], person)
        elif path == "/tickets/ticket-essentials":
            real_agents = recorded if isinstance(recorded, list) else recorded["agents"]
            sim_agents = simulated if isinstance(simulated, list) else simulated["agents"]
            by_id = {a["id"]: a for a in sim_agents}
            for real in real_agents:
                _agent_row_matches(real, by_id[people[real["id"]]["id"]], people[real["id"]])
        else:
            rows = simulated["tickets"]["data"]
            assert {int(r["id"]) for r in rows} == set(mine), name
            real = recorded["tickets"]["data"][0]["agent"]
            for row in rows:
                _agent_row_matches(real, row["agent"], nameless)
