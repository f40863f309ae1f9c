"""Chart geometry for server-rendered SVG: numbers in, shapes out, no drawing library.

Templates draw these shapes with CSS classes from reports.css (colours, patterns and dark mode
live there), so the strict CSP holds: no inline style, no script. Every chart sits beside a
table of the same figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 720
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 26
PLOT_W = WIDTH - LEFT - RIGHT
PLOT_H = HEIGHT - TOP - BOTTOM


@dataclass
class Shape:
    x: float
    y: float
    w: float
    h: float
    css: str
    title: str


@dataclass
class Line:
    points: str
    css: str
    label: str
    dots: list[Shape] = field(default_factory=list)


@dataclass
class Tick:
    at: float
    label: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Shape] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: float = TOP + PLOT_H


def nice_max(value: float) -> float:
    """A round top for the axis at or above ``value``."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _y(value: float, top: float) -> float:
    return TOP + PLOT_H - (value / top) * PLOT_H


def _y_ticks(top: float, fmt) -> list[Tick]:
    return [Tick(_y(top * n / 4, top), fmt(top * n / 4)) for n in range(5)]


# Axis labels are 11 px text: at most about this many pixels a character (an email address,
# the label of an agent without a name, is mostly wide letters).
CHAR_PX = 7.5


def _fit(label: str, width: float) -> str:
    """The label cut to the room it has (the full one is in each bar's title and the table)."""
    room = max(3, int(width // CHAR_PX))
    return label if len(label) <= room else label[: room - 1] + "…"


def _x_ticks(labels: list[str]) -> list[Tick]:
    count = len(labels)
    step = max(1, math.ceil(count / 8))
    slot = PLOT_W / max(count, 1)
    return [
        Tick(LEFT + slot * (i + 0.5), _fit(labels[i], slot * step)) for i in range(0, count, step)
    ]


def _plain(value: float) -> str:
    return f"{value:g}"


def grouped_bars(
    labels: list[str], series: list[tuple[str, str, list[float]]], fmt=_plain
) -> Chart:
    """Bars side by side per label; ``series`` is (name, css class, values)."""
    top = nice_max(max((v for _, _, values in series for v in values if v), default=0))
    slot = PLOT_W / max(len(labels), 1)
    width = slot * 0.8 / max(len(series), 1)
    chart = Chart(y_ticks=_y_ticks(top, fmt), x_ticks=_x_ticks(labels))
    for index, (name, css, values) in enumerate(series):
        for i, value in enumerate(values):
            y = _y(value or 0, top)
            chart.bars.append(
                Shape(
                    x=round(LEFT + slot * i + slot * 0.1 + width * index, 2),
                    y=round(y, 2),
                    w=round(max(width - 0.5, 0.5), 2),
                    h=round(TOP + PLOT_H - y, 2),
                    css=css,
                    title=f"{labels[i]}: {fmt(value or 0)} {name}",
                )
            )
    return chart


def lines(
    labels: list[str], series: list[tuple[str, str, list[float | None]]], fmt=_plain
) -> Chart:
    """One line per series; days without a value break nothing (they are left out)."""
    top = nice_max(max((v for _, _, values in series for v in values if v), default=0))
    slot = PLOT_W / max(len(labels), 1)
    chart = Chart(y_ticks=_y_ticks(top, fmt), x_ticks=_x_ticks(labels))
    for name, css, values in series:
        points, dots = [], []
        for i, value in enumerate(values):
            if value is None:
                continue
            x, y = LEFT + slot * (i + 0.5), _y(value, top)
            points.append(f"{x:.1f},{y:.1f}")
            dots.append(
                Shape(round(x, 1), round(y, 1), 3, 3, css, f"{labels[i]}: {fmt(value)} {name}")
            )
        chart.lines.append(Line(" ".join(points), css, name, dots))
    return chart


@dataclass
class Cell:
    x: int
    y: int
    level: int
    title: str


@dataclass
class Heatmap:
    cells: list[Cell]
    days: list[tuple[int, str]]
    hours: list[tuple[int, str]]
    width: int = 44 + 24 * 26
    height: int = 20 + 7 * 22


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def heatmap(grid: list[list[int]], what: str) -> Heatmap:
    """7 x 24 cells in six levels (0 = none), each with its count as a title."""
    peak = max((v for row in grid for v in row), default=0)
    cells = []
    for day, row in enumerate(grid):
        for hour, value in enumerate(row):
            level = 0 if not value else max(1, math.ceil(5 * value / peak))
            cells.append(
                Cell(
                    44 + hour * 26,
                    20 + day * 22,
                    level,
                    f"{DAY_NAMES[day]} {hour}:00: {value} {what}",
                )
            )
    return Heatmap(
        cells=cells,
        days=[(20 + d * 22 + 15, name) for d, name in enumerate(DAY_NAMES)],
        hours=[(44 + h * 26 + 13, f"{h}") for h in range(0, 24, 3)],
    )


def hours(seconds: float | None) -> str:
    """A duration for axes and tables: minutes under two hours, else hours, else days."""
    if seconds is None:
        return "—"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"
