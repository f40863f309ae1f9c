"""What the tickets app stores itself: one row per composer submission, so a reply posts once.

Tickets, responses and everything else live on the WordPress sites; the dashboard keeps only
what it needs to refuse a replayed form. Each composer form carries a random token; the first
request that presents it inserts a row, and the unique constraint makes every later request
with the same token (a double click, a browser retry, a second worker) lose that race.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

TOKEN_PATTERN = r"^[A-Za-z0-9_-]{20,64}$"  # noqa: S105 (a format, not a secret)
# Long enough for any retry a person or browser makes; rows older than this are pruned.
KEEP_FOR = timedelta(days=3)
# Far longer than any upstream timeout: a send still pending after this never finished.
ABANDONED_AFTER = timedelta(minutes=5)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Submission(models.Model):
    """One composer form's submission to one ticket."""

    class State(models.TextChoices):
        # Claimed and being sent right now.
        PENDING = "pending", "being sent"
        # The site confirmed it.
        SENT = "sent", "sent"
        # The write timed out after reaching the site: it may or may not have been applied.
        UNCERTAIN = "uncertain", "may have been sent"

    token = models.CharField(max_length=64)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE)
    ticket_id = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    response_id = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token"], name="one_submission_per_token"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}/#{self.ticket_id} {self.state}"

    @property
    def is_abandoned(self) -> bool:
        """Still pending long after any send could have ended: its worker was stopped."""
        return timezone.now() - self.created_at > ABANDONED_AFTER


def claim(*, token: str, owner, site, ticket_id: int) -> tuple[bool, Submission | None]:
    """Claim a token for one send. ``(True, row)`` means this request may post; ``(False, row)``
    means an earlier request already did (or is doing) so, and ``row`` says how it went."""
    try:
        with transaction.atomic():
            row = Submission.objects.create(
                token=token, owner=owner, site=site, ticket_id=ticket_id
            )
    except IntegrityError:
        earlier = Submission.objects.filter(token=token, owner=owner, site=site).first()
        return False, earlier
    Submission.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return True, row


def previous(*, token: str, owner, site) -> Submission | None:
    return Submission.objects.filter(token=token, owner=owner, site=site).first()


def release(row: Submission) -> None:
    """The site refused the send for certain: the same form may be sent again."""
    Submission.objects.filter(pk=row.pk, state=Submission.State.PENDING).delete()


def settle(row: Submission, state: str, *, response_id: int | None = None) -> None:
    row.state = state
    row.response_id = response_id or row.response_id
    row.save(update_fields=["state", "response_id"])


class AgentPreference(models.Model):
    """How one agent likes the loop to run: where a send (or a close) takes them next."""

    class AfterSend(models.TextChoices):
        NEXT = "next", "Open the next ticket of the list"
        STAY = "stay", "Stay on the ticket"
        LIST = "list", "Go back to the list"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_preference"
    )
    after_send = models.CharField(max_length=8, choices=AfterSend.choices, default=AfterSend.NEXT)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: after send {self.after_send}"
