"""One row per write made through the dashboard.

Sites are named by the strings they had when the write was made (base URL and label), not by a
key to ``Site`` or ``TeamSite``: a connection, even a team site, may be removed while the row
must stay, and viewers are matched to rows by the base URL of the sites they connected.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dashboard.sites.models import Site, TeamSite


class Outcome(models.TextChoices):
    OK = "ok", "Done"
    FAILED = "failed", "Failed"
    UNCERTAIN = "uncertain", "Uncertain"
    REFUSED = "refused", "Refused"
    INVALID = "invalid", "Invalid"
    CONFLICT = "conflict", "Conflict"
    UNSENT = "unsent", "Not sent"


OUTCOME_HELP = {
    Outcome.OK: "The change was made.",
    Outcome.FAILED: "The site or the dashboard failed; nothing was changed.",
    Outcome.UNCERTAIN: "The site did not answer in time: the change may have been made.",
    Outcome.REFUSED: "Not allowed: the site refused the password or permission, or the "
    "object is not the person's.",
    Outcome.INVALID: "What was entered was refused, by the dashboard or the site.",
    Outcome.CONFLICT: "Someone else wrote meanwhile, or the same form was already being sent.",
    Outcome.UNSENT: "Nothing was sent to the site (already sent, or nothing to do).",
}


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> AuditEntryQuerySet:
        """Rows of the WordPress sites ``user`` connected, and rows without a site (settings,
        the account) of the people who share one of those sites, or of ``user``. A site the
        user has not connected shows nothing of itself, not even that it was written to."""
        team_sites = Site.objects.filter(owner=user).values("team_site")
        urls = TeamSite.objects.filter(pk__in=team_sites).values("base_url")
        colleagues = Site.objects.filter(team_site__in=team_sites).values("owner")
        return self.filter(
            Q(site_url__in=urls) | Q(site_url="", user__in=colleagues) | Q(site_url="", user=user)
        )


class AuditEntry(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # The account may be deleted; its name stays on the rows it made.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=40)
    action_label = models.CharField(max_length=80)
    site_url = models.CharField(max_length=300, blank=True)
    site_label = models.CharField(max_length=80, blank=True)
    object_kind = models.CharField(max_length=30, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # The ticket the write was about (also for a message of it), for a link to its thread.
    ticket_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Short and safe: a property and its new value, a tag, a count and ids. Never text a
    # person typed into a message, nor a password or token.
    detail = models.CharField(max_length=300, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    status = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["site_url", "at"], name="audit_site_at"),
            models.Index(fields=["username", "at"], name="audit_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}: {self.action_label} ({self.outcome})"

    @property
    def object_text(self) -> str:
        """What was written to, in words: "Ticket #12", "Message #40 on ticket #12"."""
        kind = self.object_kind.replace("_", " ").capitalize()
        if not kind:
            return ""
        named = f"{kind} #{self.object_id}" if self.object_id else kind
        if self.ticket_id and self.object_kind != "ticket":
            named += f" on ticket #{self.ticket_id}"
        return named
