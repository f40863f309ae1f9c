"""Queues' "By agent": one row per person across sites, summed, with each site's share."""

from __future__ import annotations

from dashboard.tickets.people import email_key
from tests.conftest import PRIYA
from tests.queues.helpers import data_total, figure, is_open, is_waiting, shown
from tests.queues.test_overview import load


def test_a_person_on_two_sites_is_one_row_with_the_sum_and_each_site(
    agent_client, sim, acme, academy, priya
):
    response, html = load(agent_client)
    key = email_key(PRIYA)
    assert html.count(f'data-person="{key}"') == 1
    assert "Priya Nair" not in html  # one name for her: the first site's ("Priya N.")
    row = next(r for r in response.context["overview"].people if r.person.key == key)
    assert row.person.name == "Priya N."
    assert [(part.site.pk, part.agent.id) for part in row.sites] == [
        (academy.pk, 3),
        (acme.pk, 4),
    ]

    mine = {
        acme.pk: [t for t in sim.acme.site.tickets.values() if t["agent_id"] == 4],
        academy.pk: [t for t in sim.academy.site.tickets.values() if t["agent_id"] == 3],
    }
    open_ = {pk: sum(1 for t in ts if is_open(t)) for pk, ts in mine.items()}
    waiting = {pk: sum(1 for t in ts if is_waiting(t)) for pk, ts in mine.items()}
    person = f"person:{key}"
    assert figure(html, person, "open").text == str(sum(open_.values()))
    assert figure(html, person, "waiting").text == str(sum(waiting.values()))
    for pk, agent_id in ((acme.pk, 4), (academy.pk, 3)):
        part = f"agent:{pk}:{agent_id}"
        assert figure(html, part, "open").text == str(open_[pk])
        assert figure(html, part, "waiting").text == str(waiting[pk])
    # The oldest wait of the two sites is the person's.
    oldest = min(
        (t["last_customer_response"], pk, t["id"])
        for pk, ts in mine.items()
        for t in ts
        if is_waiting(t)
    )
    slug = {acme.pk: acme.slug, academy.pk: academy.slug}[oldest[1]]
    assert figure(html, person, "oldest").href == f"/sites/{slug}/tickets/{oldest[2]}/"

    # Every number of the row and its breakdown opens an inbox with that count.
    for item in shown(html):
        if item.row in (person, f"agent:{acme.pk}:4", f"agent:{academy.pk}:3") and (
            item.column in ("open", "waiting")
        ):
            inbox = agent_client.get(item.href)
            assert data_total(inbox.content.decode()) == int(item.text), item


def test_people_on_one_site_show_their_site_and_no_breakdown(agent_client, acme, academy):
    _, html = load(agent_client)
    # Nobody shares an email here: ten people, none with a list of sites.
    assert html.count("data-person=") == 10
    assert 'class="person-sites"' not in html
