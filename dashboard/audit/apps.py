from __future__ import annotations

from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class AuditConfig(AppConfig):
    name = "dashboard.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        checks.register(retention_is_valid)


def retention_is_valid(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A negative AUDIT_RETENTION_DAYS would read as "keep for ever": say so at startup."""
    if settings.AUDIT_RETENTION_DAYS >= 0:
        return []
    return [
        checks.Error(
            "AUDIT_RETENTION_DAYS must be 0 (keep for ever) or a number of days.",
            id="audit.E001",
        )
    ]
