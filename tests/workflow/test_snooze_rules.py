"""Snooze times in the user's zone and the two wake rules (time, customer reply)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dashboard.fluent.models import Ticket
from dashboard.fluent.parsing import parse, site_zone
from dashboard.workflow.snooze import choices, next_morning, next_week, wake_reason

BERLIN = ZoneInfo("Europe/Berlin")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


SNOOZED_AT = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass
class Snoozed:
    until: datetime | None
    wake_on_reply: bool = True
    snoozed_at: datetime = SNOOZED_AT
    customer_last_reply_at: datetime | None = None


def site_ticket(**fields) -> Ticket:
    row = {"id": 3, "status": "active", "created_at": "2026-10-20T10:00:00+00:00", **fields}
    return parse(Ticket, row, zone=site_zone("America/New_York"))


def test_tomorrow_morning_is_the_next_nine_oclock_where_the_user_is():
    evening = datetime(2026, 11, 3, 18, 30, tzinfo=BERLIN)
    assert next_morning(evening) == datetime(2026, 11, 4, 9, 0, tzinfo=BERLIN)
    early = datetime(2026, 11, 3, 6, 15, tzinfo=BERLIN)
    assert next_morning(early) == datetime(2026, 11, 3, 9, 0, tzinfo=BERLIN)


def test_tomorrow_morning_after_the_clocks_go_back_is_nine_local_not_24_hours_later():
    # Berlin leaves summer time in the night to Sunday 25 October 2026.
    saturday = datetime(2026, 10, 24, 21, 0, tzinfo=BERLIN)
    morning = next_morning(saturday)
    assert morning.astimezone(UTC) == utc("2026-10-25 08:00")  # 09:00 CET
    assert morning.astimezone(BERLIN).hour == 9


def test_next_week_is_monday_morning():
    wednesday = datetime(2026, 11, 4, 15, 0, tzinfo=BERLIN)
    assert next_week(wednesday) == datetime(2026, 11, 9, 9, 0, tzinfo=BERLIN)
    monday = datetime(2026, 11, 9, 8, 0, tzinfo=BERLIN)
    assert next_week(monday) == datetime(2026, 11, 16, 9, 0, tzinfo=BERLIN)


def test_later_today_is_three_real_hours_away():
    before_change = datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN)  # 01:30 CEST
    later = next(c for c in choices(before_change) if c.value == "later_today").until
    assert later.astimezone(UTC) - before_change.astimezone(UTC) == timedelta(hours=3)
    assert later.astimezone(BERLIN).hour == 3  # 02:00 came twice in between


def test_wakes_when_its_time_has_passed():
    snooze = Snoozed(until=utc("2026-11-05 08:00"))
    assert wake_reason(snooze, None, now=utc("2026-11-05 07:59")) is None
    assert wake_reason(snooze, None, now=utc("2026-11-05 08:00")) == "time"


def test_wakes_when_the_customer_writes_after_the_snooze():
    snooze = Snoozed(until=utc("2026-11-09 08:00"), customer_last_reply_at=utc("2026-11-02 14:00"))
    same = site_ticket(last_customer_response="2026-11-02 09:00:00")  # 14:00 UTC
    newer = site_ticket(last_customer_response="2026-11-03 09:00:00")
    now = utc("2026-11-04 00:00")
    assert wake_reason(snooze, same, now) is None
    assert wake_reason(snooze, newer, now) == "reply"


def test_a_reply_does_not_wake_a_ticket_snoozed_only_until_a_time():
    snooze = Snoozed(
        until=utc("2026-11-09 08:00"),
        wake_on_reply=False,
        customer_last_reply_at=utc("2026-11-02 14:00"),
    )
    newer = site_ticket(last_customer_response="2026-11-03 09:00:00")
    assert wake_reason(snooze, newer, utc("2026-11-04 00:00")) is None


def test_without_a_known_last_reply_the_snooze_time_is_the_reference():
    snooze = Snoozed(until=None, snoozed_at=utc("2026-11-02 14:00"))
    older = site_ticket(last_customer_response="2026-11-02 08:00:00")  # 13:00 UTC
    newer = site_ticket(last_customer_response="2026-11-02 10:00:00")  # 15:00 UTC
    assert wake_reason(snooze, older, utc("2026-11-04 00:00")) is None
    assert wake_reason(snooze, newer, utc("2026-11-04 00:00")) == "reply"


def test_a_reply_in_the_repeated_hour_wakes_the_ticket():
    # Snoozed after the customer's 01:50 EDT message; the next one comes at 01:10 EST, which
    # reads earlier on the wall clock. waiting_since (UTC) tells them apart.
    snooze = Snoozed(until=None, customer_last_reply_at=utc("2026-11-01 05:50"))
    newer = site_ticket(
        last_customer_response="2026-11-01 01:10:00", waiting_since="2026-11-01T06:10:00+00:00"
    )
    assert wake_reason(snooze, newer, utc("2026-11-01 07:00")) == "reply"
