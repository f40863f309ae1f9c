"""Rows are kept AUDIT_RETENTION_DAYS: pruned by the command, and by the first write of a day
on a host that runs no scheduler."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from dashboard.audit.models import AuditEntry, Outcome
from dashboard.audit.retention import prune
from tests.tickets.test_thread import HTMX, ticket_where, url


def aged(days: float) -> AuditEntry:
    return AuditEntry.objects.create(
        at=timezone.now() - timedelta(days=days),
        username="agent",
        action="close",
        action_label="Ticket closed",
        outcome=Outcome.OK,
    )


@pytest.mark.django_db
def test_the_command_deletes_rows_past_the_setting(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old, kept = aged(31), aged(29)
    out = StringIO()
    call_command("audit_prune", stdout=out)
    assert list(AuditEntry.objects.all()) == [kept]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert "Deleted 1 audit entries older than 30 days." in out.getvalue()


@pytest.mark.django_db
def test_days_on_the_command_line_win_and_zero_keeps_everything(settings):
    settings.AUDIT_RETENTION_DAYS = 180
    aged(400), aged(10)
    call_command("audit_prune", days=0, stdout=StringIO())
    assert AuditEntry.objects.count() == 2
    call_command("audit_prune", days=5, stdout=StringIO())
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_retention_of_zero_days_keeps_rows_for_ever(settings):
    settings.AUDIT_RETENTION_DAYS = 0
    aged(10_000)
    assert prune() == 0
    assert AuditEntry.objects.count() == 1


def test_the_first_write_of_the_day_prunes_and_later_ones_do_not(agent_client, acme, sim, settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = aged(40)
    ticket_id = ticket_where(sim.acme)
    agent_client.post(
        url("property", acme, ticket_id), {"name": "priority", "value": "medium"}, **HTMX
    )
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(action="property").count() == 1
    # The same day (the same cache): an old row that appears now waits for tomorrow's prune.
    later = aged(40)
    agent_client.post(
        url("property", acme, ticket_id), {"name": "priority", "value": "normal"}, **HTMX
    )
    assert AuditEntry.objects.filter(pk=later.pk).exists()


def test_a_negative_retention_is_a_startup_error(settings):
    from django.core import checks

    settings.AUDIT_RETENTION_DAYS = -1
    assert [e.id for e in checks.run_checks() if e.id.startswith("audit.")] == ["audit.E001"]
    settings.AUDIT_RETENTION_DAYS = 30
    assert not [e for e in checks.run_checks() if e.id.startswith("audit.")]
