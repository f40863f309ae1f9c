"""Replay of the recorded customer writes (seq_customer_*): what each PUT blanks or keeps.

Each sequence starts from the customer as the real site held it ("before"): a simulator
customer is given exactly those values, then the recorded writes are sent in order and every
field the real site answered (and read back afterwards) is compared value by value.
"""

from __future__ import annotations

from typing import Any

import pytest

from .captures import body, load, sequence
from .replay import Replay, instant

# Fields that name the row or are derived from the moment it was written, not from the write.
NOT_COMPARED = {"id", "created_at", "updated_at", "photo", "full_name"}


def _mirror(replay: Replay, recorded: dict[str, Any]) -> dict[str, Any]:
    """A simulator customer holding the recorded customer's values."""
    person = next(iter(replay.site.customers.values()))
    for key, value in recorded.items():
        if key in NOT_COMPARED:
            continue
        if key == "user_id":
            value = None if value is None else int(value)
        elif key == "last_response_at":
            value = instant(value)
        person[key] = value
    replay.map("customer", recorded["id"], person["id"])
    return person


def _differences(recorded: dict[str, Any], simulated: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (value, simulated.get(key))
        for key, value in recorded.items()
        if key not in NOT_COMPARED and simulated.get(key) != value
    }


def _start(sim: Any, prefix: str) -> tuple[Replay, list[str]]:
    steps = sequence(prefix)
    replay = Replay(sim.acme)
    _mirror(replay, body(steps[0])["customer"])
    before = replay.send(steps[0])
    assert before.status_code == 200
    assert _differences(body(steps[0])["customer"], before.json()["customer"]) == {}
    return replay, steps


def test_put_without_person_type_answers_423_writes_and_hides_the_customer(sim):
    replay, (_, put, after) = _start(sim, "seq_customer_form_")

    answer = replay.send(put)
    assert answer.status_code == load(put)["status"] == 423
    real_id = int(load(put)["request"]["path"].rsplit("/", 1)[1])
    recorded = body(put)
    recorded["message"] = recorded["message"].replace(
        f"] {real_id}", f"] {replay.sim_id('customer', real_id)}"
    )
    assert answer.json() == recorded
    # The write happened: person_type is gone, so the customer no longer exists for the plugin.
    read = replay.send(after)
    assert read.status_code == 200
    assert read.json() == body(after) == {"customer": None}


def test_put_of_a_few_fields_blanks_every_other_column(sim):
    replay, (_, put, after) = _start(sim, "seq_customer_partial_")

    answer = replay.send(put)
    assert answer.status_code == load(put)["status"] == 200
    assert answer.json()["message"] == body(put)["message"]
    assert _differences(body(put)["customer"], answer.json()["customer"]) == {}
    read = replay.send(after)
    assert _differences(body(after)["customer"], read.json()["customer"]) == {}
    # What the recording shows, named: the unsent columns are NULL, the untouched ones kept.
    customer = read.json()["customer"]
    for blanked in ("title", "status", "ip_address", "address_line_1", "note", "hash", "user_id"):
        assert customer[blanked] is None
    assert customer["avatar"] == body(after)["customer"]["avatar"] is not None


def test_put_with_the_ip_addresses_fails_and_writes_nothing_and_without_them_keeps_all(sim):
    replay, (_, put_all, after_fail, put_safe, after_safe) = _start(sim, "seq_customer_full_")

    failed = replay.send(put_all)
    assert failed.status_code == load(put_all)["status"] == 500
    assert failed.json() == body(put_all)
    unchanged = replay.send(after_fail)
    assert _differences(body(after_fail)["customer"], unchanged.json()["customer"]) == {}

    saved = replay.send(put_safe)
    assert saved.status_code == load(put_safe)["status"] == 200
    assert _differences(body(put_safe)["customer"], saved.json()["customer"]) == {}
    read = replay.send(after_safe)
    assert _differences(body(after_safe)["customer"], read.json()["customer"]) == {}
    assert read.json()["customer"]["user_id"] == "6"
    assert read.json()["customer"]["ip_address"] is None


@pytest.mark.parametrize("field", ["ip_address", "last_ip_address"])
def test_put_with_an_empty_ip_address_is_accepted_and_stored_empty(sim, field):
    replay, steps = _start(sim, "seq_customer_full_")
    sent = {**load(steps[3])["request"]["body"], field: ""}

    saved = replay.send(steps[3], sent)

    assert saved.status_code == 200
    assert saved.json()["customer"][field] == ""


def test_creating_a_customer_with_an_ip_address_fails_and_creates_nobody(sim):
    create, search = sequence("seq_customer_create_ip_")
    replay = Replay(sim.acme)
    before = len(sim.acme.site.customers)

    answer = replay.send(create)

    assert answer.status_code == load(create)["status"] == 500
    assert answer.json() == body(create)
    found = replay.send(search)
    assert found.json()["customers"]["total"] == body(search)["customers"]["total"] == 0
    assert len(sim.acme.site.customers) == before
