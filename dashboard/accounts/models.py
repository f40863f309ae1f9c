"""What the accounts app stores: the permissions roles are made of, and temporary passwords."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Access(models.Model):
    """No table: a home for the dashboard's own permissions, which belong to no stored model.

    Roles (``roles.py``) are groups of these and of the models' permissions.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_queues", "See the team's queues"),
            ("view_team_reports", "See the team's reports"),
            ("change_team_settings", "Change team settings: SLA targets, shared saved replies"),
            ("manage_sites", "Manage the team's sites"),
            ("manage_users", "Manage users and their roles"),
        ]

    def __str__(self) -> str:
        return "dashboard permissions"


class TemporaryPassword(models.Model):
    """A user whose password an admin chose: they must choose their own before anything else.

    The row goes when they change it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="temporary_password",
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"temporary password of user {self.user_id}"
