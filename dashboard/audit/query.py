"""The audit page's filters as they are written in the URL: person, site, action, outcome and
a date range, and the page. Values that are not valid are dropped (and said so), never used."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils import timezone

from dashboard.audit.actions import ACTIONS
from dashboard.audit.models import Outcome

NO_SITE = "-"  # the site filter's value for rows without a site (settings, the account)


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@dataclass(frozen=True)
class AuditQuery:
    person: str = ""
    site: str = ""  # a site's slug (the same for every agent), or NO_SITE
    site_url: str = field(default="", compare=False)  # the base URL the slug stands for
    action: str = ""
    outcome: str = ""
    start: date | None = None
    end: date | None = None
    page: int = 1
    invalid: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_params(cls, params, *, site_urls: dict[str, str]) -> AuditQuery:
        """Read the URL; a site must be one of the viewer's own (``site_urls``: slug to base
        URL) or NO_SITE."""
        invalid = []

        def pick(name: str, allowed) -> str:
            value = (params.get(name) or "").strip()
            if value and value not in allowed:
                invalid.append(name)
                return ""
            return value

        dates = {}
        for name in ("from", "to"):
            raw = (params.get(name) or "").strip()
            dates[name] = _date(raw) if raw else None
            if raw and dates[name] is None:
                invalid.append(name)
        page = (params.get("page") or "1").strip()
        site = pick("site", {*site_urls, NO_SITE})
        return cls(
            person=(params.get("person") or "").strip()[:150],
            site=site,
            site_url=site_urls.get(site, ""),
            action=pick("action", ACTIONS),
            outcome=pick("outcome", Outcome.values),
            start=dates["from"],
            end=dates["to"],
            page=int(page) if page.isdigit() and 0 < len(page) < 7 else 1,
            invalid=tuple(invalid),
        )

    def params(self, **changes) -> dict[str, str]:
        query = replace(self, **changes)
        values = {
            "person": query.person,
            "site": query.site,
            "action": query.action,
            "outcome": query.outcome,
            "from": query.start.isoformat() if query.start else "",
            "to": query.end.isoformat() if query.end else "",
            "page": str(query.page) if query.page > 1 else "",
        }
        return {key: value for key, value in values.items() if value}

    def querystring(self, **changes) -> str:
        params = self.params(**changes)
        return f"?{urlencode(params)}" if params else ""

    @property
    def is_filtered(self) -> bool:
        return bool(self.params(page=1))

    def apply(self, rows: QuerySet) -> QuerySet:
        """The rows that match, newest first. Dates are days in the viewer's time zone."""
        if self.person:
            rows = rows.filter(username=self.person)
        if self.site:
            rows = rows.filter(site_url="" if self.site == NO_SITE else self.site_url)
        if self.action:
            rows = rows.filter(action=self.action)
        if self.outcome:
            rows = rows.filter(outcome=self.outcome)
        zone = timezone.get_current_timezone()
        if self.start:
            rows = rows.filter(at__gte=datetime.combine(self.start, time.min, tzinfo=zone))
        if self.end:
            after = self.end + timedelta(days=1)
            rows = rows.filter(at__lt=datetime.combine(after, time.min, tzinfo=zone))
        return rows.order_by("-at", "-pk")
