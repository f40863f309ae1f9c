from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.db import models

from dashboard.fluent.client import Credential
from dashboard.sites.fields import EncryptedTextField


def new_cache_token() -> str:
    return secrets.token_hex(8)


class SiteQuerySet(models.QuerySet):
    def for_user(self, user) -> SiteQuerySet:
        return self.filter(owner=user)


class Site(models.Model):
    """One user's connection to one WordPress site: the user's own credential for it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sites"
    )
    label = models.CharField(max_length=80)
    base_url = models.URLField(max_length=300)
    username = models.CharField(max_length=150)
    app_password = EncryptedTextField()
    # What was found when the credential was last verified.
    site_name = models.CharField(max_length=200, blank=True)
    timezone = models.CharField(max_length=64, default="UTC")
    wp_user_id = models.PositiveIntegerField(null=True, blank=True)
    display_name = models.CharField(max_length=150, blank=True)
    agent_person_id = models.PositiveIntegerField(null=True, blank=True)
    permissions = models.JSONField(default=list, blank=True)
    has_crm = models.BooleanField(default=False)
    crm_access = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # Set when the site answers 401 to the stored credential; cleared by a successful verify.
    auth_failed_at = models.DateTimeField(null=True, blank=True)
    # Names this credential's private upstream cache; a new token starts an empty cache, so no
    # answer cached for an earlier credential (or an earlier row with the same id) is ever read.
    cache_token = models.CharField(max_length=16, default=new_cache_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "base_url"], name="one_connection_per_site_and_user"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def cache_key(self) -> str:
        return f"site-{self.pk}-{self.cache_token}"

    def credential(self) -> Credential:
        """Decrypt in the request thread; the credential then goes to the upstream layer."""
        return Credential(
            key=self.cache_key,
            base_url=self.base_url,
            username=self.username,
            app_password=self.app_password,
            label=self.label,
            timezone=self.timezone,
        )

    @property
    def needs_reconnect(self) -> bool:
        return self.auth_failed_at is not None

    @property
    def badge(self) -> str:
        """A short, stable code for the site badge: initials of the label's words."""
        words = re.findall(r"[A-Za-z0-9]+", self.label)
        if len(words) >= 2:
            return "".join(w[0] for w in words[:4]).upper()
        return (words[0][:4] if words else "SITE").upper()

    @property
    def tone(self) -> int:
        """A colour (0-11) derived from the id, the same on every page and every visit. Seven is
        coprime with twelve, so a user's sites, connected one after another, never share one."""
        return (self.pk or 0) * 7 % 12

    def can(self, permission: str) -> bool:
        return "administrator" in self.permissions or permission in self.permissions
