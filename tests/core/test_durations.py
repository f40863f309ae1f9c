"""The one duration formatter every screen uses."""

from __future__ import annotations

import pytest

from dashboard.durations import compact_duration

H = 3600


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (35, "now"),
        (35 * 60, "35 min"),
        (5 * H + 59 * 60, "5 h"),
        (47 * H, "47 h"),
        (48 * H, "2 d"),
        (70 * H, "2 d 22 h"),
        (27 * 24 * H + 23 * H, "27 d 23 h"),
        (38 * 24 * H, "5 w 3 d"),
        (35 * 24 * H, "5 w"),
    ],
)
def test_durations_past_two_days_keep_the_next_unit(seconds, text):
    assert compact_duration(seconds) == text
