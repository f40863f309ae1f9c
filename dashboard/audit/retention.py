"""How long audit rows are kept: ``AUDIT_RETENTION_DAYS`` (0 keeps them for ever).

``manage.py audit_prune`` deletes older rows; so does the first write of each day, so a host
without a scheduler still honours the setting.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from dashboard.audit.models import AuditEntry

PRUNED_KEY = "audit:pruned-today"
DAY = 24 * 3600


def cutoff(*, days: int | None = None, now: datetime | None = None) -> datetime | None:
    """Rows older than this go (None: rows are kept for ever)."""
    days = settings.AUDIT_RETENTION_DAYS if days is None else days
    if days <= 0:
        return None
    return (now or timezone.now()) - timedelta(days=days)


def prune(*, days: int | None = None, now: datetime | None = None) -> int:
    """Delete the rows past the retention period; answers how many went."""
    before = cutoff(days=days, now=now)
    if before is None:
        return 0
    deleted, _ = AuditEntry.objects.filter(at__lt=before).delete()
    return deleted


def prune_daily() -> int:
    """Prune at most once a day (per cache): the first caller of the day does it."""
    if not cache.add(PRUNED_KEY, True, DAY):
        return 0
    try:
        return prune()
    except Exception:
        cache.delete(PRUNED_KEY)  # the next write tries again
        raise
