"""Snooze times and wake rules. Pure functions.

Choices are computed in the user's own zone (the ``tz`` cookie, activated by middleware), so
"tomorrow morning" is nine o'clock where the agent is, on either side of a DST change. A
snoozed ticket wakes when its time has passed or, if asked, when the customer wrote after it
was snoozed: whichever comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal, Protocol

from dashboard.workflow.sla import last_messages

MORNING = time(9, 0)
LATER_TODAY = timedelta(hours=3)

Reason = Literal["time", "reply"]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    until: datetime | None  # aware; None: only the customer's reply wakes the ticket


def next_morning(now_local: datetime) -> datetime:
    """The next 09:00 in ``now_local``'s zone (today's, if it is still to come)."""
    zone = now_local.tzinfo
    today = datetime.combine(now_local.date(), MORNING, tzinfo=zone)
    if today > now_local:
        return today
    return datetime.combine(now_local.date() + timedelta(days=1), MORNING, tzinfo=zone)


def next_week(now_local: datetime) -> datetime:
    """09:00 on the coming Monday (a week ahead when today is Monday)."""
    days = 7 - now_local.weekday()
    return datetime.combine(
        now_local.date() + timedelta(days=days), MORNING, tzinfo=now_local.tzinfo
    )


def choices(now_local: datetime) -> list[Choice]:
    """The preset snooze times, labelled with the time they mean."""
    later = (now_local.astimezone(UTC) + LATER_TODAY).astimezone(now_local.tzinfo)
    morning = next_morning(now_local)
    monday = next_week(now_local)
    return [
        Choice("later_today", "Later today", later),
        Choice("tomorrow", "Tomorrow morning", morning),
        Choice("next_week", "Next week", monday),
        Choice("reply", "Until the customer replies", None),
    ]


def until_for(choice: str, now_local: datetime) -> datetime | None:
    for option in choices(now_local):
        if option.value == choice:
            return option.until
    raise ValueError(f"not a snooze choice: {choice}")


class SnoozeLike(Protocol):
    until: datetime | None
    wake_on_reply: bool
    snoozed_at: datetime
    customer_last_reply_at: datetime | None


def wake_reason(snooze: SnoozeLike, ticket, now: datetime) -> Reason | None:
    """Why the snooze should end now, or None. ``ticket`` may be None (not loaded)."""
    if snooze.until is not None and snooze.until <= now:
        return "time"
    if not snooze.wake_on_reply or ticket is None:
        return None
    customer_at, _agent_at = last_messages(ticket)
    if customer_at is None:
        return None
    # The customer's message as seen when snoozing is the reference: both times come from the
    # site's clock, so a skew between the site and the dashboard cannot wake or hide a ticket.
    reference = snooze.customer_last_reply_at or snooze.snoozed_at
    return "reply" if customer_at > reference else None
