"""SLA arithmetic: when a ticket's next answer is due, and whether it is late. Pure functions.

Two targets, as helpdesks usually define them:

- first response: while no agent has answered, the answer is due ``first_response_hours`` after
  the ticket was created;
- next reply: when the customer wrote last, the answer is due ``next_reply_hours`` after the
  customer's last message.

A closed ticket, or one where the agent wrote last, owes nothing and has no SLA state.

Times need care. The plugin gives ``created_at`` and ``waiting_since`` as UTC instants but
``last_customer_response`` and ``last_agent_response`` as naive site-local wall times, which
``parsing.LocalTime`` reads in the site's zone. Two traps follow:

1. Adding hours to an aware datetime in a ``ZoneInfo`` zone adds wall-clock time: 00:30 EDT
   plus 2 h on the night clocks go back is 02:30 EST, three real hours later. Every sum here
   is done in UTC.
2. In the hour the clocks go back, a wall time such as 01:30 happens twice and the plugin's
   string does not say which; Python also ignores ``fold`` when it compares two datetimes of
   the same zone. ``waiting_since`` is set, in UTC, whenever anyone responds, so when its wall
   time equals a local field's, it gives that field's exact instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from dashboard.durations import compact_duration

Kind = Literal["first_response", "next_reply"]

KIND_LABELS = {"first_response": "First response", "next_reply": "Next reply"}


class Targets(Protocol):
    """Anything with the two targets, in hours (None: no target of that kind)."""

    first_response_hours: int | None
    next_reply_hours: int | None


@dataclass(frozen=True)
class Policy:
    """Targets in effect for one ticket, after mailbox overrides are applied."""

    first_response_hours: int | None = None
    next_reply_hours: int | None = None

    def __bool__(self) -> bool:
        return bool(self.first_response_hours or self.next_reply_hours)


@dataclass(frozen=True)
class SlaState:
    kind: Kind
    started_at: datetime  # UTC: when the clock started (ticket created, or customer wrote)
    due_at: datetime  # UTC
    overdue: bool
    label: str  # "due in 2 h", "overdue 35 min"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def description(self) -> str:
        return f"{self.kind_label} {self.label}"


def exact_instant(local: datetime | None, hint_utc: datetime | None) -> datetime | None:
    """A site-local time as a UTC instant, exact even in the repeated hour when the hint (the
    ticket's UTC ``waiting_since``) shows the same wall time."""
    if local is None:
        return None
    if hint_utc is not None and local.tzinfo is not None:
        hint_local = hint_utc.astimezone(local.tzinfo)
        if hint_local.replace(tzinfo=None, fold=0) == local.replace(tzinfo=None, fold=0):
            return hint_utc.astimezone(UTC)
    return local.astimezone(UTC)


def last_messages(ticket) -> tuple[datetime | None, datetime | None]:
    """(customer's, agent's) last message as exact UTC instants."""
    hint = ticket.waiting_since
    return (
        exact_instant(ticket.last_customer_response, hint),
        exact_instant(ticket.last_agent_response, hint),
    )


def customer_wrote_last(ticket) -> bool:
    """Like ``Ticket.is_waiting``, but compared as instants (see the module notes)."""
    if ticket.status == "closed":
        return False
    customer_at, agent_at = last_messages(ticket)
    return customer_at is not None and (agent_at is None or customer_at > agent_at)


def label(due_at: datetime, now: datetime) -> tuple[bool, str]:
    """(overdue, "due in 2 h" | "due now" | "overdue 35 min")."""
    seconds = (due_at - now).total_seconds()
    if seconds < 0:
        # Late by less than a minute still reads as late, not as "overdue now".
        return True, f"overdue {compact_duration(max(-seconds, 60))}"
    if seconds < 60:
        return False, "due now"
    return False, f"due in {compact_duration(seconds)}"


def sla_state(ticket, policy: Targets | None, now: datetime) -> SlaState | None:
    """The ticket's SLA clock under ``policy`` at ``now`` (aware), or None when none runs."""
    if policy is None or ticket.status == "closed":
        return None
    customer_at, agent_at = last_messages(ticket)
    kind: Kind
    if agent_at is None:
        kind, hours = "first_response", policy.first_response_hours
        started = ticket.created_at or customer_at
    elif customer_at is not None and customer_at > agent_at:
        kind, hours, started = "next_reply", policy.next_reply_hours, customer_at
    else:
        return None
    if not hours or started is None:
        return None
    started = started.astimezone(UTC)
    due_at = started + timedelta(hours=hours)
    overdue, text = label(due_at, now)
    return SlaState(kind=kind, started_at=started, due_at=due_at, overdue=overdue, label=text)


def effective_policy(site_policies: dict[int | None, Targets], mailbox_id: int | None) -> Policy:
    """The site's targets, with those its mailbox's policy sets taking their place."""
    base = site_policies.get(None)
    override = site_policies.get(mailbox_id) if mailbox_id else None

    def pick(name: str) -> int | None:
        for source in (override, base):
            value = getattr(source, name, None) if source is not None else None
            if value:
                return value
        return None

    return Policy(pick("first_response_hours"), pick("next_reply_hours"))


def overdue_sort_key(state: SlaState | None) -> tuple[bool, float]:
    """ "Overdue first": the earliest due first (the most overdue at the top), tickets without
    an SLA clock last."""
    if state is None:
        return (True, 0.0)
    return (False, state.due_at.timestamp())
