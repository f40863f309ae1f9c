"""People across sites: an agent on several sites is one person, matched by email.

Each site numbers its agents itself (Alex is agent 1 on one site and agent 7 on another, and
may be "Alex A." there), so the inbox's agent filter, bulk assign, the queues and the
"assigned to" labels group the sites' agents into people: one per email (lower-cased), the
name taken from the first of the user's sites that gives one.

Where the agents come from: each site's ``ticket-essentials`` agents, with the emails
``fluent.reference`` learned for them and remembered a day per credential. A page that reads
the reference data anyway (one site's inbox, the thread, the queues) hands it in; any other
page reads what was remembered, from Django's cache, and asks a site only when nothing is
remembered for it (a credential not used for a day).

A person is named in URLs by ``key``: a keyed hash of the email (``p-`` and ten hex digits),
not the email itself (personal data in addresses ends up in logs and browser histories) and
not an agent id (ids belong to one site: the "first" id of a person depends on which sites the
viewer has, so a link shared with a colleague could name someone else). The hash is stable
across users, sites and time, and says nothing about the email to anyone without the server's
secret key. An agent whose email no answer gives (a limited agent may not read the agent list)
is keyed by the name instead, and one with neither by the site and id.

"Mine" on a site is the agent whose email is the connected WordPress user's (the one /me
gives), falling back to the agent id stored when the credential was verified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial

from django.utils.crypto import salted_hmac

from dashboard.fluent.models import Agent
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.reference import KnownAgents, essentials_get, remembered_agents
from dashboard.sites.models import Site
from dashboard.sites.services import client_for

KEY_PATTERN = r"p-[0-9a-f]{10}"
_KEY = re.compile(rf"^{KEY_PATTERN}$")
# What this request knows of a site's agents is kept on the Site object, which lives as long
# as the request (``usersites.user_sites``): one cache read per site, however often it is asked.
_KNOWN = "_people_known"
_KEYS = "_people_keys"


def is_person_key(value: str) -> bool:
    return bool(_KEY.match(value or ""))


def _key(identity: str) -> str:
    digest = salted_hmac("dashboard.people", identity, algorithm="sha256").hexdigest()
    return f"p-{digest[:10]}"


def email_key(email: str) -> str:
    """The key of the person with this email."""
    return _key("email:" + email.strip().lower())


def agent_key(site: Site, agent: Agent) -> str:
    """The person an agent of ``site`` is, as the key URLs name them by."""
    if agent.email.strip():
        return email_key(agent.email)
    if agent.has_name:
        return _key("name:" + " ".join(agent.own_name.split()).casefold())
    return _key(f"agent:{site.pk}:{agent.id}")


# What is known of each site's agents


def _prime(sites: list[Site]) -> None:
    """Read what is remembered of the sites' agents, once per request (one cache read)."""
    missing = [site for site in sites if _KNOWN not in site.__dict__]
    if not missing:
        return
    found = remembered_agents([site.cache_key for site in missing])
    for site in missing:
        _set_known(site, found.get(site.cache_key))


def _set_known(site: Site, known: KnownAgents | None) -> None:
    site.__dict__[_KNOWN] = known
    site.__dict__.pop(_KEYS, None)


def _known(site: Site) -> KnownAgents | None:
    _prime([site])
    return site.__dict__[_KNOWN]


def mine_agent_id(site: Site) -> int | None:
    """The user's own agent on ``site``: the one with the connected WordPress user's email, else
    the one found when the credential was verified."""
    known = _known(site)
    if known is not None and known.me_email.strip():
        wanted = known.me_email.strip().lower()
        matches = [a.id for a in known.agents if a.email.strip().lower() == wanted]
        if len(matches) == 1:
            return matches[0]
    return site.agent_person_id


def agent_id_on(site: Site, key: str) -> int | None:
    """The agent id the person ``key`` has on ``site``; None where they are no agent (or the
    site's agents are not known)."""
    if _KEYS not in site.__dict__:
        known = _known(site)
        agents = known.agents if known is not None else []
        site.__dict__[_KEYS] = {agent_key(site, a): a.id for a in agents}
    return site.__dict__[_KEYS].get(key)


# The people of the user's sites


@dataclass
class Person:
    key: str
    name: str
    email: str  # lower-cased; "" when no site gave it
    agents: dict[int, Agent] = field(default_factory=dict)  # site pk -> that site's agent
    is_me: bool = False

    def agent_id(self, site_pk: int) -> int | None:
        agent = self.agents.get(site_pk)
        return agent.id if agent else None

    @property
    def site_count(self) -> int:
        return len(self.agents)


@dataclass
class Directory:
    """The people of a user's sites, in name order, and the sites whose agents are unknown."""

    people: list[Person]
    unread: list[Site] = field(default_factory=list)
    site_order: list[int] = field(default_factory=list)  # the user's sites, as listed

    def __post_init__(self) -> None:
        self._by_key = {person.key: person for person in self.people}
        self._by_agent = {
            (site_pk, agent.id): person
            for person in self.people
            for site_pk, agent in person.agents.items()
        }
        # Two people with one name (two emails) are told apart by the email in dropdowns.
        names = [person.name.casefold() for person in self.people]
        self._shared = {name for name in names if names.count(name) > 1}

    def person(self, key: str) -> Person | None:
        return self._by_key.get(key)

    def chosen(self, agent: str, site_pk: int | None) -> Person | None:
        """The person an inbox filter names: by key, or (an older link, a queue's per-site
        figure) by one site's agent id."""
        if agent.isdigit() and site_pk is not None:
            return self._by_agent.get((site_pk, int(agent)))
        return self._by_key.get(agent)

    def of(self, site_pk: int, agent: Agent | None) -> Person | None:
        """The person an agent of a site is (by id, else by the email a ticket row carries)."""
        if agent is None:
            return None
        return self._by_agent.get((site_pk, agent.id)) or (
            self._by_key.get(email_key(agent.email)) if agent.email.strip() else None
        )

    def on(self, site_pk: int) -> list[Person]:
        return [person for person in self.people if site_pk in person.agents]

    def label(self, person: Person) -> str:
        """The person as a dropdown names them."""
        if person.name.casefold() in self._shared and person.email:
            return f"{person.name} ({person.email})"
        return person.name

    def choices(self, site_pk: int | None = None) -> list[tuple[str, str]]:
        people = self.people if site_pk is None else self.on(site_pk)
        return [(person.key, self.label(person)) for person in people]

    def name(self, site_pk: int, agents: list[Agent | None]) -> None:
        """Give each agent of a site (a ticket's, a dropdown's) its person's name."""
        for agent in agents:
            person = self.of(site_pk, agent)
            if agent is not None and person is not None:
                agent.name_as(person.name)

    def name_rows(self, rows) -> None:
        """The "assigned to" of each inbox row (``tickets.rows.Row``), in its person's name."""
        for row in rows:
            self.name(row.site.pk, [row.ticket.agent])


def build(sites: list[Site], agents_by_site: dict[int, list[Agent]]) -> Directory:
    """Group the sites' agents into people; ``sites`` in the user's order, which decides whose
    name a person carries when the sites call them differently."""
    people: dict[str, Person] = {}
    for site in sites:
        if site.pk not in agents_by_site:
            continue
        mine = mine_agent_id(site)
        for agent in agents_by_site[site.pk]:
            key = agent_key(site, agent)
            person = people.get(key)
            if person is None:
                person = people[key] = Person(key=key, name="", email=agent.email.strip().lower())
            person.agents.setdefault(site.pk, agent)
            if not person.name and agent.has_name:
                person.name = agent.own_name
            person.is_me = person.is_me or agent.id == mine
    for person in people.values():
        if not person.name:
            first = next(iter(person.agents.values()))
            person.name = person.email or first.own_name
    ordered = sorted(people.values(), key=lambda p: (p.name.casefold(), p.key))
    unread = [site for site in sites if site.pk not in agents_by_site]
    return Directory(people=ordered, unread=unread, site_order=[site.pk for site in sites])


def load(
    sites: list[Site],
    *,
    known: dict[int, list[Agent]] | None = None,
    read_missing: bool = True,
) -> Directory:
    """The people of ``sites``: the agents in ``known`` (reference data the page read anyway),
    else those remembered, else (with ``read_missing``) the site's reference data, read for
    the sites nothing is remembered for."""
    known = known or {}
    sites = [site for site in sites if not site.needs_reconnect]
    _prime(sites)
    agents: dict[int, list[Agent]] = {}
    for site in sites:
        if site.pk in known:
            remembered = site.__dict__[_KNOWN]
            _set_known(site, KnownAgents(known[site.pk], remembered.me_email if remembered else ""))
        if site.__dict__[_KNOWN] is not None:
            agents[site.pk] = site.__dict__[_KNOWN].agents
    missing = [site for site in sites if site.pk not in agents]
    if missing and read_missing:
        outcomes = run_parallel({s.pk: partial(essentials_get, client_for(s)) for s in missing})
        for site in missing:
            site.__dict__.pop(_KNOWN, None)
        _prime(missing)  # essentials_get remembered what it learned
        for site in missing:
            outcome = outcomes[site.pk]
            if outcome.ok:
                if site.__dict__[_KNOWN] is None:
                    _set_known(site, KnownAgents(outcome.value.agents))
                agents[site.pk] = site.__dict__[_KNOWN].agents
    return build(sites, agents)
