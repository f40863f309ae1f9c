"""One site's answers turned into the queues page's rows: its site row, its agents, mailboxes
and products, and its longest waits; a missing figure says why it is missing."""

from __future__ import annotations

from typing import Any

from dashboard.fluent.errors import ForbiddenError, UpstreamError
from dashboard.fluent.models import Ticket
from dashboard.fluent.parallel import Outcome
from dashboard.queues.overview import (
    AgentRow,
    Figure,
    GroupRow,
    LongWait,
    Oldest,
    SiteRow,
    inbox_url,
)
from dashboard.queues.plan import (
    AGENTS_COUNTED_ONE_BY_ONE,
    GROUPS_COUNTED,
    OTHERS_PERMISSION,
    Plan,
)
from dashboard.queues.waiting import WaitingScan, waiting_start
from dashboard.sites.models import Site
from dashboard.tickets.links import thread_url

REPORTS_DENIED = (
    "Fluent Support's report of tickets closed today needs the “View All Reports” "
    "permission, which your WordPress user on this site does not have."
)
CLOSED_LINK_HINT = (
    "The inbox cannot filter by closing day: the link lists the closed tickets, latest "
    "activity first, those closed today among the first."
)


def oldest_of(site: Site, ticket: Ticket | None) -> Oldest | None:
    since = waiting_start(ticket) if ticket else None
    if ticket is None or since is None:
        return None
    return Oldest(since=since, url=thread_url(site, ticket.id), title=ticket.title)


def bucket_hint(hours: int, count: int | None, site: Site | None) -> str:
    where = f"{site.label}'s" if site else "the"
    rows = f"first {count} rows" if count else "first rows"
    return (
        f"Waiting over {hours} h: the {rows} of {where} waiting list, oldest first "
        "(the inbox cannot filter by waiting time)."
    )


def failed_row(site: Site, error: UpstreamError, hours: list[int]) -> SiteRow:
    empty = Figure(None)
    return SiteRow(
        site=site,
        open=empty,
        new=empty,
        unassigned=empty,
        waiting=empty,
        buckets=[empty for _ in hours],
        closed_today=empty,
        error=error,
    )


AGENT_NOT_COUNTED = (
    f"Not counted: without Fluent Support's agents report, only the first "
    f"{AGENTS_COUNTED_ONE_BY_ONE} agents of a site are counted, one by one."
)
GROUP_NOT_COUNTED = "Not counted: the first {limit} {kind}s of a site are counted in each view."


def oldest_hint(scan: WaitingScan | None) -> str:
    return (
        f"Not among the {scan.scanned} longest waits read from the site's waiting list: the "
        "waiting figure opens this agent's list oldest first."
        if scan
        else ""
    )


# Report summary each kind of row reads its "closed today" from.
SUMMARIES = {"site": "mailboxes", "agent": "agents", "mailbox": "mailboxes", "product": "products"}


class SiteReader:
    """Turns one site's outcomes into rows."""

    def __init__(self, plan: Plan, outcomes: dict[tuple, Outcome]) -> None:
        self.plan = plan
        self.site = plan.site
        self.outcomes = outcomes
        self.problems: list[str] = []
        self.reports_denied = not plan.reports
        # Closed today per agent, mailbox or product id; None where the report failed.
        self.summaries: dict[str, dict[int, int] | None] = {
            kind: self._summary(kind) for kind in ("agents", "mailboxes", "products")
        }

    def _value(self, *key: Any) -> Any:
        outcome = self.outcomes[(self.site.pk, *key)]
        if outcome.ok:
            return outcome.value
        if outcome.error.message not in self.problems:
            self.problems.append(outcome.error.message)
        return None

    def _summary(self, kind: str) -> dict[int, int] | None:
        if not self.plan.reports:
            return {}
        if isinstance(self.outcomes[(self.site.pk, "report", kind)].error, ForbiddenError):
            # The permissions stored at connection time were out of date: the site refuses
            # reports to this user. That is an explanation to give, not a failure.
            self.reports_denied = True
            return {}
        rows = self._value("report", kind)
        return None if rows is None else {row.id: row.stats.closed or 0 for row in rows}

    def _figure(self, key: tuple, url: str) -> Figure:
        return Figure(self._value(*key), url=url)

    def _closed(self, row_kind: str, group_id: int | None, url: str, hint: str = "") -> Figure:
        if self.reports_denied:
            return Figure(None, url=url, hint=REPORTS_DENIED)
        summary = self.summaries[SUMMARIES[row_kind]]
        if summary is None:
            return Figure(None, url=url, hint="The site's report did not answer.")
        hint = " ".join(filter(None, [hint, CLOSED_LINK_HINT]))
        if group_id is None:
            return Figure(sum(summary.values()), url=url, hint=hint)
        return Figure(summary.get(group_id, 0), url=url, hint=hint)

    def site_row(self, hours: list[int]) -> SiteRow:
        pk, site = self.site.pk, self.site
        waiting_url = inbox_url(site=site, waiting=True, sort="waiting")
        open_ = self._figure(("open",), inbox_url(site=site))
        scan: WaitingScan | None = self._value("waiting")
        row = SiteRow(
            site=site,
            open=open_,
            new=self._figure(("new",), inbox_url(site=site, status="new")),
            unassigned=self._figure(("unassigned",), inbox_url(site=site, agent="unassigned")),
            waiting=Figure(scan.total if scan else None, url=waiting_url),
            buckets=[
                Figure(
                    scan.buckets[index] if scan else None,
                    url=waiting_url,
                    hint=bucket_hint(limit, scan.buckets[index] if scan else None, site),
                    at_least=bool(scan and not scan.complete[index]),
                )
                for index, limit in enumerate(hours)
            ],
            closed_today=self._closed("site", None, inbox_url(site=site, status="closed")),
            oldest=oldest_of(site, scan.oldest_first[0]) if scan and scan.oldest_first else None,
            limited=not site.can(OTHERS_PERMISSION),
            reports_denied=self.reports_denied,
            # The same list: problems met while reading the other rows are added to it.
            problems=self.problems,
        )
        if open_.missing and scan is None:
            # Neither the counts nor the waiting list answered: the site is down for us.
            row.error = self.outcomes[(pk, "open")].error
        return row

    def _agents_report(self) -> dict[int, Any] | None:
        """The agents report's rows by agent id; None when it is refused or did not answer."""
        if self.reports_denied:
            return None
        rows = self._value("report", "agents")
        return None if rows is None else {row.id: row for row in rows}

    def agent_rows(self) -> list[AgentRow]:
        site, pk, rows = self.site, self.site.pk, []
        outcome = self.outcomes.get((pk, "waiting"))
        scan: WaitingScan | None = outcome.value if outcome and outcome.ok else None
        report = self._agents_report() if self.plan.reports else None
        for agent in self.plan.agents:
            agent_id = str(agent.id)
            open_url = inbox_url(site=site, agent=agent_id)
            waiting_url = inbox_url(site=site, agent=agent_id, waiting=True, sort="waiting")
            if self.plan.reports:
                # Every agent's counts from the one agents report.
                found = report.get(agent.id) if report is not None else None
                hint = REPORTS_DENIED if self.reports_denied else ""
                if report is not None and found is None:
                    hint = "Not in the site's agents report."
                open_ = Figure(found.stats.opens if found else None, url=open_url, hint=hint)
                stat = found.active_stat if found else None
                waiting = Figure(stat.waiting_tickets if stat else None, url=waiting_url, hint=hint)
                ticket = scan.oldest_by_agent.get(agent.id) if scan else None
            elif agent.id in self.plan.agents_counted:
                open_ = self._figure(("agent_open", agent.id), open_url)
                page = self._value("agent_waiting", agent.id)
                waiting = Figure(page.total if page else None, url=waiting_url)
                ticket = page.items[0] if page and page.items else None
            else:
                open_ = Figure(None, url=open_url, hint=AGENT_NOT_COUNTED)
                waiting = Figure(None, url=waiting_url, hint=AGENT_NOT_COUNTED)
                ticket = None
            oldest = oldest_of(self.site, ticket)
            rows.append(
                AgentRow(
                    site=self.site,
                    agent=agent,
                    open=open_,
                    waiting=waiting,
                    closed_today=self._closed(
                        "agent",
                        agent.id,
                        inbox_url(site=site, agent=agent_id, status="closed"),
                        hint="Closed by this agent today.",
                    ),
                    oldest=oldest,
                    oldest_hint="" if oldest or not waiting.value else oldest_hint(scan),
                )
            )
        return rows

    def group_rows(self, kind: str) -> list[GroupRow]:
        essentials = self.plan.essentials
        if kind == "mailbox":
            groups = [(m.id, m.name, {"mailbox_id": m.id}) for m in essentials.mailboxes]
        else:
            groups = [(p.id, p.title, {"product_id": p.id}) for p in essentials.products]
        site = self.site
        not_counted = GROUP_NOT_COUNTED.format(limit=GROUPS_COUNTED, kind=kind)

        def open_figure(group_id: int, url: str) -> Figure:
            if (kind, group_id) in self.plan.groups_counted:
                return self._figure((f"{kind}_open", group_id), url)
            return Figure(None, url=url, hint=not_counted)

        return [
            GroupRow(
                site=self.site,
                id=group_id,
                name=name or f"#{group_id}",
                open=open_figure(group_id, inbox_url(site=site, **params)),
                closed_today=self._closed(
                    kind, group_id, inbox_url(site=site, status="closed", **params)
                ),
            )
            for group_id, name, params in groups
        ]

    def long_waits(self) -> list[LongWait]:
        outcome = self.outcomes[(self.site.pk, "waiting")]
        if not outcome.ok:
            return []
        waits = []
        for ticket in outcome.value.oldest_first:
            since = waiting_start(ticket)
            if since is not None:
                waits.append(LongWait(self.site, ticket, since, thread_url(self.site, ticket.id)))
        return waits
