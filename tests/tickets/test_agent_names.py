"""One display name for an agent everywhere: the name, else the email, never "#1"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dashboard.tickets.people import email_key
from tests.conftest import connect
from tests.tickets.test_thread import ticket_where, url


def nameless_agent(sim_site) -> dict:
    (agent,) = [a for a in sim_site.site.agents.values() if not a["first_name"]]
    return agent


def give_tickets(sim_site, agent_id: int, count: int = 2) -> list[int]:
    ids = [t["id"] for t in sim_site.site.tickets.values() if t["status"] != "closed"][:count]
    for ticket_id in ids:
        sim_site.site.tickets[ticket_id]["agent_id"] = agent_id
    sim_site.site.touch()
    return ids


def option_text(html: str, select_id: str, value: int | str) -> str:
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S).group(0)
    return re.search(rf'<option value="{value}"[^>]*>([^<]*)<', select).group(1).strip()


@pytest.mark.parametrize("username", ["admin", "tom"])
def test_nameless_agent_is_named_by_email_in_every_list(agent_client, user, sim, username):
    agent = nameless_agent(sim.acme)
    ticket_ids = give_tickets(sim.acme, agent["id"])
    site = connect(user, sim.acme, username=username)
    inbox = agent_client.get(f"/?site={site.slug}").content.decode()
    # The dropdowns offer people, named in the URL by their key.
    assert option_text(inbox, "f-agent", email_key(agent["email"])) == agent["email"]
    assert option_text(inbox, "bulk-agent", email_key(agent["email"])) == agent["email"]
    assert f"#{agent['id']}<" not in inbox
    thread = agent_client.get(url("thread", site, ticket_ids[0])).content.decode()
    assert agent["email"] in thread and f"#{agent['id']}<" not in thread
    other = ticket_where(sim.acme, agent=None)
    properties = agent_client.get(url("thread", site, other)).content.decode()
    assert f'<option value="{agent["id"]}">{agent["email"]}' in properties


def test_without_the_agents_list_the_email_comes_from_their_tickets(agent_client, user, sim):
    # Tom may see every ticket but not /agents (403): one of the agent's tickets names them.
    sim.acme.site.users["tom"].permissions.remove("fst_sensitive_data")
    agent = nameless_agent(sim.acme)
    give_tickets(sim.acme, agent["id"])
    site = connect(user, sim.acme, username="tom")
    inbox = agent_client.get(f"/?site={site.slug}").content.decode()
    assert option_text(inbox, "f-agent", email_key(agent["email"])) == agent["email"]
    assert sim.acme.site.count(route="/fluent-support/v2/agents") == 0


def test_an_agent_nobody_can_name_is_still_not_a_bare_number(agent_client, user, sim):
    # Maria sees only her own and unassigned tickets: no answer she can read has the email.
    agent = nameless_agent(sim.acme)
    give_tickets(sim.acme, agent["id"])
    site = connect(user, sim.acme, username="maria")
    html = agent_client.get(url("thread", site, ticket_where(sim.acme, agent=None))).content
    assert f"Agent {agent['id']} (no name)" in html.decode()


def test_queues_name_a_nameless_agent_by_email(agent_client, acme, sim):
    agent = nameless_agent(sim.acme)
    give_tickets(sim.acme, agent["id"])
    html = agent_client.get(reverse("queues:stats")).content.decode()
    assert agent["email"] in html
    assert f"#{agent['id']}<" not in html


def test_a_learned_email_outlives_the_reference_data(user, sim):
    # Reference data expires within minutes; the email that names an agent is kept a day, so
    # reading the essentials again after they expired does not read the agent list again.
    from dashboard.fluent.reference import essentials_get
    from dashboard.sites.services import client_for

    agent = nameless_agent(sim.acme)
    client = client_for(connect(user, sim.acme))
    first = essentials_get(client)
    assert agent["email"] in [a.email for a in first.agents]
    client.session.cache.clear()
    sim.acme.site.clear_log()
    again = essentials_get(client)
    assert agent["email"] in [a.email for a in again.agents]
    assert sim.acme.site.count(route="/fluent-support/v2/tickets/ticket-essentials") == 1
    assert sim.acme.site.count(route="/fluent-support/v2/agents") == 0
    assert sim.acme.site.count(route="/fluent-support/v2/me") == 0


def test_every_agent_has_an_email_learned_once_a_day(user, sim):
    # The email tells which agents of different sites are one person: /me and (for those who
    # may read it) /agents are read once, then remembered with the site's agents.
    from dashboard.fluent.reference import essentials_get, remembered_agents
    from dashboard.sites.services import client_for

    site = connect(user, sim.acme)
    client = client_for(site)
    first = essentials_get(client)
    want = {a["id"]: a["email"] for a in sim.acme.site.agents.values()}
    assert {a.id: a.email for a in first.agents} == want
    client.session.cache.clear()
    sim.acme.site.clear_log()
    again = essentials_get(client)
    assert {a.id: a.email for a in again.agents} == want
    assert sim.acme.site.count() == 1  # the essentials only
    known = remembered_agents([site.cache_key])[site.cache_key]
    assert {a.id: a.email for a in known.agents} == want
    assert known.me_email == sim.acme.site.users["admin"].email
