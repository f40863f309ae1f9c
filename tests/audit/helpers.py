"""Granting the audit permission and reading the rows a test made."""

from __future__ import annotations

from dashboard.accounts.roles import TEAM_LEAD, set_role
from dashboard.audit.models import AuditEntry


def grant_audit(user) -> None:
    """Make ``user`` a Team lead, the first role that reads the audit trail."""
    set_role(user, TEAM_LEAD)


def only_entry(**filters) -> AuditEntry:
    """The one row the test's write made (failing loudly when there are none or several)."""
    rows = list(AuditEntry.objects.filter(**filters))
    assert len(rows) == 1, [str(row) for row in rows]
    return rows[0]
