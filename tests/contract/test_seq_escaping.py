"""Replay of the recorded text-escaping writes (seq_escaping_*): what each route stores.

The real site was sent REAL-API's test text T plain, escaped once and escaped twice, through
every route that takes text (new ticket, portal ticket, agent reply and note, edit, customer
reply, bulk reply). Each chain below replays the steps in the order they were recorded and
compares the stored and answered TEXT character for character with the recording.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .captures import body, load, sequence
from .replay import Replay

CUSTOMER = "seq_escaping_ticket_2_get"  # the recording's customer, as its ticket shows them


def _mirror_customer(replay: Replay) -> None:
    recorded = body(CUSTOMER)["ticket"]["customer"]
    person = next(iter(replay.site.customers.values()))
    for key in ("first_name", "last_name", "email"):
        person[key] = recorded[key]
    replay.map("customer", recorded["id"], person["id"])


def _texts(thread: dict[str, Any]) -> dict[str, Any]:
    """The text of a ticket as GET /tickets/<id> gives it: title, content, each response."""
    return {
        "title": thread["ticket"]["title"],
        "content": thread["ticket"]["content"],
        "responses": [(r["conversation_type"], r["content"]) for r in thread["responses"]],
    }


def _step(replay: Replay, name: str) -> None:
    capture = load(name)
    request, recorded = capture["request"], body(name)
    method, path = request["method"], request["path"]
    sent = json_copy(request["body"])
    if path.endswith("/v2/tickets") and method == "POST":
        sent["ticket"]["customer_id"] = replay.sim_id("customer", sent["ticket"]["customer_id"])
    if path.endswith("/bulk-reply"):
        sent["ticket_ids"] = [replay.sim_id("ticket", t) for t in sent["ticket_ids"]]
    answer = replay.send(name, sent)
    assert answer.status_code == capture["status"], (name, answer.text)
    got = answer.json()

    if method == "POST" and path.endswith("/tickets"):
        # A new ticket (agents' route or the customer portal): the stored title and text.
        for key in ("title", "content", "content_hash", "slug"):
            assert got["ticket"][key] == recorded["ticket"][key], (name, key)
        replay.map("ticket", recorded["ticket"]["id"], got["ticket"]["id"])
    elif method == "GET" and re.search(r"/tickets/\d+$", path):
        assert _texts(got) == _texts(recorded), name
    elif method == "GET":
        mine = replay.sim_id("ticket", recorded["tickets"]["data"][0]["id"])
        row = next(r for r in got["tickets"]["data"] if r["id"] == mine)
        for key in ("title", "content", "content_hash"):
            assert row[key] == recorded["tickets"]["data"][0][key], (name, key)
    elif path.endswith("/bulk-reply"):
        assert got == recorded
    else:
        # A reply, note, edit or customer reply: the answer's copy of the response (decoded
        # and wrapped for an agent's new reply, as stored otherwise) and, for new responses,
        # the ticket's own text as stored.
        for key in ("conversation_type", "content", "content_hash"):
            assert got["response"][key] == recorded["response"][key], (name, key)
        if method == "POST":
            replay.map("response", recorded["response"]["id"], got["response"]["id"])
            assert got["ticket"]["content"] == recorded["ticket"]["content"], name


def json_copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


CHAINS = {
    "new ticket": ["ticket_"],
    "new ticket escaped once": ["ticketesc_"],
    "new ticket escaped twice": ["ticketesc2_"],
    "portal ticket": ["portalticket_"],
    "agent reply and note": ["ticket_", "reply_"],
    "edit": ["ticket_", "reply_", "edit_"],
    "customer reply": ["ticketesc_", "customer_"],
    "bulk reply": ["ticketesc2_", "bulkreply_"],
}


@pytest.mark.parametrize("chain", CHAINS, ids=list(CHAINS))
def test_each_route_stores_text_as_the_plugin_does(sim, chain):
    replay = Replay(sim.acme)
    _mirror_customer(replay)
    steps = [name for topic in CHAINS[chain] for name in sequence(f"seq_escaping_{topic}")]
    assert steps

    for name in steps:
        _step(replay, name)


def test_escaped_once_reply_is_stored_verbatim_but_answered_live(sim):
    """The POST answer is not what is stored: rendering it would run the customer's text."""
    replay = Replay(sim.acme)
    _mirror_customer(replay)
    for name in sequence("seq_escaping_ticket_")[:1]:
        _step(replay, name)
    sent = load("seq_escaping_reply_3_response_escaped")["request"]["body"]

    answer = replay.send("seq_escaping_reply_3_response_escaped", sent).json()

    stored = sim.acme.site.responses[answer["response"]["id"]]["content"]
    assert stored == sent["content"]
    assert "<img src=x onerror=alert(1)>" in answer["response"]["content"]
