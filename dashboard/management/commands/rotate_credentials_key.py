"""Re-encrypt every stored Application Password with the newest key in CREDENTIALS_KEYS.

Rotation: put the new key first in CREDENTIALS_KEYS (keep the old one after it), deploy, run
this command, then remove the old key.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from dashboard.sites.fields import rotate
from dashboard.sites.models import Site


class Command(BaseCommand):
    help = "Re-encrypt stored site credentials with the newest CREDENTIALS_KEYS key."

    def handle(self, *args, **options) -> None:
        table = connection.ops.quote_name(Site._meta.db_table)
        column = connection.ops.quote_name(Site._meta.get_field("app_password").column)
        count = 0
        with transaction.atomic(), connection.cursor() as cursor:
            # Work on the stored tokens themselves: rotate() decrypts with any key and
            # re-encrypts with the first, and the passwords never exist in plain text here.
            cursor.execute(f"SELECT id, {column} FROM {table}")  # noqa: S608 (names quoted)
            for pk, token in cursor.fetchall():
                update = f"UPDATE {table} SET {column} = %s WHERE id = %s"  # noqa: S608
                cursor.execute(update, [rotate(token), pk])
                count += 1
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted {count} credential(s) with the newest key.")
        )
