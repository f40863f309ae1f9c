"""Fluent Support report summaries (today's work per agent, mailbox and product)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import field_validator

from dashboard.fluent.client import SUPPORT, FluentClient
from dashboard.fluent.parsing import Model, OptionalInt, Text

# Report summaries for the team-lead queues. Each row's ``stats`` count the site's own day
# (its timezone): ``closed`` is the tickets closed today, per agent (closed by them), per
# mailbox or per product. Every one of these routes needs the "view all reports" capability;
# a limited agent gets 403 (capture maria_reports_forbidden).


class SummaryStats(Model):
    responses: OptionalInt = 0
    opens: OptionalInt = 0
    closed: OptionalInt = 0
    interactions: OptionalInt = 0


class ActiveStat(Model):
    """An agent's open tickets now (agents summary only): ``waiting_tickets`` counts those
    assigned to them whose customer wrote last, ``max_waiting`` is a phrase ("2 months")."""

    waiting_tickets: OptionalInt = None
    max_waiting: Text = ""


class SummaryRow(Model):
    """One agent, mailbox or product of a report summary (the plugin names it differently in
    each: ``full_name``, ``name`` or ``title``). For an agent, ``stats.opens`` is every open
    ticket assigned to them, whatever the days asked for (capture fs_reports_agents_summary)."""

    id: int
    email: Text = ""
    full_name: Text = ""
    name: Text = ""
    title: Text = ""
    stats: SummaryStats = SummaryStats()
    active_stat: ActiveStat | None = None

    @field_validator("active_stat", mode="before")
    @classmethod
    def _no_active_stat(cls, value: Any) -> Any:
        # Mailbox and product summaries answer "" here.
        return value if isinstance(value, dict) else None

    @property
    def label(self) -> str:
        # A nameless agent's full_name is " " (one space) in reports.
        return self.full_name.strip() or self.name or self.title or f"#{self.id}"


class Summary(Model):
    summary: list[SummaryRow]


def _summary_rows(
    client: FluentClient, path: str, refresh: bool, days: tuple[date, date] | None = None
) -> list[SummaryRow]:
    params = {"from": days[0].isoformat(), "to": days[1].isoformat()} if days else None
    answer = client.get(f"{SUPPORT}{path}", kind="report", params=params, refresh=refresh)
    return client.parse(Summary, answer.data).summary


def report_agents_summary(
    client: FluentClient, *, days: tuple[date, date] | None = None, refresh: bool = False
) -> list[SummaryRow]:
    # Reference: GET /reports/agents-summary (captures fs_reports_agents_summary,
    # seq_reports_agents_summary_range): per agent, the responses and interactions of the
    # days (today by default) and the tickets assigned to them closed in those days.
    return _summary_rows(client, "/reports/agents-summary", refresh, days)


def report_my_summary(
    client: FluentClient, *, days: tuple[date, date], refresh: bool = False
) -> SummaryRow | None:
    # Reference: GET /my-reports/my-summary?from&to (capture seq_reports_my_summary_range):
    # the caller's own row of the agents summary; any agent may ask.
    rows = _summary_rows(client, "/my-reports/my-summary", refresh, days)
    return rows[0] if rows else None


def report_mailboxes_summary(client: FluentClient, *, refresh: bool = False) -> list[SummaryRow]:
    # Reference: GET /mailbox-reports/mailbox-reports-summary (capture
    # fs_mailbox_reports_summary): per mailbox, today's responses and closed tickets.
    return _summary_rows(client, "/mailbox-reports/mailbox-reports-summary", refresh)


def report_products_summary(client: FluentClient, *, refresh: bool = False) -> list[SummaryRow]:
    # Reference: GET /product-reports/product-reports-summary (capture
    # fs_product_reports_summary): per product, today's responses and closed tickets.
    return _summary_rows(client, "/product-reports/product-reports-summary", refresh)
