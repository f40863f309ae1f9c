"""The benchmark's output: the figures table, the calls table, the one-line verdict and JSON."""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from dashboard.benchmark.budgets import PageKind
from dashboard.benchmark.http import Sample


@dataclass
class Figure:
    """One measured value; with ``op`` and ``threshold`` it is a target, else information."""

    key: str
    label: str
    value: float | None
    unit: str
    op: str | None = None  # "<=" or ">="
    threshold: float | None = None
    note: str = ""

    @property
    def is_target(self) -> bool:
        return self.op is not None

    @property
    def passed(self) -> bool | None:
        if not self.is_target:
            return None
        if self.value is None or (isinstance(self.value, float) and math.isnan(self.value)):
            return False
        if self.op == "<=":
            return self.value <= self.threshold
        return self.value >= self.threshold

    @property
    def target_text(self) -> str:
        if not self.is_target:
            return ""
        threshold = f"{self.threshold:g}"
        if self.op == "<=" and self.threshold == 0:
            return "0"
        return f"{'≤' if self.op == '<=' else '≥'} {threshold}"

    def value_text(self) -> str:
        if self.value is None:
            return "n/a"
        if self.unit in ("calls", "errors", "kinds", "5xx"):
            return f"{self.value:.0f}"
        if self.unit == "req/s":
            return f"{self.value:.0f} req/s"
        if self.unit == "MB":
            return f"{self.value:.0f} MB"
        if self.unit == "kB":
            return f"{self.value:.1f} kB"
        if self.unit == "ms":
            return f"{self.value:.0f} ms"
        if self.unit == "xL":
            return f"{self.value:.2f}"
        return f"{self.value:.3g}" if abs(self.value) < 1000 else f"{self.value:.0f}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label.strip(),
            "value": self.value,
            "unit": self.unit,
            "target": self.target_text or None,
            "passed": self.passed,
            "note": self.note,
        }


def print_figures(figures: list[Figure], out: TextIO) -> None:
    rows = [("figure", "measured", "target", "result", "note")]
    for figure in figures:
        result = {True: "PASS", False: "FAIL", None: "info"}[figure.passed]
        rows.append(
            (figure.label, figure.value_text(), figure.target_text or "—", result, figure.note)
        )
    _table(rows, out)


def print_calls(kinds: list[PageKind], out: TextIO) -> None:
    """Upstream calls per page kind, cold and warm, from the sites' logs (and Server-Timing)."""
    rows = [("page kind", "cold", "warm", "budget", "cold wall", "warm server", "cold calls")]
    for kind in kinds:
        rows.append(
            (
                kind.label + (" [placeholder]" if kind.placeholder else ""),
                _calls_text(kind.cold),
                _calls_text(kind.warm),
                "—" if kind.budget is None else str(kind.budget),
                _ms(_median([s.wall_ms for s in kind.cold])),
                _ms(_median([s.timing.app_ms for s in kind.warm])),
                summarise_routes(kind.cold),
            )
        )
    _table(rows, out)
    out.write("\nWhy each page needs its calls (cold; warm reads should need none):\n")
    for kind in kinds:
        out.write(f"  {kind.label.strip().lstrip('↳ ')}: {kind.justification}\n")


def _calls_text(samples: list) -> str:
    """Calls of the worst sample as the sites logged them; "(hdr N)" when Server-Timing said
    otherwise, which would mean retries or calls the trace does not see."""
    if not samples:
        return "n/a"
    worst = max(samples, key=lambda s: s.site_calls)
    text = str(worst.site_calls)
    header = worst.timing.upstream_calls
    if header is not None and header != worst.site_calls:
        text += f" (hdr {header})"
    return text


def summarise_routes(samples: list[Sample]) -> str:
    """The routes of one typical sample, e.g. ``GET /tickets x2, GET /tickets/<id>``."""
    if not samples:
        return ""
    typical = sorted(samples, key=lambda s: s.site_calls)[len(samples) // 2]
    counts = Counter(typical.routes)
    return ", ".join(f"{route} x{n}" if n > 1 else route for route, n in sorted(counts.items()))


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} ms"


def _table(rows: list[tuple[str, ...]], out: TextIO) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    # The last column (notes, routes) is not padded: it may be long and ends the line.
    for index, row in enumerate(rows):
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        out.write(("  ".join(cells)).rstrip() + "\n")
        if index == 0:
            out.write("  ".join("-" * w for w in widths).rstrip() + "\n")


def verdict(figures: list[Figure]) -> tuple[int, int]:
    targets = [f for f in figures if f.is_target]
    return sum(1 for f in targets if f.passed), len(targets)


def write_json(path: str, payload: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(payload, indent=2, default=_jsonable) + "\n")


def _jsonable(value: Any) -> Any:
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if hasattr(value, "__dict__"):
        return {k: v for k, v in value.__dict__.items() if k != "text"}
    return str(value)
