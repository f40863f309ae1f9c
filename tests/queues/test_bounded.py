"""The queues page reads the same few calls of a site whatever its size: a team of 25 agents
costs what a team of five does, and what is left uncounted says so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard.queues import plan as queue_plan
from dashboard.queues import reader as queue_reader
from dashboard.simulator import SimulatedSite, SimulatorServer
from dashboard.simulator.pytest_plugin import SimSite
from tests.conftest import connect
from tests.queues.helpers import figure, is_open, is_waiting, shown

STATS = "/queues/stats/"


@pytest.fixture
def big_team() -> Iterator[SimSite]:
    site = SimulatedSite(
        seed=12, name="Big Team", tickets=160, customers=50, contacts=10, agents=25, tags=40
    )
    with SimulatorServer(site) as server:
        yield SimSite(site=site, server=server)


def person_rows(html: str) -> list[str]:
    return sorted({f.row for f in shown(html) if f.row.startswith("person:")})


def load(client) -> str:
    response = client.get(STATS)
    assert response.status_code == 200
    return response.content.decode()


def test_a_larger_team_costs_the_same_calls(client, user, other_user, sim, big_team):
    connect(user, sim.acme)
    connect(other_user, big_team)
    assert len(big_team.site.agents) == 25 and len(sim.acme.site.agents) == 5
    sim.acme.site.clear_log()
    client.force_login(user)
    load(client)
    small = sim.acme.site.count()
    big_team.site.clear_log()
    client.force_login(other_user)
    load(client)
    assert big_team.site.count() == small
    # Each agent's counts are the agents report's, which has every agent of the site.
    assert big_team.site.count(route="*/tickets") == sim.acme.site.count(route="*/tickets")


def test_every_agent_of_a_large_team_is_counted_from_the_agents_report(
    agent_client, user, big_team
):
    connect(user, big_team)

    html = load(agent_client)

    tickets = list(big_team.site.tickets.values())
    expected = sorted(
        (
            str(sum(1 for t in tickets if t["agent_id"] == agent_id and is_open(t))),
            str(sum(1 for t in tickets if t["agent_id"] == agent_id and is_waiting(t))),
        )
        for agent_id in big_team.site.agents
    )
    # One row per person (one site: each agent is a person of their own).
    assert (
        sorted(
            (figure(html, row, "open").text, figure(html, row, "waiting").text)
            for row in person_rows(html)
        )
        == expected
    )


def test_without_the_agents_report_only_the_first_agents_are_counted_and_the_page_says_so(
    agent_client, user, big_team
):
    # An agent who may manage every ticket but not read reports.
    tom = big_team.site.users["tom"]
    tom.permissions.remove("fst_view_all_reports")
    connect(user, big_team, username="tom")
    big_team.site.clear_log()

    html = load(agent_client)

    limit = queue_plan.AGENTS_COUNTED_ONE_BY_ONE
    assert big_team.site.count(route="*/tickets") == 4 + 2 * limit + 3 + 5
    opens = [figure(html, row, "open") for row in person_rows(html)]
    counted = [f for f in opens if f.text.isdigit()]
    left_out = [f for f in opens if f.text == "—"]
    assert len(counted) == limit and len(left_out) == len(big_team.site.agents) - limit
    assert all(f"only the first {limit} agents" in f.title for f in left_out)


def test_mailboxes_and_products_past_the_bound_are_listed_uncounted(
    agent_client, user, sim, monkeypatch
):
    monkeypatch.setattr(queue_plan, "GROUPS_COUNTED", 2)
    monkeypatch.setattr(queue_reader, "GROUPS_COUNTED", 2)
    site = connect(user, sim.acme)
    sim.acme.site.clear_log()

    html = load(agent_client)

    products = sorted(sim.acme.site.store.products)
    assert len(products) > 2
    assert sim.acme.site.count(route="*/tickets") == 4 + 2 + 2
    assert figure(html, f"product:{site.pk}:{products[0]}", "open").text.isdigit()
    uncounted = figure(html, f"product:{site.pk}:{products[-1]}", "open")
    assert uncounted.text == "—"
    assert "the first 2 products of a site are counted" in uncounted.title


def test_many_sites_are_shown_a_few_at_a_time_and_the_page_says_so(
    agent_client, user, sim, monkeypatch
):
    from dashboard.queues import figures as queue_figures
    from dashboard.queues import views as queue_views

    monkeypatch.setattr(queue_figures, "SITES_PER_VIEW", 1)
    monkeypatch.setattr(queue_views, "SITES_PER_VIEW", 1)
    acme, academy = connect(user, sim.acme), connect(user, sim.academy)
    # The user's sites in their usual order: "Acme Academy" before "Acme Store".
    first, second = (academy, sim.academy), (acme, sim.acme)
    for entry in (sim.acme, sim.academy):
        entry.site.clear_log()

    html = load(agent_client)

    assert second[1].site.count() == 0 and first[1].site.count() > 0
    assert f'data-site="{first[0].pk}"' in html and f'data-site="{second[0].pk}"' not in html
    assert "Figures for sites 1\u20131 of 2" in html
    assert 'href="/queues/?sites_from=1"' in html

    more = agent_client.get(STATS, {"sites_from": 1}).content.decode()
    assert f'data-site="{second[0].pk}"' in more and f'data-site="{first[0].pk}"' not in more
    assert "Figures for sites 2\u20132 of 2" in more and "Next sites" not in more
    assert "reads at most 1 site, so" in more and "Previous sites" in more
    frame = agent_client.get("/queues/", {"sites_from": 1}).content.decode()
    assert 'hx-get="/queues/stats/?sites_from=1"' in frame
