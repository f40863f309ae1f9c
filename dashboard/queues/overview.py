"""The queues page's data: figures with the inbox links that list exactly their tickets, the
rows of sites, agents, mailboxes and products they make up, and the overview holding them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.models import Agent, Ticket
from dashboard.sites.models import Site
from dashboard.tickets.query import InboxQuery

if TYPE_CHECKING:
    from dashboard.queues.people import PersonRow


@dataclass
class Figure:
    """One number on the page and the inbox URL that lists exactly those tickets."""

    value: int | None
    url: str = ""
    hint: str = ""  # what the number counts, or why it is missing
    at_least: bool = False  # a lower bound: the backlog was not read to its end

    @property
    def missing(self) -> bool:
        return self.value is None


@dataclass
class Oldest:
    """The longest-waiting ticket of a row: since when, and a link to its thread."""

    since: datetime
    url: str
    title: str = ""


@dataclass
class SiteRow:
    site: Site | None  # None for the total row
    open: Figure
    new: Figure
    unassigned: Figure
    waiting: Figure
    buckets: list[Figure]
    closed_today: Figure
    oldest: Oldest | None = None
    error: UpstreamError | None = None  # the site did not answer at all
    problems: list[str] = field(default_factory=list)  # some of its figures are missing
    limited: bool = False  # the user only sees own and unassigned tickets there
    reports_denied: bool = False
    counted_sites: int = 0  # total row: sites whose figures are summed
    of_sites: int = 0


@dataclass
class AgentRow:
    site: Site
    agent: Agent
    open: Figure
    waiting: Figure
    closed_today: Figure
    oldest: Oldest | None = None
    oldest_hint: str = ""  # why an agent who has waiting tickets shows no oldest wait


@dataclass
class GroupRow:
    """A mailbox or a product of one site."""

    site: Site
    id: int
    name: str
    open: Figure
    closed_today: Figure


@dataclass
class LongWait:
    site: Site
    ticket: Ticket
    since: datetime
    url: str


@dataclass(frozen=True)
class SitesWindow:
    """Which of the user's sites one view has figures for (the first is 0)."""

    start: int = 0
    shown: int = 0
    of: int = 0
    per_view: int = 0

    @property
    def partial(self) -> bool:
        return self.shown < self.of

    @property
    def first_number(self) -> int:
        return self.start + 1

    @property
    def last_number(self) -> int:
        return self.start + self.shown

    @property
    def previous(self) -> int | None:
        return max(0, self.start - self.per_view) if self.start > 0 else None

    @property
    def next(self) -> int | None:
        return self.start + self.shown if self.start + self.shown < self.of else None


@dataclass
class Overview:
    generated_at: datetime
    thresholds: list[int]
    sites: list[SiteRow]
    total: SiteRow | None
    agents: list[AgentRow]  # one per agent of each site
    mailboxes: list[GroupRow]
    products: list[GroupRow]
    longest: list[LongWait]
    reconnect: list[Site]
    # "By agent": one row per person across sites (queues/people.py), with the agents' rows
    # above as its breakdown.
    people: list[PersonRow] = field(default_factory=list)
    window: SitesWindow = SitesWindow()

    @property
    def groups(self) -> list[tuple[str, list[GroupRow], str]]:
        """The mailbox and product breakdowns, which share one table layout."""
        return [
            ("By mailbox", self.mailboxes, "mailbox"),
            ("By product", self.products, "product"),
        ]


# Links


def inbox_url(site: Any = None, **params: Any) -> str:
    """The inbox that shows what a figure counts; ``site`` narrows it to one site, named in the
    link by its slug."""
    if site is not None:
        params.update(site_id=site.pk, site_slug=site.slug)
    return InboxQuery(**params).url(reverse("tickets:inbox"))
