"""Start the dashboard with two simulated WordPress sites and a ready user: demo / demo.

Each demo keeps its data apart, by port: its own folder (``DATA_DIR/demo-<port>``) holding its
SQLite database, caches and development keys, and no Redis. A second demo started by mistake
on a busy port stops before touching anything; one on another port never sees the first's
sites, sessions or cached answers.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dashboard.accounts.roles import ADMIN, AGENT, set_role
from dashboard.simulator import SimulatedSite, SimulatorServer
from dashboard.sites.models import TeamSite
from dashboard.sites.services import site_connect, team_site_remove

# One support team works both sites, with one email each: every agent is one person across
# them (one row in Queues, one choice in the filters).
DEMO_SITES = [
    {"seed": 1, "name": "Acme Store", "crm": True, "tickets": 150, "staff_domain": "acme.test"},
    {
        "seed": 2,
        "name": "Acme Academy",
        "staff_domain": "acme.test",
        "crm": True,
        "tickets": 60,
        "customers": 35,
        "contacts": 50,
    },
]


class Command(BaseCommand):
    help = "Run the dashboard with two simulated sites; log in as demo / demo. Ctrl-C stops."
    # The port is checked before anything touches the data folder, and Django 6's system checks
    # open the database: they run afterwards, with the migrations the demo applies.
    requires_system_checks: list[str] = []

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
        # Before anything else: a demo already running on this port keeps its sites.
        check_port_free(port)
        if os.environ.get(DEMO_PORT_VARIABLE) != str(port):
            self._restart_with_own_data(port, latency_ms)
        self.check()
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
            for old in TeamSite.objects.all():
                team_site_remove(team_site=old)
            for server in servers:
                site_connect(
                    owner=user,
                    label=server.site.name,
                    base_url=server.base_url,
                    username="admin",
                    app_password=server.site.users["admin"].app_password,
                )
                self.stdout.write(f"Simulated site {server.site.name}: {server.base_url}")
            self._second_agent()
            maria = servers[0].site.users.get("maria")
            if maria is not None:
                # Simulated credentials only: the demo's sites are made up on every start.
                self.stdout.write(
                    f"A second agent: log in as sam / sam, open a link to a ticket and connect "
                    f"{servers[0].site.name} as WordPress user maria, Application Password "
                    f"{maria.app_password}"
                )
            self.stdout.write(
                self.style.SUCCESS(
                    f"\nSupport Dashboard: http://127.0.0.1:{port}/  (log in as demo / demo)\n"
                )
            )
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)
        finally:
            for server in servers:
                server.stop()

    def _restart_with_own_data(self, port: int, latency_ms: int) -> None:
        """Run this command again with the demo's own data folder, database and no Redis.

        Settings are read once per process, so the folder is chosen in a fresh one: exec keeps
        the process id, the terminal and Ctrl-C as they were.
        """
        data = demo_data_dir(port)
        env = {
            **os.environ,
            DEMO_PORT_VARIABLE: str(port),
            "DATA_DIR": str(data),
            "DATABASE_URL": f"sqlite:///{data / 'dashboard.sqlite3'}",
        }
        env.pop("REDIS_URL", None)
        self.stdout.write(f"Demo data: {data}")
        self.stdout.flush()
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        arguments = ["demo", "--port", str(port), "--latency-ms", str(latency_ms)]
        os.execve(sys.executable, [sys.executable, manage, *arguments], env)  # noqa: S606

    def _demo_user(self):
        users = get_user_model()
        user, _created = users.objects.get_or_create(
            username="demo", defaults={"first_name": "Demo", "last_name": "Agent"}
        )
        user.set_password("demo")
        user.is_staff = user.is_superuser = True
        user.save()
        # A superuser passes every check anyway; the group shows them as Admin on the Team page.
        set_role(user, ADMIN)
        return user

    def _second_agent(self) -> None:
        """An Agent with no site connected yet, to try a shared link as a teammate would."""
        users = get_user_model()
        sam, _created = users.objects.get_or_create(
            username="sam", defaults={"first_name": "Sam", "last_name": "Kim"}
        )
        sam.set_password("sam")
        sam.save()
        set_role(sam, AGENT)


DEMO_PORT_VARIABLE = "DASHBOARD_DEMO_PORT"


def demo_data_dir(port: int) -> Path:
    return Path(settings.DATA_DIR) / f"demo-{port}"


def check_port_free(port: int) -> None:
    """Fail with a clear message when something already listens on the dashboard's port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As runserver will: an old connection in TIME_WAIT does not make the port busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise CommandError(f"Cannot use port {port}: {error.strerror}.") from None
            raise CommandError(
                f"Port {port} is already in use (another demo or server?). Nothing was changed; "
                f"stop it, or start this demo on another port: manage.py demo --port {port + 1}"
            ) from None
