"""Expected queue figures computed straight from a simulated site's rows, and a reader for the
figures the page shows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any

THRESHOLDS = (4, 24, 72)


def is_open(ticket: dict[str, Any]) -> bool:
    return ticket["status"] != "closed"


def is_waiting(ticket: dict[str, Any]) -> bool:
    """The plugin's waiting_for_reply: open, and no agent reply after the customer's last."""
    if not is_open(ticket):
        return False
    agent_at, customer_at = ticket["last_agent_response"], ticket["last_customer_response"]
    return agent_at is None or (customer_at is not None and customer_at > agent_at)


def visible_to(person_id: int | None):
    """What a user sees: everything, or (a limited agent) own and unassigned tickets."""

    def check(ticket: dict[str, Any]) -> bool:
        return person_id is None or ticket["agent_id"] in (None, person_id)

    return check


@dataclass
class Expected:
    open: int
    new: int
    unassigned: int
    waiting: int
    oldest: datetime | None
    closed_today: int

    @classmethod
    def of(cls, sim_site, *, limited_to: int | None = None) -> Expected:
        site = sim_site.site
        rows = [t for t in site.tickets.values() if visible_to(limited_to)(t)]
        waiting = [t for t in rows if is_waiting(t)]
        zone = site.clock.zone
        today = site.current_time().astimezone(zone).date()
        return cls(
            open=sum(1 for t in rows if is_open(t)),
            new=sum(1 for t in rows if t["status"] == "new"),
            unassigned=sum(1 for t in rows if is_open(t) and t["agent_id"] is None),
            waiting=len(waiting),
            oldest=min((t["last_customer_response"] for t in waiting), default=None),
            closed_today=closed_today(site, today, zone),
        )


def closed_today(site, today, zone, **match: Any) -> int:
    return sum(
        1
        for t in site.tickets.values()
        if t["status"] == "closed"
        and t["resolved_at"] is not None
        and t["resolved_at"].astimezone(zone).date() == today
        and all(t[key] == value for key, value in match.items())
    )


def buckets(sim_site, now: datetime, *, limited_to: int | None = None) -> list[int]:
    waiting = [
        t for t in sim_site.site.tickets.values() if is_waiting(t) and visible_to(limited_to)(t)
    ]
    return [
        sum(1 for t in waiting if t["last_customer_response"] <= now - timedelta(hours=hours))
        for hours in THRESHOLDS
    ]


@dataclass
class Shown:
    """One figure on the page: the row it is in, its column, its text and its link."""

    row: str
    column: str
    text: str
    href: str
    title: str


class FigureReader(HTMLParser):
    """Collects every figure cell (``td[data-figure]``) with the row key it belongs to."""

    # A person's row (``data-person``) holds the table of their sites (``data-agent`` rows):
    # rows nest, so the row a figure belongs to is the innermost one open.
    ROW_KEYS = ("data-site", "data-person", "data-agent", "data-mailbox", "data-product")

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[Shown] = []
        self._rows: list[str] = []
        self._column = ""
        self._href = ""
        self._title = ""
        self._text: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "tr":
            self._rows.append(
                next((f"{key[5:]}:{found[key]}" for key in self.ROW_KEYS if key in found), "")
            )
        elif tag == "td" and "data-figure" in found:
            self._column = found["data-figure"] or ""
            self._href, self._title, self._text = "", "", []
        elif self._text is not None and tag in ("a", "span") and not self._href:
            self._href = found.get("href") or ""
            self._title = found.get("title") or ""

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._text is not None:
            text = " ".join("".join(self._text).split())
            row = self._rows[-1] if self._rows else ""
            self.figures.append(Shown(row, self._column, text, self._href, self._title))
            self._text = None
        elif tag == "tr" and self._rows:
            self._rows.pop()


def shown(html: str) -> list[Shown]:
    reader = FigureReader()
    reader.feed(html)
    return reader.figures


def figure(html: str, row: str, column: str) -> Shown:
    matches = [f for f in shown(html) if f.row == row and f.column == column]
    assert matches, f"no {column} figure in row {row}"
    return matches[0]


def data_total(html: str) -> int:
    match = re.search(r'data-total="(\d+)"', html)
    assert match, "the inbox shows no data-total"
    return int(match.group(1))
