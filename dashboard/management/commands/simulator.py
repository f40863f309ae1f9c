"""Serve one simulated WordPress site (Fluent Support + FluentCRM) until Ctrl-C."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME, SimulatedSite, SimulatorServer


class Command(BaseCommand):
    help = "Serve a simulated WordPress site with Fluent Support and FluentCRM."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8089)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--name", default="Acme Store")
        parser.add_argument("--latency-ms", type=float, default=0.0)
        parser.add_argument("--no-crm", action="store_true", help="FluentCRM not installed")
        parser.add_argument("--tickets", type=int, default=150)
        # A large site, e.g. --tickets 50000 --customers 20000 --agents 40 --tags 300.
        parser.add_argument("--customers", type=int, default=60)
        parser.add_argument("--agents", type=int, default=0, help="agents in all (seed: 5)")
        parser.add_argument("--tags", type=int, default=0, help="ticket tags in all (seed: 8)")
        parser.add_argument("--hostile", action="store_true", help="seed XSS vectors")
        parser.add_argument(
            "--auth",
            default=None,
            help="USER:APP_PASSWORD for the administrator (default admin and the demo password)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username, password = ADMIN_USERNAME, ADMIN_APP_PASSWORD
        if options["auth"]:
            username, sep, password = options["auth"].partition(":")
            if not sep or not username or not password:
                raise CommandError("--auth must look like USER:APP_PASSWORD")
        site = SimulatedSite(
            seed=options["seed"],
            name=options["name"],
            crm=not options["no_crm"],
            tickets=options["tickets"],
            customers=options["customers"],
            agents=options["agents"],
            tags=options["tags"],
            hostile=options["hostile"],
            admin_username=username,
            admin_password=password,
        )
        if options["latency_ms"]:
            site.set_latency(options["latency_ms"])
        server = SimulatorServer(site, host=options["host"], port=options["port"])
        server.start()
        self.stdout.write(f"Simulated WordPress site {site.name!r} at {server.base_url}")
        self.stdout.write(f"REST root: {server.base_url}/wp-json/")
        for user in site.users.values():
            self.stdout.write(f"  {user.role:<13} {user.username}: {user.app_password}")
        self.stdout.write(
            "Controls (from this machine, by a loopback address): POST /__simulator__/reset, "
            "/latency, /faults. Ctrl-C to stop."
        )
        try:
            server.wait()
        except KeyboardInterrupt:
            self.stdout.write("Stopping.")
        finally:
            server.stop()
