"""Granting the audit permission and reading the rows a test made."""

from __future__ import annotations

from django.contrib.auth.models import Permission

from dashboard.audit.models import AuditEntry


def grant_audit(user) -> None:
    """What a team lead's or administrator's role grants: reading the audit trail."""
    user.user_permissions.add(
        Permission.objects.get(codename="view_auditentry", content_type__app_label="audit")
    )


def only_entry(**filters) -> AuditEntry:
    """The one row the test's write made (failing loudly when there are none or several)."""
    rows = list(AuditEntry.objects.filter(**filters))
    assert len(rows) == 1, [str(row) for row in rows]
    return rows[0]
