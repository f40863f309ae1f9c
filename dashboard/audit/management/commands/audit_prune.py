from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dashboard.audit.retention import prune


class Command(BaseCommand):
    help = "Delete audit trail rows older than AUDIT_RETENTION_DAYS (or --days)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep this many days instead of AUDIT_RETENTION_DAYS (0 keeps everything).",
        )

    def handle(self, *args, days: int | None, **options) -> None:
        if days is not None and days < 0:
            raise CommandError("--days must be 0 or more.")
        kept = settings.AUDIT_RETENTION_DAYS if days is None else days
        if kept <= 0:
            self.stdout.write("Retention is off (0 days): nothing deleted.")
            return
        deleted = prune(days=kept)
        self.stdout.write(f"Deleted {deleted} audit entries older than {kept} days.")
