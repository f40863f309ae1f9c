"""How long something took or has to go, the way agents read it at a glance. Pure functions."""

from __future__ import annotations


def compact_duration(seconds: float) -> str:
    """35 s -> "now", "35 min", "5 h", "2 d 22 h", "5 w 3 d".

    Under two days the hours say enough; past that a whole-day figure alone would hide up to
    a day (70 h is not "2 d"), so the next smaller unit follows. Each figure rounds down.
    """
    seconds = max(0, int(seconds))
    if seconds < 60:
        return "now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    days = hours // 24
    if days < 28:
        return _pair(days, "d", hours % 24, "h")
    return _pair(days // 7, "w", days % 7, "d")


def _pair(major: int, major_unit: str, minor: int, minor_unit: str) -> str:
    return f"{major} {major_unit} {minor} {minor_unit}" if minor else f"{major} {major_unit}"
