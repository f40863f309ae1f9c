"""The page kinds the benchmark knows, the upstream calls each may make (cold and warm), why
it needs them, and which lazily loaded fragment is which kind."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from dashboard.benchmark.http import Sample


@dataclass(frozen=True)
class Shape:
    """What the connected sites hold, which sets how many calls a page needs."""

    sites: int
    agents: int  # summed over sites
    mailboxes: int
    products: int


# A cold page waits for its one round of parallel upstream reads (L) and adds at most this much
# of its own: the target holds at the run's L and at a short L, where the dashboard's own time
# weighs most (a site on a fast host, or a cache in front of it).
COLD_PAGE_OVER_L = 1.3
SHORT_LATENCY_MS = 25.0


@dataclass(frozen=True)
class Budget:
    """The upstream calls a page kind needs, cold and warm, and why."""

    label: str
    cold: Callable[[Shape], int]
    justification: str
    warm: int = 0


BUDGETS: dict[str, Budget] = {
    "inbox_one": Budget(
        "inbox, one site",
        lambda s: 2,
        "one page of the site's tickets (GET /tickets) + the filter dropdowns' agents, "
        "mailboxes, products and tags (GET /tickets/ticket-essentials), in parallel",
    ),
    "counts_one": Budget(
        "  ↳ its counts (lazy)",
        lambda s: 3 + 4 * s.sites,
        "tab counts new/active/closed of this site (3) + sidebar open/mine/unassigned/waiting "
        "of every site (4 per site): the plugin has no count route, each is a one-row GET "
        "/tickets read for its total (and, once, the reference data of a site whose agents "
        "nothing remembers, for the agent filter's people)",
    ),
    "inbox_filter": Budget(
        "inbox filter change (htmx)",
        lambda s: 2,
        "the filtered page (GET /tickets with filters[priority]) + the reference data the "
        "filter bar renders its selection from (cached for minutes; cold here by design)",
    ),
    "inbox_all": Budget(
        "inbox, all sites",
        lambda s: s.sites,
        "one page of tickets per site (GET /tickets) merged by the sort key; no reference "
        "data: site-specific filters are hidden across sites, and the agent filter's people "
        "are those remembered from earlier reads (see its counts)",
    ),
    "counts_all": Budget(
        "  ↳ its counts (lazy)",
        lambda s: 7 * s.sites,
        "per site: new/active/closed (3) + open/mine/unassigned/waiting (4), one-row reads",
    ),
    "inbox_all_one": Budget(
        "inbox, all sites, 1-site user",
        lambda s: 1,
        "the merged inbox of a user with one site: one GET /tickets (the ratio's baseline)",
    ),
    "thread": Budget(
        "thread page",
        lambda s: 2,
        "the ticket with its conversation (GET /tickets/<id>) + reference data for the "
        "assign/tag/priority controls (ticket-essentials); the customer comes in the panel",
    ),
    "thread_nav": Budget(
        "  ↳ previous/next (lazy)",
        lambda s: s.sites,
        "the list the agent came from, one page per site in it (GET /tickets), normally "
        "still cached from the inbox; cold here because everything is",
    ),
    "thread_presence": Budget(
        "  ↳ who else is viewing (lazy)",
        lambda s: 2,
        "GET /tickets/<id>/live_activity, which also registers the agent as viewing: live, so "
        "never cached, warm included (the fragment polls it every 20 s); GET /me (cached for "
        "minutes) to leave the agent out",
        warm=1,
    ),
    "panel": Budget(
        "  ↳ customer panel (lazy)",
        lambda s: 1,
        "the customer with their tickets (GET /customers/<id>); the ticket it falls back on is "
        "a cache hit right after the thread page",
    ),
    "contact": Budget(
        "    ↳ CRM contact (lazy)",
        lambda s: 1,
        "GET /subscribers/0?get_by_email= on the ticket's own site (the email comes from the "
        "cached ticket); the user's other sites with FluentCRM only when the agent asks "
        "(one call each, in parallel)",
    ),
    "crm_notes": Budget(
        "      ↳ CRM notes (lazy)",
        lambda s: 1,
        "one page of the contact's notes (GET /subscribers/<id>/notes), cached with the contact",
    ),
    "crm_activity": Budget(
        "      ↳ CRM emails and activity (lazy, when scrolled to)",
        lambda s: 4,
        "the first page of emails, info widgets, purchase history and form submissions, each "
        "cached with the contact",
    ),
    "queues": Budget(
        "queues page (frame)",
        lambda s: 0,
        "none: the frame shows at once, the figures load in a fragment",
    ),
    "queues_stats": Budget(
        "  ↳ queue figures (lazy)",
        lambda s: s.sites * (4 + 3 + 1) + s.mailboxes + s.products,
        "per site: open/new/unassigned counts + one page of the waiting list (4), per mailbox "
        "and product an open count (at most 10 each), 3 report summaries (closed today, and "
        "every agent's open and waiting counts from the agents report), reference data (1): "
        "the plugin has no group-by",
    ),
    "reports": Budget(
        "reports page, last 30 days",
        lambda s: 10 * s.sites,
        "per site: reference data to turn the filters into the site's ids (1), tickets opened, "
        "closed and agent replies per day from reports/*-growth (3: up to 62 days a call), the "
        "day x hour grid (1), replies per agent from reports/agents-summary (1), today's open "
        "count for the backlog (1), and the period's tickets, 100 a page, at most 3 pages, for "
        "response and resolution times no report gives per day or per agent",
    ),
}
# Lazily loaded fragments, recognised by their URL.
FRAGMENT_KINDS = [
    (re.compile(r"^/tickets/counts/\?(.*&)?site="), "counts_one"),
    (re.compile(r"^/tickets/counts/"), "counts_all"),
    (re.compile(r"^/sites/\d+/tickets/\d+/nav/"), "thread_nav"),
    (re.compile(r"^/sites/\d+/tickets/\d+/presence/"), "thread_presence"),
    (re.compile(r"^/customers/panel/"), "panel"),
    (re.compile(r"^/customers/contact/"), "contact"),
    (re.compile(r"^/customers/crm/\d+/\d+/notes/"), "crm_notes"),
    (re.compile(r"^/customers/crm/\d+/\d+/activity/"), "crm_activity"),
    (re.compile(r"^/queues/"), "queues_stats"),
]


def fragment_kind(url: str) -> str:
    for pattern, key in FRAGMENT_KINDS:
        if pattern.search(url):
            return key
    return "other:" + url.split("?")[0]


@dataclass
class PageKind:
    key: str
    label: str
    budget: int | None
    warm_budget: int
    justification: str
    cold: list[Sample] = field(default_factory=list)
    warm: list[Sample] = field(default_factory=list)

    @property
    def placeholder(self) -> bool:
        """A page not built yet answers a few bytes of text rather than HTML. (Fragments may
        rightly answer plain text or nothing, so only pages are judged.)"""
        samples = self.cold + self.warm
        is_page = not self.label.startswith(" ")
        return is_page and bool(samples) and all("<" not in s.text for s in samples)

    @property
    def over_budget(self) -> bool:
        if self.budget is None:
            return False
        cold = max((s.site_calls for s in self.cold), default=0)
        warm = max((s.site_calls for s in self.warm), default=0)
        return cold > self.budget or warm > self.warm_budget


# Growth (growth.py, agency.py): what must hold as a site grows and as sites are added.
GROWTH_COLD_RATIO = 1.2


def agency_budgets(queues_one_site: int) -> dict[str, float]:
    """Targets of the agency phase. Its counts may cost no more than eight sites' counts did
    (7 each); its queues view no more than eight times one site's view."""
    from dashboard.queues.figures import SITES_PER_VIEW
    from dashboard.tickets.counts import EAGER_SITES

    return {
        "inbox_ratio": 1.5,
        "counts": 7 * EAGER_SITES,
        "queues": SITES_PER_VIEW * max(queues_one_site, 1),
        "rss_growth_mb": 15,
    }
