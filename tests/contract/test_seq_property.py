"""Replay the recorded property changes (`seq_property_*`) against the simulator.

On the second real site, ticket 31 had its priority set to critical, then its agent changed,
then its priority set to critical again, with the list and the ticket read between the steps.
The simulator is given that site's tickets (see test_seq_sort) and walks the same steps; the
orders of the lists, the columns a change must leave alone and the answers are compared with
the recorded ones (times of the writes themselves differ: they are "now").
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME

from .captures import load
from .test_seq_sort import install_real_tickets

TICKET = 31
UNTOUCHED = (
    "status", "last_agent_response", "last_customer_response", "waiting_since",
    "response_count",
)  # fmt: skip


class Replay:
    def __init__(self, entry: Any) -> None:
        self.entry = entry

    def send(self, name: str) -> requests.Response:
        request = load(name)["request"]
        return requests.request(
            request["method"],
            self.entry.base_url + request["path"],
            params=[(str(k), str(v)) for k, v in request.get("query") or []],
            json=request.get("body"),
            auth=(ADMIN_USERNAME, ADMIN_APP_PASSWORD),
            timeout=10,
        )

    def ids(self, name: str) -> list[int]:
        """The ticket ids the simulator lists for a recorded list request."""
        return [row["id"] for row in self.send(name).json()["tickets"]["data"]]

    def later(self, seconds: int) -> None:
        """Move the site's clock forward, so a write now would carry a newer time."""
        site = self.entry.site
        clock = site.monotonic
        site.monotonic = lambda: clock() + seconds

    def ticket(self) -> dict[str, Any]:
        return self.send("seq_property_2_ticket_before").json()


def recorded_ids(name: str) -> list[int]:
    return [row["id"] for row in load(name)["body"]["tickets"]["data"]]


def recorded_ticket(name: str) -> dict[str, Any]:
    return load(name)["body"]["ticket"]


@pytest.fixture
def replay(sim: Any) -> Replay:
    before = load("seq_property_1_list_before")["body"]["tickets"]["data"]
    install_real_tickets(sim.acme.site, [*before, recorded_ticket("seq_property_2_ticket_before")])
    return Replay(sim.acme)


def test_state_before_the_changes_lists_like_the_real_site(replay: Replay) -> None:
    assert replay.ids("seq_property_1_list_before") == recorded_ids("seq_property_1_list_before")
    ticket = replay.ticket()["ticket"]
    real = recorded_ticket("seq_property_2_ticket_before")
    for key in (*UNTOUCHED, "priority", "agent_id", "updated_at"):
        assert ticket[key] == real[key], key


def test_priority_change_moves_the_ticket_up_by_activity_and_nothing_else(
    replay: Replay,
) -> None:
    replay.later(1)
    answer = replay.send("seq_property_3_priority")
    assert answer.status_code == 200
    assert answer.json() == load("seq_property_3_priority")["body"]
    expected = recorded_ids("seq_property_4_list_after_priority")
    assert replay.ids("seq_property_4_list_after_priority") == expected
    ticket = replay.ticket()["ticket"]
    real_before = recorded_ticket("seq_property_2_ticket_before")
    assert ticket["priority"] == "critical"
    assert ticket["updated_at"] > real_before["updated_at"]
    for key in UNTOUCHED:
        assert ticket[key] == real_before[key], key


def test_agent_change_adds_the_assignment_note_and_keeps_reply_times(replay: Replay) -> None:
    replay.send("seq_property_3_priority")
    answer = replay.send("seq_property_5_agent")
    recorded = load("seq_property_5_agent")["body"]
    assert answer.status_code == 200
    body = answer.json()
    assert body["message"] == recorded["message"] == "Agent id has been updated"
    assert set(body["update_data"]) == set(recorded["update_data"]) == {"agent", "assigner"}
    assert body["update_data"]["agent"]["id"] == 2
    thread = replay.ticket()
    ticket, real = thread["ticket"], recorded_ticket("seq_property_6_ticket_after")
    assert ticket["agent_id"] == real["agent_id"] == "2"
    assert ticket["priority"] == real["priority"] == "critical"
    for key in UNTOUCHED:
        assert ticket[key] == real[key], key
    # The newest response is the system note, written at the change (= the ticket's updated_at).
    note, real_note = thread["responses"][0], load("seq_property_6_ticket_after")["body"]
    real_note = real_note["responses"][0]
    assert note["conversation_type"] == real_note["conversation_type"] == "internal_info"
    assert note["person_id"] == real_note["person_id"] == "1"
    assert note["created_at"] == ticket["updated_at"]
    # The real detail wraps the stored text in a paragraph (wpautop); the simulator stores and
    # answers system notes unwrapped, so only the sentence is compared here.
    pattern = r"(?:<p>)?(.*) assigned (.+) in this ticket(?:</p>\n)?"
    assert re.fullmatch(pattern, real_note["content"])
    match = re.fullmatch(pattern, note["content"])
    assert match, note["content"]
    assigner, agent = match.groups()
    assert agent == body["update_data"]["agent"]["full_name"]
    assert assigner == body["update_data"]["assigner"]["full_name"]
    assert replay.ids("seq_property_7_list_after") == recorded_ids("seq_property_7_list_after")
    # No reply time changed, so the order by last agent response is the real one.
    name = "seq_property_8_list_by_last_agent_response"
    assert replay.ids(name) == recorded_ids(name)


def test_setting_the_priority_it_already_has_writes_nothing(replay: Replay) -> None:
    replay.send("seq_property_3_priority")
    replay.send("seq_property_5_agent")
    before = replay.ticket()
    replay.later(5)
    answer = replay.send("seq_property_9_priority_same_value")
    assert answer.status_code == 200
    assert answer.json() == load("seq_property_9_priority_same_value")["body"]
    after = replay.ticket()
    assert after["ticket"]["updated_at"] == before["ticket"]["updated_at"]
    assert [r["id"] for r in after["responses"]] == [r["id"] for r in before["responses"]]
