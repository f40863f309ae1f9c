"""The queues' "By agent" rows: one per person across sites (see tickets/people.py), each
figure the sum of that person's rows on every site, with those rows as its breakdown.

A person's figure links to the inbox filtered by the person: on every site it lists the
tickets of that site's agent id for them, so it shows the summed count by construction (a
person on one site only is linked with that site chosen, which lists the same tickets without
noting the other sites as left out).
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.queues.overview import AgentRow, Figure, Oldest, inbox_url
from dashboard.queues.reader import CLOSED_LINK_HINT
from dashboard.tickets.people import Directory, Person, agent_key


@dataclass
class PersonRow:
    person: Person
    open: Figure
    waiting: Figure
    closed_today: Figure
    oldest: Oldest | None
    sites: list[AgentRow]  # the breakdown, one row per site, in the user's order of sites

    @property
    def agent(self):
        """The agent whose picture and initials the row shows (the first site's)."""
        return self.sites[0].agent

    @property
    def oldest_hint(self) -> str:
        """Why no oldest wait shows although some are waiting (a site read too little)."""
        return "" if self.oldest else next((r.oldest_hint for r in self.sites if r.oldest_hint), "")


def _sum(figures: list[Figure], url: str, hint: str = "") -> Figure:
    values = [f.value for f in figures if f.value is not None]
    if not values:
        # Every site failed to give it: the reason is the same, say the first.
        return Figure(None, url=url, hint=figures[0].hint if figures else hint)
    missing = len(values) < len(figures)
    note = " ".join(filter(None, [hint, "Some sites could not give this figure." * missing]))
    return Figure(sum(values), url=url, hint=note)


def person_rows(agent_rows: list[AgentRow], directory: Directory) -> list[PersonRow]:
    """The agent rows of every site grouped by person, longest waiting first."""
    grouped: dict[str, list[AgentRow]] = {}
    people: dict[str, Person] = {}
    for row in agent_rows:
        person = directory.of(row.site.pk, row.agent)
        key = person.key if person else agent_key(row.site, row.agent)
        people.setdefault(key, person or Person(key=key, name=row.agent.name, email=""))
        grouped.setdefault(key, []).append(row)
    order = {pk: index for index, pk in enumerate(directory.site_order)}
    rows = []
    for key, site_rows in grouped.items():
        site_rows.sort(key=lambda r: order.get(r.site.pk, len(order)))
        only = site_rows[0].site if len(site_rows) == 1 else None
        closed_hint = (
            site_rows[0].closed_today.hint
            if only
            else f"Closed by this person today, on all their sites. {CLOSED_LINK_HINT}"
        )
        rows.append(
            PersonRow(
                person=people[key],
                open=_sum([r.open for r in site_rows], inbox_url(site=only, agent=key)),
                waiting=_sum(
                    [r.waiting for r in site_rows],
                    inbox_url(site=only, agent=key, waiting=True, sort="waiting"),
                ),
                closed_today=_sum(
                    [r.closed_today for r in site_rows],
                    inbox_url(site=only, agent=key, status="closed"),
                    closed_hint,
                ),
                oldest=min(
                    (r.oldest for r in site_rows if r.oldest), key=lambda o: o.since, default=None
                ),
                sites=site_rows,
            )
        )
    rows.sort(key=_order)
    return rows


def _order(row: PersonRow) -> tuple:
    since = row.oldest.since.timestamp() if row.oldest else float("inf")
    return (since, -(row.open.value or 0), row.person.name.casefold())
