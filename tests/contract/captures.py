"""The recorded answers of the real plugins, shipped with the tests (see tests/captures/)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CAPTURES = Path(__file__).resolve().parents[1] / "captures"


@cache
def load(name: str) -> dict[str, Any]:
    """One capture: request, status, headers, body (parsed once per test session)."""
    return json.loads((CAPTURES / f"{name}.json").read_text())


def body(name: str) -> Any:
    """A fresh copy of a capture's body, safe to change in a test."""
    return json.loads(json.dumps(load(name)["body"]))


@cache
def names() -> tuple[str, ...]:
    """Every capture, in the order `_index.tsv` lists them (the order they were recorded)."""
    lines = (CAPTURES / "_index.tsv").read_text().splitlines()[1:]
    return tuple(line.split("\t")[0] for line in lines if line.strip())


def sequence(prefix: str) -> list[str]:
    """The steps of one write sequence (`seq_<topic>_...`), in recorded order."""
    return [name for name in names() if name.startswith(prefix)]
