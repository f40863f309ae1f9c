"""The inbox's state, read from and written back to the URL.

Every filter, tab, sort and page lives in the query string, so bookmarks, reload and Back
restore it. Values are validated and clamped here; nothing from the URL reaches a site raw.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict

from dashboard.fluent.tickets import PRIORITIES, SORTS, STATUS_TYPES, TicketQuery
from dashboard.sites.models import Site
from dashboard.tickets import people
from dashboard.usersites import named_site

# The plugin's own page size: a page of the inbox is one page of each site.
PER_PAGE = 15
SEARCH_MAX = 100

STATUS_TABS = [
    ("open", "Open"),
    ("new", "New"),
    ("active", "Active"),
    ("closed", "Closed"),
    ("all", "All"),
]
SORT_CHOICES = [
    ("activity", "Last activity"),
    ("waiting", "Oldest waiting"),
    ("newest", "Newest"),
    ("priority", "Priority"),
    ("overdue", "Overdue first"),
]
# "Overdue first" is ours (SLA targets live in the dashboard), and "Oldest waiting" needs to know
# who wrote last: both are sorted here, from each site's whole list (see listing.load_overdue).
OVERDUE = "overdue"
WAITING = "waiting"


class InboxForm(forms.Form):
    # A site's slug (a number: a connection's id, from links made before sites were the team's).
    site = forms.RegexField(required=False, regex=r"^[a-z0-9][a-z0-9-]{0,49}$")
    status = forms.ChoiceField(required=False, choices=[(s, s) for s in STATUS_TYPES])
    agent = forms.RegexField(
        required=False, regex=rf"^(me|unassigned|\d{{1,9}}|{people.KEY_PATTERN})$"
    )
    priority = forms.ChoiceField(required=False, choices=[(p, p) for p in PRIORITIES])
    mailbox = forms.IntegerField(required=False, min_value=1, max_value=10**9)
    product = forms.IntegerField(required=False, min_value=1, max_value=10**9)
    tag = forms.IntegerField(required=False, min_value=1, max_value=10**9)
    waiting = forms.BooleanField(required=False)
    q = forms.CharField(required=False, max_length=SEARCH_MAX, strip=True)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in [*SORTS, "overdue"]])
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)


@dataclass(frozen=True)
class InboxQuery:
    site_id: int | None = None
    # How the URL names the site: its slug (the same for every agent). Set with site_id.
    site_slug: str = ""
    status: str = "open"
    # "", "me", "unassigned", a person's key (see people.py: one person across sites), or an
    # agent id of the chosen site.
    agent: str = ""
    priority: str = ""
    mailbox_id: int | None = None
    product_id: int | None = None
    tag_id: int | None = None
    waiting: bool = False
    search: str = ""
    sort: str = "activity"
    page: int = 1
    errors: dict = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_params(cls, params: QueryDict | dict, sites: list[Site]) -> InboxQuery:
        """Parse the URL; an invalid value is dropped (and reported), never passed on."""
        form = InboxForm(params)
        form.is_valid()
        data = {
            name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors
        }
        chosen = named_site(sites, data.get("site"))
        site_id = chosen.pk if chosen else None
        # Ids of agents, mailboxes, products and tags belong to one site.
        per_site = site_id is not None
        agent = data.get("agent") or ""
        if agent.isdigit() and not per_site:
            agent = ""
        return cls(
            site_id=site_id,
            site_slug=chosen.slug if chosen else "",
            status=data.get("status") or "open",
            agent=agent,
            priority=data.get("priority") or "",
            mailbox_id=data.get("mailbox") if per_site else None,
            product_id=data.get("product") if per_site else None,
            tag_id=data.get("tag") if per_site else None,
            waiting=bool(data.get("waiting")),
            search=(data.get("q") or "")[:SEARCH_MAX],
            sort=data.get("sort") or "activity",
            page=data.get("page") or 1,
            errors=dict(form.errors),
        )

    def params(self, **changes) -> dict[str, str]:
        """The non-default parts of the state, as URL parameters (with ``changes`` applied)."""
        query = replace(self, **changes) if changes else self
        params = {
            "site": (query.site_slug or query.site_id) if query.site_id else "",
            "status": "" if query.status == "open" else query.status,
            "agent": query.agent,
            "priority": query.priority,
            "mailbox": query.mailbox_id,
            "product": query.product_id,
            "tag": query.tag_id,
            "waiting": "1" if query.waiting else "",
            "q": query.search,
            "sort": "" if query.sort == "activity" else query.sort,
            "page": query.page if query.page > 1 else "",
        }
        return {key: str(value) for key, value in params.items() if value not in ("", None)}

    def url(self, base: str = "/", **changes) -> str:
        params = self.params(**changes)
        return f"{base}?{urlencode(params)}" if params else base

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.agent
            or self.priority
            or self.mailbox_id
            or self.product_id
            or self.tag_id
            or self.waiting
            or self.search
        )

    def for_site(self, site: Site) -> TicketQuery | None:
        """The upstream query for one site, or None when the filter cannot match there
        (e.g. "assigned to me" on a site where the user is not an agent)."""
        agent = self.agent
        if agent == "me" or people.is_person_key(agent):
            # Each site has its own ids for the same person; a site where they are no agent
            # cannot match.
            agent_id = (
                people.mine_agent_id(site) if agent == "me" else people.agent_id_on(site, agent)
            )
            if not agent_id:
                return None
            agent = str(agent_id)
        overdue = self.sort == OVERDUE
        return TicketQuery(
            # A sort only orders the tickets of the chosen tab: it never changes which they are.
            status_type=self.status,
            agent=agent,
            priority=self.priority,
            mailbox_id=self.mailbox_id,
            product_id=self.product_id,
            tag_id=self.tag_id,
            waiting=self.waiting,
            search=self.search,
            sort="waiting" if overdue else self.sort,
        )
