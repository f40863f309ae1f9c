"""Formatting for the reports' figures."""

from __future__ import annotations

from django import template

from dashboard.durations import compact_duration

register = template.Library()


@register.filter
def duration(seconds) -> str:
    """A time in seconds as "35 min", "2 h 10 min", "3 d"; a dash when there is none."""
    if seconds is None or seconds == "":
        return "—"
    seconds = float(seconds)
    return f"{int(seconds)} s" if seconds < 60 else compact_duration(seconds)
