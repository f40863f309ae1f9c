"""The customers directory: one site's customers, or every site's side by side.

Each site pages its own customers (the plugin sorts newest first and pages in its answer), so
"all sites, page 2" is every site's page 2, grouped by site: an honest view of several lists
that have no shared order, at one round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from dashboard.fluent.customers import customer_search
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.models import CustomerSummary
from dashboard.fluent.parallel import run_parallel
from dashboard.sites.models import Site
from dashboard.sites.services import client_for

PER_PAGE_ONE_SITE = 25
PER_PAGE_EACH_SITE = 10


@dataclass(frozen=True)
class DirectoryQuery:
    search: str = ""
    status: str = "all"  # all | active | inactive
    site_id: int | None = None
    site_slug: str = ""
    page: int = 1

    def params(self, **changes) -> dict[str, str]:
        """The query string of this view (or of a neighbour, with ``changes``)."""
        values = {
            "q": self.search,
            "status": self.status,
            "site": self.site_slug,
            "page": self.page,
        } | changes
        defaults = {"q": "", "status": "all", "site": "", "page": 1}
        return {k: str(v) for k, v in values.items() if v not in (None, defaults[k])}

    @property
    def is_filtered(self) -> bool:
        return bool(self.search or self.status != "all")


@dataclass
class SiteGroup:
    site: Site
    customers: list[CustomerSummary] = field(default_factory=list)
    total: int = 0
    last_page: int = 1
    error: UpstreamError | None = None
    url: str = ""  # this site alone, with the same search and status


@dataclass
class DirectoryPage:
    groups: list[SiteGroup]
    page: int
    per_page: int

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def last_page(self) -> int:
        return max([group.last_page for group in self.groups if not group.error] or [1])

    @property
    def has_rows(self) -> bool:
        return any(group.customers for group in self.groups)

    @property
    def failures(self) -> list[SiteGroup]:
        return [group for group in self.groups if group.error]


def load(sites: list[Site], query: DirectoryQuery) -> DirectoryPage:
    chosen = [site for site in sites if query.site_id in (None, site.pk)]
    per_page = PER_PAGE_ONE_SITE if len(chosen) == 1 else PER_PAGE_EACH_SITE
    clients = {site.pk: client_for(site) for site in chosen}
    outcomes = run_parallel(
        {
            site.pk: partial(
                customer_search,
                clients[site.pk],
                search=query.search,
                status=query.status,
                page=query.page,
                per_page=per_page,
            )
            for site in chosen
        }
    )
    groups = []
    for site in chosen:
        outcome = outcomes[site.pk]
        if not outcome.ok:
            groups.append(SiteGroup(site=site, error=outcome.error))
            continue
        result = outcome.value
        groups.append(
            SiteGroup(
                site=site, customers=result.items, total=result.total, last_page=result.last_page
            )
        )
    return DirectoryPage(groups=groups, page=query.page, per_page=per_page)
