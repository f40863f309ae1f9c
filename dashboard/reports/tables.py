"""Each chart's figures as a table: shown under the chart and downloaded as CSV, one source."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.reports import charts
from dashboard.reports.figures import Report

DAY_NAMES = charts.DAY_NAMES


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]  # cells as shown; CSV writes the raw values of ``raw``
    raw: list[list]


def _minutes(seconds: float | None) -> float | str:
    return "" if seconds is None else round(seconds / 60, 1)


def build(report: Report) -> dict[str, Table]:
    days = report.days
    tables = {
        "volume": Table(
            "volume",
            "Tickets opened and closed per day",
            ["Day", "Opened", "Closed"],
            [[d.day.isoformat(), d.opened, d.closed] for d in days],
            [[d.day.isoformat(), d.opened, d.closed] for d in days],
        ),
        "backlog": Table(
            "backlog",
            "Open tickets at the end of each day",
            ["Day", "Open"],
            [[d.day.isoformat(), d.backlog] for d in days],
            [[d.day.isoformat(), d.backlog] for d in days],
        ),
        "times": Table(
            "times",
            "First response and resolution per day of opening",
            [
                "Day",
                "First response median",
                "First response 90th",
                "Resolution median",
                "Resolution 90th",
            ],
            [
                [
                    d.day.isoformat(),
                    charts.hours(d.first_median),
                    charts.hours(d.first_p90),
                    charts.hours(d.resolve_median),
                    charts.hours(d.resolve_p90),
                ]
                for d in days
            ],
            [
                [
                    d.day.isoformat(),
                    _minutes(d.first_median),
                    _minutes(d.first_p90),
                    _minutes(d.resolve_median),
                    _minutes(d.resolve_p90),
                ]
                for d in days
            ],
        ),
        "agents": Table(
            "agents",
            "Replies and times per agent",
            [
                "Agent",
                "Replies",
                "Closed",
                "First response median",
                "First response 90th",
                "Resolution median",
                "Resolution 90th",
            ],
            [
                [
                    a.name,
                    a.replies,
                    a.closed,
                    charts.hours(a.first_median),
                    charts.hours(a.first_p90),
                    charts.hours(a.resolve_median),
                    charts.hours(a.resolve_p90),
                ]
                for a in report.agents
            ],
            [
                [
                    a.name,
                    a.replies,
                    a.closed,
                    _minutes(a.first_median),
                    _minutes(a.first_p90),
                    _minutes(a.resolve_median),
                    _minutes(a.resolve_p90),
                ]
                for a in report.agents
            ],
        ),
        "hours": Table(
            "hours",
            f"Busiest hours ({report.grid_kind}, site time)",
            ["Day", *[f"{h}:00" for h in range(24)]],
            [[DAY_NAMES[i], *row] for i, row in enumerate(report.grid)],
            [[DAY_NAMES[i], *row] for i, row in enumerate(report.grid)],
        ),
    }
    return tables


def csv_headers(table: Table) -> list[str]:
    """Times in the CSV are minutes, so a spreadsheet can add them up."""
    if table.key in ("times", "agents"):
        return [h if "median" not in h and "90th" not in h else f"{h} (min)" for h in table.headers]
    return table.headers
