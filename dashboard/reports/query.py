"""The reports page's state as it is written in the URL: period, comparison and filters."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from urllib.parse import urlencode

PERIODS = {"7": 7, "30": 30, "90": 90}
DEFAULT_PERIOD = "30"
# The longest custom range: each site answers per day in windows of 62 days, so a year costs
# six windows per series; longer ranges are cut to this.
MAX_DAYS = 366


@dataclass(frozen=True)
class ReportQuery:
    period: str = DEFAULT_PERIOD  # "7", "30", "90" or "custom"
    start: date | None = None
    end: date | None = None
    compare: bool = False
    # The site's slug, the same for every agent (a number from an older link is read as the
    # user's connection and replaced by its slug, see views._query).
    site: str = ""
    agent: str = ""  # an agent's name: one person across sites (the sites share no id)
    mailbox: str = ""  # a mailbox's name, matched on every site
    product: str = ""  # a product's title, matched on every site

    @classmethod
    def from_params(cls, params, *, today: date) -> ReportQuery:
        """Read the URL's parameters; anything malformed falls back to the default."""
        period = params.get("period", DEFAULT_PERIOD)
        start = _date(params.get("from"))
        end = _date(params.get("to"))
        if period == "custom" and start and end:
            start, end = min(start, end), min(max(start, end), today)
            start = max(start, end - timedelta(days=MAX_DAYS - 1))
        else:
            period = period if period in PERIODS else DEFAULT_PERIOD
            end = today
            start = today - timedelta(days=PERIODS[period] - 1)
        return cls(
            period=period,
            start=start,
            end=end,
            compare=params.get("compare") in ("1", "on", "true"),
            site=_site_name(params.get("site")),
            agent=(params.get("agent") or "").strip()[:200],
            mailbox=(params.get("mailbox") or "").strip()[:200],
            product=(params.get("product") or "").strip()[:200],
        )

    def sites_read(self, sites: list) -> list:
        """The sites this report reads: the one it names, or all; none waiting to reconnect."""
        return [s for s in sites if not s.needs_reconnect and self.site in ("", s.slug)]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> tuple[date, date]:
        """The period of the same length just before this one."""
        last = self.start - timedelta(days=1)
        return last - timedelta(days=self.days - 1), last

    @property
    def filtered(self) -> bool:
        return bool(self.agent or self.mailbox or self.product)

    def params(self) -> dict[str, str]:
        found: dict[str, str] = {"period": self.period}
        if self.period == "custom":
            found |= {"from": self.start.isoformat(), "to": self.end.isoformat()}
        if self.compare:
            found["compare"] = "1"
        if self.site:
            found["site"] = self.site
        for name in ("agent", "mailbox", "product"):
            if getattr(self, name):
                found[name] = getattr(self, name)
        return found

    def url(self, base: str) -> str:
        query = urlencode(self.params())
        return f"{base}?{query}" if query else base

    def with_(self, **changes) -> ReportQuery:
        return replace(self, **changes)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def _site_name(value) -> str:
    """A slug or a connection's number as the URL gives it; anything else is no site."""
    text = str(value or "")[:100]
    return text if re.fullmatch(r"[a-z0-9][a-z0-9-]*", text) else ""
