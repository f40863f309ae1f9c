"""The benchmark's options, declared once for the management command and the measuring process.

The command line is parsed by ``manage.py benchmark``; the measuring process (started with a
clean environment, see ``launcher.launch``) receives the same options as JSON, so nothing is
declared twice.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Options:
    latency_ms: float = 100.0
    sites: int = 8
    quick: bool = False
    json_path: str = ""
    soak: bool = False
    soak_seconds: float = 60.0
    redis_url: str = ""
    profile: bool = False
    workers: int = 2
    threads: int = 4
    team_seconds: float = 120.0

    @property
    def samples(self) -> int:
        """Cold and warm samples per page kind; the figures are their medians."""
        return 3 if self.quick else 7

    @property
    def load_seconds(self) -> float:
        return 3.0 if self.quick else 10.0

    @property
    def team_size(self) -> int:
        """Agents in the simulated team (team.py); none in a soak run."""
        if self.soak:
            return 0
        return 3 if self.quick else 10

    @property
    def load_clients(self) -> int:
        return 16

    @property
    def latency(self) -> float:
        """L in seconds."""
        return self.latency_ms / 1000.0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Options:
        return cls(**json.loads(text))

    @classmethod
    def from_command(cls, values: dict) -> Options:
        quick = bool(values.get("quick"))
        sites = values.get("sites")
        if sites is None:
            # The quick run keeps two sites: enough to exercise merging, small enough for CI.
            sites = 2 if quick else 8
        return cls(
            latency_ms=float(values.get("latency_ms", 100.0)),
            sites=max(1, int(sites)),
            quick=quick,
            json_path=values.get("json") or "",
            soak=bool(values.get("soak")),
            soak_seconds=float(values.get("soak_seconds", 60.0)),
            redis_url=values.get("redis") or "",
            profile=bool(values.get("profile")),
            workers=max(1, int(values.get("workers") or 2)),
            threads=max(1, int(values.get("threads") or 4)),
            team_seconds=float(values.get("team_seconds") or (20.0 if quick else 120.0)),
        )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=100.0,
        help="latency L injected into every simulated upstream call (100)",
    )
    parser.add_argument(
        "--sites", type=int, default=None, help="simulated sites to connect (8; 2 with --quick)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer samples, 2 sites, 3 s of load: under a minute"
    )
    parser.add_argument("--json", metavar="FILE", default="", help="also write every figure here")
    parser.add_argument(
        "--soak",
        action="store_true",
        help="run the bounded soak test instead: warm and cold load with 10%% upstream failures",
    )
    parser.add_argument(
        "--soak-seconds", type=float, default=60.0, help="length of the soak test (60)"
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        default="",
        help="serve Django's cache and the upstream cache from this Redis (default: files)",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn worker processes (2, as on the host)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="gunicorn threads per worker (4, the Procfile's GUNICORN_THREADS default)",
    )
    parser.add_argument(
        "--team-seconds",
        type=float,
        default=None,
        help="how long the simulated team works (120; 20 with --quick)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile one warm inbox and thread request in-process (cProfile)",
    )
