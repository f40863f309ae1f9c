"""Start the dashboard with two simulated WordPress sites and a ready user: demo / demo."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dashboard.simulator import SimulatedSite, SimulatorServer
from dashboard.sites.models import Site
from dashboard.sites.services import site_connect, site_remove

DEMO_SITES = [
    {"seed": 1, "name": "Acme Store", "crm": True, "tickets": 150},
    {
        "seed": 2,
        "name": "Acme Academy",
        "crm": True,
        "tickets": 60,
        "customers": 35,
        "contacts": 50,
    },
]


class Command(BaseCommand):
    help = "Run the dashboard with two simulated sites; log in as demo / demo. Ctrl-C stops."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="dashboard port (8000)")
        parser.add_argument(
            "--latency-ms", type=int, default=25, help="simulated WordPress latency per call (25)"
        )

    def handle(self, *args, port: int, latency_ms: int, **options) -> None:
        if not settings.UPSTREAM_ALLOW_PRIVATE:
            raise CommandError(
                "The demo's sites run on 127.0.0.1: set DEBUG=true or UPSTREAM_ALLOW_PRIVATE=true."
            )
        call_command("migrate", interactive=False, verbosity=0)
        servers = []
        for spec in DEMO_SITES:
            site = SimulatedSite(**spec)
            site.set_latency(latency_ms)
            servers.append(SimulatorServer(site).start())
        try:
            user = self._demo_user()
            # Sites from an earlier run point at old ports: connect afresh, through the same
            # verification a person's credentials go through.
            for old in Site.objects.filter(owner=user):
                site_remove(site=old)
            for server in servers:
                site_connect(
                    owner=user,
                    label=server.site.name,
                    base_url=server.base_url,
                    username="admin",
                    app_password=server.site.users["admin"].app_password,
                )
                self.stdout.write(f"Simulated site {server.site.name}: {server.base_url}")
            self.stdout.write(
                self.style.SUCCESS(
                    f"\nSupport Dashboard: http://127.0.0.1:{port}/  (log in as demo / demo)\n"
                )
            )
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)
        finally:
            for server in servers:
                server.stop()

    def _demo_user(self):
        users = get_user_model()
        user, _created = users.objects.get_or_create(
            username="demo", defaults={"first_name": "Demo", "last_name": "Agent"}
        )
        user.set_password("demo")
        user.is_staff = user.is_superuser = True
        user.save()
        return user
