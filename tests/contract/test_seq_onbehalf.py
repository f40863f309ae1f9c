"""Replay of the recorded customer replies posted on a customer's behalf (seq_onbehalf_*).

Each sequence starts from a ticket in the state the real one was in ("before": new, active
with the agent's answer last, closed). A simulator ticket is given the same columns, times
shifted to just before the simulator's now, then the reply is posted and every tracked column
is compared with the recording: unchanged where the real one stayed, "now" where it moved.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from .captures import body, load, sequence
from .replay import Replay, instant

TIMES = ("last_agent_response", "last_customer_response", "waiting_since", "resolved_at")
TRACKED = (*TIMES, "status", "response_count", "agent_id", "closed_by", "first_response_time",
           "total_close_time", "updated_at")  # fmt: skip
OTHER_CUSTOMER = "bulk.target@example.net"  # the recording's second customer


def _customer(replay: Replay, email: str, index: int) -> dict[str, Any]:
    person = list(replay.site.customers.values())[index]
    person["email"] = email
    return person


def _mirror(replay: Replay, recorded: dict[str, Any]) -> dict[str, Any]:
    """A simulator ticket with the recorded ticket's columns, its times moved by one offset."""
    site = replay.site
    customer = _customer(replay, recorded["customer"]["email"], 0)
    _customer(replay, OTHER_CUSTOMER, 1)
    latest = max(instant(recorded[k]) for k in (*TIMES, "updated_at") if recorded[k])
    shift = (site.current_time() - timedelta(minutes=5)) - latest
    agent = site.users[next(iter(site.users))].person_id
    ticket = next(t for t in site.tickets.values() if t["customer_id"] != customer["id"])
    site.store.tickets_by_customer[ticket["customer_id"]].remove(ticket["id"])
    site.store.tickets_by_customer.setdefault(customer["id"], []).append(ticket["id"])
    ticket.update(customer_id=customer["id"], privacy=recorded["privacy"])
    for key in TRACKED:
        value = recorded[key]
        if key in (*TIMES, "updated_at"):
            ticket[key] = instant(value) + shift if value else None
        elif key in ("agent_id", "closed_by"):
            ticket[key] = agent if value else None
        elif key in ("response_count", "first_response_time", "total_close_time"):
            ticket[key] = None if value is None else int(value)
        else:
            ticket[key] = value
    replay.map("ticket", recorded["id"], ticket["id"])
    return ticket


def _expected(before: Any, after: Any, reply_at: str) -> Any:
    """What the simulator should hold for one column, given what the real one did: "same",
    "now" (the moment of the reply), or the recorded value itself (a count)."""
    if after == before:
        return "same"
    if isinstance(after, str) and not after.isdigit() and instant(after) == instant(reply_at):
        return "now"
    return after


@pytest.mark.parametrize("state", ["active", "closed", "new"])
def test_customer_reply_keeps_the_status_and_moves_waiting_only_after_the_agent(sim, state):
    before_name, reply_name, after_name = sequence(f"seq_onbehalf_{state}_")
    replay = Replay(sim.acme)
    ticket = _mirror(replay, body(before_name)["ticket"])
    mirrored = replay.send(before_name).json()["ticket"]

    answer = replay.send(reply_name)

    assert answer.status_code == load(reply_name)["status"] == 200
    got, recorded = answer.json(), body(reply_name)
    assert set(got) == set(recorded) == {"message", "response", "ticket"}
    assert got["message"] == recorded["message"]
    assert got["response"]["content"] == recorded["response"]["content"]
    assert got["response"]["person_id"] == ticket["customer_id"]
    reply_at = got["response"]["created_at"]
    after = replay.send(after_name).json()
    recorded_before = body(before_name)["ticket"]
    recorded_after = body(after_name)["ticket"]
    for key in TRACKED:
        expected = _expected(
            recorded_before[key], recorded_after[key], body(reply_name)["response"]["created_at"]
        )
        if expected == "same":
            assert after["ticket"][key] == mirrored[key], key
        elif expected == "now":
            assert instant(after["ticket"][key]) == instant(reply_at), key
        else:
            assert after["ticket"][key] == expected, key
    newest = after["responses"][0]
    assert (newest["conversation_type"], newest["content"]) == (
        body(after_name)["responses"][0]["conversation_type"],
        body(after_name)["responses"][0]["content"],
    )


@pytest.mark.parametrize("case", ["missing", "wrong_customer"])
def test_customer_reply_refusals_answer_as_recorded(sim, case):
    (name,) = sequence(f"seq_onbehalf_{case}_")
    replay = Replay(sim.acme)
    _mirror(replay, body("seq_onbehalf_active_1_before")["ticket"])
    count = len(sim.acme.site.responses)

    answer = replay.send(name)

    assert answer.status_code == load(name)["status"] == 422
    assert answer.json() == body(name)
    assert len(sim.acme.site.responses) == count
