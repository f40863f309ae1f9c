"""What the dashboard stores for agents' workflow, above every site: the free Fluent Support
plugin has no saved replies, SLA targets or snoozes, and per-site setup would have to be
repeated on each WordPress site.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Limits of the hour fields: an SLA target of more than 30 days is no target at all.
MIN_HOURS = 1
MAX_HOURS = 720


class SavedReplyQuerySet(models.QuerySet):
    def visible_to(self, user) -> SavedReplyQuerySet:
        """A user's own replies and every reply another user shared."""
        return self.filter(Q(owner=user) | Q(shared=True))

    def search(self, text: str) -> SavedReplyQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(title__icontains=text) | Q(body__icontains=text))


class SavedReply(models.Model):
    """A reply an agent reuses on any site; the body is plain text with placeholders."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_replies"
    )
    title = models.CharField(max_length=120)
    body = models.TextField()
    shared = models.BooleanField(
        default=False, help_text="Every user of this dashboard can use a shared reply."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SavedReplyQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name_plural = "saved replies"

    def __str__(self) -> str:
        return self.title


class SlaPolicyQuerySet(models.QuerySet):
    def for_sites(self, sites) -> SlaPolicyQuerySet:
        return self.filter(site_url__in={site.base_url for site in sites})


class SlaPolicy(models.Model):
    """SLA targets of one WordPress site, or of one of its mailboxes.

    Keyed by the site's address rather than by a user's Site row: SLA targets are the team's,
    so every user who connects the same WordPress site works to the same targets. A mailbox
    policy overrides the site's targets it sets and inherits the ones it leaves empty.
    """

    site_url = models.CharField(max_length=300, db_index=True)
    mailbox_id = models.PositiveIntegerField(null=True, blank=True)
    first_response_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    next_reply_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SlaPolicyQuerySet.as_manager()

    class Meta:
        ordering = ["site_url", "mailbox_id"]
        verbose_name_plural = "SLA policies"
        constraints = [
            # NULLs are distinct in unique indexes, so the site-wide row needs its own rule.
            models.UniqueConstraint(
                fields=["site_url"],
                condition=Q(mailbox_id__isnull=True),
                name="one_sla_policy_per_site",
            ),
            models.UniqueConstraint(
                fields=["site_url", "mailbox_id"],
                condition=Q(mailbox_id__isnull=False),
                name="one_sla_policy_per_mailbox",
            ),
            models.CheckConstraint(
                condition=(
                    Q(first_response_hours__isnull=True)
                    | Q(first_response_hours__gte=MIN_HOURS, first_response_hours__lte=MAX_HOURS)
                )
                & (
                    Q(next_reply_hours__isnull=True)
                    | Q(next_reply_hours__gte=MIN_HOURS, next_reply_hours__lte=MAX_HOURS)
                ),
                name="sla_hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        scope = f" mailbox {self.mailbox_id}" if self.mailbox_id else ""
        return f"{self.site_url}{scope}"


class Snooze(models.Model):
    """One user's ticket hidden from their inbox until a time, or until the customer replies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="snoozes"
    )
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    ticket_id = models.PositiveIntegerField()
    # Empty when the ticket sleeps until the customer replies, however long that takes.
    until = models.DateTimeField(null=True, blank=True, db_index=True)
    wake_on_reply = models.BooleanField(default=True)
    snoozed_at = models.DateTimeField(default=timezone.now)
    # The ticket's last customer message when it was snoozed (an exact instant): a later one
    # wakes it. Empty when the site could not be read at the time.
    customer_last_reply_at = models.DateTimeField(null=True, blank=True)
    # Shown on the Snoozed page when the site cannot be read.
    ticket_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["until", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "site", "ticket_id"], name="one_snooze_per_user_and_ticket"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=False) | Q(wake_on_reply=True),
                name="snooze_wakes_somehow",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.ticket_id} until {self.until or 'reply'}"

    @property
    def key(self) -> tuple[int, int]:
        return (self.site_id, self.ticket_id)


# Long enough for a name, a role, a few links and a line of legal text.
MAX_SIGNATURE = 2000


class Signature(models.Model):
    """What one user signs replies with on one of their sites (Markdown, like the replies).

    Per site because an agent may sign differently for each brand; per user because a site row
    belongs to its user anyway, and the user is kept here so a lookup can never cross users.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signatures"
    )
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=MAX_SIGNATURE, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="one_signature_per_user_and_site")
        ]

    def __str__(self) -> str:
        return f"signature of user {self.user_id} on site {self.site_id}"
