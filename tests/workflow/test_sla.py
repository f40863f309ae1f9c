"""SLA clocks from the plugin's own fields: UTC instants and naive site-local wall times, across
time zones and both DST changes. Tickets are parsed from rows shaped like the real API's, in
the site's zone, exactly as the upstream layer parses them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.fluent.models import Ticket
from dashboard.fluent.parsing import parse, site_zone
from dashboard.workflow.sla import (
    Policy,
    customer_wrote_last,
    effective_policy,
    overdue_sort_key,
    sla_state,
)

NEW_YORK = "America/New_York"


def ticket(zone: str = NEW_YORK, **fields) -> Ticket:
    row = {"id": 7, "status": "active", "title": "Refund", **fields}
    return parse(Ticket, row, zone=site_zone(zone))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


POLICY = Policy(first_response_hours=2, next_reply_hours=2)


def test_first_response_is_due_hours_after_creation_across_the_autumn_change():
    # Created 00:30 EDT on the night New York's clocks go back; two real hours later it is
    # 01:30 EST (06:30 UTC), not the 02:30 EST that wall-clock arithmetic would give.
    opened = ticket(
        status="new",
        created_at="2026-11-01T04:30:00+00:00",
        last_customer_response="2026-11-01 00:30:00",
        waiting_since="2026-11-01T04:30:00+00:00",
    )
    state = sla_state(opened, POLICY, now=utc("2026-11-01 06:00"))
    assert state.kind == "first_response"
    assert state.due_at == utc("2026-11-01 06:30")
    assert (state.overdue, state.label) == (False, "due in 30 min")
    late = sla_state(opened, POLICY, now=utc("2026-11-01 07:05"))
    assert (late.overdue, late.label) == (True, "overdue 35 min")


def test_next_reply_counts_from_the_site_local_customer_time_matching_the_utc_field():
    # The customer wrote at 00:30 EDT; the same instant appears as UTC in waiting_since.
    waiting = ticket(
        created_at="2026-10-30T12:00:00+00:00",
        last_agent_response="2026-10-31 20:00:00",
        last_customer_response="2026-11-01 00:30:00",
        waiting_since="2026-11-01T04:30:00+00:00",
    )
    state = sla_state(waiting, POLICY, now=utc("2026-11-01 05:00"))
    assert state.kind == "next_reply"
    assert state.started_at == waiting.waiting_since
    assert state.due_at == waiting.waiting_since + timedelta(hours=2)
    assert state.label == "due in 1 h"


def test_the_repeated_hour_is_read_from_the_utc_field():
    # 01:45 EDT the agent answered; 45 minutes later, at 01:30 EST (the clocks went back in
    # between), the customer wrote. Wall times say the agent wrote last; waiting_since, set in
    # UTC by the customer's message, says the customer did.
    waiting = ticket(
        created_at="2026-10-31T12:00:00+00:00",
        last_agent_response="2026-11-01 01:45:00",
        last_customer_response="2026-11-01 01:30:00",
        waiting_since="2026-11-01T06:30:00+00:00",
    )
    assert customer_wrote_last(waiting)
    state = sla_state(waiting, Policy(next_reply_hours=1), now=utc("2026-11-01 07:00"))
    assert state.kind == "next_reply"
    assert state.due_at == utc("2026-11-01 07:30")


def test_an_agent_answer_in_the_repeated_hour_stops_the_clock():
    # The customer wrote at 01:50 EDT, the agent answered at 01:10 EST (later, in real time).
    answered = ticket(
        created_at="2026-10-31T12:00:00+00:00",
        last_customer_response="2026-11-01 01:50:00",
        last_agent_response="2026-11-01 01:10:00",
        waiting_since="2026-11-01T06:10:00+00:00",
    )
    assert not customer_wrote_last(answered)
    assert sla_state(answered, POLICY, now=utc("2026-11-01 09:00")) is None


@pytest.mark.parametrize("hint", [{"waiting_since": "2026-03-08T06:30:00+00:00"}, {}])
def test_hours_are_real_hours_across_the_spring_change(hint):
    # 01:30 EST on the morning the clocks skip 02:00-03:00: two hours later it is 04:30 EDT,
    # with or without the UTC field to lean on.
    waiting = ticket(
        created_at="2026-03-07T12:00:00+00:00",
        last_agent_response="2026-03-07 18:00:00",
        last_customer_response="2026-03-08 01:30:00",
        **hint,
    )
    state = sla_state(waiting, POLICY, now=utc("2026-03-08 07:00"))
    assert state.due_at == utc("2026-03-08 08:30")


def test_hours_are_real_hours_across_the_autumn_change_without_the_utc_field():
    # 00:30 EDT plus two real hours is 01:30 EST; adding to the wall clock would say 02:30 EST.
    waiting = ticket(
        created_at="2026-10-30T12:00:00+00:00",
        last_agent_response="2026-10-31 20:00:00",
        last_customer_response="2026-11-01 00:30:00",
    )
    state = sla_state(waiting, POLICY, now=utc("2026-11-01 05:00"))
    assert state.due_at == utc("2026-11-01 06:30")


@pytest.mark.parametrize(
    ("zone", "local_reply"),
    [
        ("Asia/Tokyo", "2026-11-01 09:00:00"),
        ("Europe/Berlin", "2026-11-01 01:00:00"),
        ("America/New_York", "2026-10-31 20:00:00"),
        ("UTC", "2026-11-01 00:00:00"),
    ],
)
def test_the_same_instant_in_any_site_zone_is_due_at_the_same_moment(zone, local_reply):
    waiting = ticket(
        zone,
        created_at="2026-10-20T00:00:00+00:00",
        last_agent_response="2026-10-25 00:00:00",
        last_customer_response=local_reply,
    )
    state = sla_state(waiting, Policy(next_reply_hours=4), now=utc("2026-11-01 03:00"))
    assert state.due_at == utc("2026-11-01 04:00")
    assert state.label == "due in 1 h"


def test_first_response_keeps_counting_from_creation_when_the_customer_writes_again():
    chased = ticket(
        status="new",
        created_at="2026-11-10T08:00:00+00:00",
        last_customer_response="2026-11-10 09:00:00",
        waiting_since="2026-11-10T14:00:00+00:00",
    )
    state = sla_state(
        chased, Policy(first_response_hours=4, next_reply_hours=1), now=utc("2026-11-10 14:30")
    )
    assert state.kind == "first_response"
    assert state.due_at == utc("2026-11-10 12:00")
    assert state.label == "overdue 2 h"


def test_no_clock_when_closed_when_the_agent_wrote_last_or_without_a_target():
    base = {"created_at": "2026-11-10T08:00:00+00:00", "waiting_since": "2026-11-10T15:00:00+00:00"}
    closed = ticket(status="closed", last_customer_response="2026-11-10 10:00:00", **base)
    answered = ticket(
        last_customer_response="2026-11-10 09:00:00",
        last_agent_response="2026-11-10 10:00:00",
        **base,
    )
    waiting = ticket(
        last_customer_response="2026-11-10 10:00:00",
        last_agent_response="2026-11-10 09:00:00",
        **base,
    )
    now = utc("2026-11-10 16:00")
    assert sla_state(closed, POLICY, now) is None
    assert sla_state(answered, POLICY, now) is None
    assert sla_state(waiting, Policy(first_response_hours=3), now) is None
    assert sla_state(waiting, None, now) is None


def test_labels_round_to_the_unit_agents_read():
    waiting = ticket(
        created_at="2026-11-10T08:00:00+00:00",
        last_agent_response="2026-11-10 03:30:00",
        last_customer_response="2026-11-10 04:00:00",
    )
    policy = Policy(next_reply_hours=3)  # due 12:00 UTC (04:00 EST is 09:00 UTC)
    assert sla_state(waiting, policy, utc("2026-11-10 11:59:30")).label == "due now"
    assert sla_state(waiting, policy, utc("2026-11-10 12:00:20")).label == "overdue 1 min"
    assert sla_state(waiting, policy, utc("2026-11-11 13:00")).label == "overdue 25 h"
    assert sla_state(waiting, policy, utc("2026-11-10 09:00")).label == "due in 3 h"


def test_a_mailbox_policy_overrides_what_it_sets_and_inherits_the_rest():
    site_wide = Policy(first_response_hours=8, next_reply_hours=24)
    billing = Policy(first_response_hours=2, next_reply_hours=None)
    policies = {None: site_wide, 2: billing}
    assert effective_policy(policies, 2) == Policy(2, 24)
    assert effective_policy(policies, 1) == Policy(8, 24)
    assert effective_policy(policies, None) == Policy(8, 24)
    assert effective_policy({3: billing}, 1) == Policy(None, None)
    assert not effective_policy({3: billing}, 1)


def test_overdue_first_puts_the_most_overdue_first_and_tickets_without_a_clock_last():
    now = utc("2026-11-10 12:00")
    times = ["2026-11-10 05:00:00", "2026-11-10 02:00:00", "2026-11-10 06:00:00"]
    waiting = [
        ticket(
            id=n,
            created_at="2026-11-09T00:00:00+00:00",
            last_agent_response="2026-11-09 01:00:00",
            last_customer_response=t,
        )
        for n, t in enumerate(times, start=1)
    ]
    answered = ticket(
        id=9,
        created_at="2026-11-09T00:00:00+00:00",
        last_agent_response="2026-11-10 06:30:00",
        last_customer_response="2026-11-10 06:00:00",
    )
    rows = [answered, *waiting]
    ordered = sorted(rows, key=lambda t: overdue_sort_key(sla_state(t, POLICY, now)))
    assert [t.id for t in ordered] == [2, 1, 3, 9]
