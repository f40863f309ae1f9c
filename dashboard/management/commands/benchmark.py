"""Measure the dashboard against its performance targets: ``manage.py benchmark [--quick]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dashboard.benchmark import options as benchmark_options
from dashboard.benchmark.launcher import launch


class Command(BaseCommand):
    help = (
        "Serve the dashboard from gunicorn against simulated sites with latency L and measure "
        "cold and warm pages, scaling, fragment size, throughput and memory against targets."
    )
    # The checkout's own settings and database are not used: the run has a workspace of its own.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        benchmark_options.add_arguments(parser)

    def handle(self, *args: Any, **values: Any) -> None:
        options = benchmark_options.Options.from_command(values)
        if options.latency_ms <= 0:
            raise CommandError("--latency-ms must be above 0: the figures are ratios to it.")
        if options.soak_seconds <= 0:
            raise CommandError("--soak-seconds must be above 0.")
        if options.json_path:
            from pathlib import Path

            options = benchmark_options.Options(
                **{**options.__dict__, "json_path": str(Path(options.json_path).resolve())}
            )
        code = launch(options)
        if code == 130:
            raise CommandError("interrupted", returncode=130)
        if code != 0:
            raise CommandError(f"the benchmark harness failed (exit code {code})", returncode=code)
