from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.db import models
from django.utils.text import slugify

from dashboard.fluent.client import Credential
from dashboard.sites.fields import EncryptedTextField


def new_cache_token() -> str:
    return secrets.token_hex(8)


# Colours of the site badges (see static/css): twelve tones, told apart by their text too.
TONES = 12


def _short_code(label: str) -> str:
    """A short, stable code for a badge: initials of the label's words."""
    words = re.findall(r"[A-Za-z0-9]+", label)
    if len(words) >= 2:
        return "".join(w[0] for w in words[:4]).upper()
    return (words[0][:4] if words else "SITE").upper()


def unique_slug(label: str, base_url: str) -> str:
    """A slug for a new team site: from its label, never only digits (a number in a site URL
    is an old per-user id), and never one another site already has."""
    host = base_url.split("://")[-1].replace(".", " ")
    stem = slugify(label).replace("_", "-")[:40].strip("-") or slugify(host)[:40].strip("-")
    if not stem or stem.isdigit():
        stem = f"site-{stem}".strip("-")
    slug, n = stem, 2
    while TeamSite.objects.filter(slug=slug).exists():
        slug, n = f"{stem}-{n}", n + 1
    return slug


def next_tone() -> int:
    """The first colour no team site wears yet (then round again), so sites added one after
    another never share one until there are more than twelve."""
    used = list(TeamSite.objects.values_list("tone", flat=True))
    for tone in sorted(range(TONES), key=lambda t: (used.count(t), t * 7 % TONES)):
        return tone
    return 0


class TeamSite(models.Model):
    """A WordPress site the team works on: added once, by an admin; every agent connects their
    own WordPress user to it (a :class:`Site`). Its slug names it in every URL, the same for
    everyone, so a link one agent copies opens for another."""

    base_url = models.URLField(max_length=300, unique=True)
    label = models.CharField(max_length=80)
    slug = models.SlugField(max_length=50, unique=True)
    tone = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["label", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def badge(self) -> str:
        return _short_code(self.label)


class SiteQuerySet(models.QuerySet):
    def for_user(self, user) -> SiteQuerySet:
        return self.filter(owner=user).select_related("team_site")


class Site(models.Model):
    """One user's connection to one team site: the user's own credential for it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sites"
    )
    team_site = models.ForeignKey(TeamSite, on_delete=models.CASCADE, related_name="connections")
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
        ordering = ["team_site__label", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "team_site"], name="one_connection_per_team_site_and_user"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    # The team's name, address, slug and colour of the site, read through the connection so
    # every page that has a connection has them.
    @property
    def label(self) -> str:
        return self.team_site.label

    @property
    def base_url(self) -> str:
        return self.team_site.base_url

    @property
    def slug(self) -> str:
        return self.team_site.slug

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
        return self.team_site.badge

    @property
    def tone(self) -> int:
        """The team site's colour: the same for every agent, on every page."""
        return self.team_site.tone

    def can(self, permission: str) -> bool:
        return "administrator" in self.permissions or permission in self.permissions
