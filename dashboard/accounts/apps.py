from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate, post_save


class AccountsConfig(AppConfig):
    name = "dashboard.accounts"
    label = "accounts"
    verbose_name = "Accounts: roles and users"

    def ready(self) -> None:
        from dashboard.accounts import roles

        # Connected for this app only, and run after every migrate (and every test database
        # flush): the sync creates the permissions it needs of apps that come later itself.
        post_migrate.connect(roles.sync_roles, sender=self, dispatch_uid="accounts.sync_roles")
        post_save.connect(
            roles.give_default_role,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="accounts.give_default_role",
        )
