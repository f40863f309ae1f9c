"""The reports page's charts, drawn from a Report (geometry only; templates draw it)."""

from __future__ import annotations

from dashboard.reports import charts
from dashboard.reports.figures import Report


def _label(day) -> str:
    return day.strftime("%d %b")


def charts_for(report: Report) -> dict:
    labels = [_label(d.day) for d in report.days]
    agents = report.agents[:12]
    return {
        "volume": charts.grouped_bars(
            labels,
            [
                ("opened", "series-a", [d.opened for d in report.days]),
                ("closed", "series-b", [d.closed for d in report.days]),
            ],
        ),
        "backlog": charts.lines(labels, [("open", "series-a", [d.backlog for d in report.days])]),
        "first": charts.lines(
            labels,
            [
                ("median", "series-a", [d.first_median for d in report.days]),
                ("90th percentile", "series-c", [d.first_p90 for d in report.days]),
            ],
            fmt=charts.hours,
        ),
        "resolve": charts.lines(
            labels,
            [
                ("median", "series-b", [d.resolve_median for d in report.days]),
                ("90th percentile", "series-c", [d.resolve_p90 for d in report.days]),
            ],
            fmt=charts.hours,
        ),
        "agents": charts.grouped_bars(
            [a.name for a in agents],
            [("replies", "series-a", [a.replies for a in agents])],
        ),
        "hours": charts.heatmap(report.grid, report.grid_kind),
    }


def change(current: float | None, previous: float | None) -> str:
    """How a figure moved against the previous period, as a short signed percentage."""
    if current is None or previous is None:
        return ""
    if previous == 0:
        return "new" if current else "±0%"
    delta = (current - previous) / previous * 100
    return f"{delta:+.0f}%"
