"""Plain arithmetic for the reports: percentiles and the backlog walked back from today."""

from __future__ import annotations

import math
from datetime import date


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (``share`` 0.5 = median, 0.9 = 90th): a value that really
    occurred, as the figures' table shows them."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def backlog(
    open_now: int, opened: dict[date, int], closed: dict[date, int], days: list[date]
) -> dict[date, int]:
    """Open tickets at the end of each day, walked back from today's count: the day before
    had the tickets opened that day fewer and those closed that day more. ``opened`` and
    ``closed`` must cover every day from the first of ``days`` to today."""
    known = sorted(set(opened) | set(closed))
    level = open_now
    at_end: dict[date, int] = {}
    for day in reversed(known):
        at_end[day] = max(level, 0)
        level = level - opened.get(day, 0) + closed.get(day, 0)
    return {day: at_end.get(day, 0) for day in days}
