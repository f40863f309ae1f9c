"""One person across sites (matched by email) in the inbox's filter, bulk assign, labels and
"Mine", against two simulated sites where the same person has different ids and names."""

from __future__ import annotations

import re

import pytest
import requests
from django.urls import reverse

from dashboard.tickets.people import email_key
from tests.conftest import PRIYA, connect
from tests.tickets.test_bulk import flashes
from tests.tickets.test_inbox import open_ids, row_keys, total
from tests.tickets.test_thread import ticket_where, url

FS = "/wp-json/fluent-support/v2"
HTMX = {"HTTP_HX_REQUEST": "true"}


def first_visit(agent_client) -> None:
    """The inbox as a browser first loads it: the list, then its counts, which learn the
    agents of sites nothing remembers (the list itself asks no site for them)."""
    agent_client.get("/")
    agent_client.get(reverse("tickets:counts"), **HTMX)


def options(html: str, select_id: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def agent_on_site(sim_site, ticket_id: int) -> int | None:
    """The ticket's agent as the site itself answers it over HTTP."""
    admin = sim_site.site.users["admin"]
    answer = requests.get(
        f"{sim_site.base_url}{FS}/tickets/{ticket_id}",
        auth=(admin.username, admin.app_password),
        timeout=10,
    )
    answer.raise_for_status()
    agent_id = answer.json()["ticket"]["agent_id"]
    return int(agent_id) if agent_id else None


def test_the_filter_offers_a_person_once_and_names_them_by_a_key_not_the_email(
    agent_client, acme, academy, priya
):
    first_visit(agent_client)
    html = agent_client.get("/").content.decode()
    choices = options(html, "f-agent")
    key = email_key(PRIYA)
    assert [label for value, label in choices if value == key] == ["Priya N."]
    assert not any("Priya Nair" in label for _, label in choices)
    # Everyone else has an email of one site: one choice each, both sites' agents listed.
    people = [value for value, _ in choices if value.startswith("p-")]
    assert len(people) == len(set(people)) == 2 * 5 - 1
    assert PRIYA not in html.lower().split("<ol")[0]  # the email is not in any option value
    assert options(html, "bulk-agent")[1:] == [c for c in choices if c[0].startswith("p-")]


def test_filtering_by_a_person_lists_their_tickets_on_both_sites(
    agent_client, sim, acme, academy, priya
):
    html = agent_client.get(f"/?agent={email_key(PRIYA)}&status=all").content.decode()
    acme_ids = {t["id"] for t in sim.acme.site.tickets.values() if t["agent_id"] == 4}
    academy_ids = {t["id"] for t in sim.academy.site.tickets.values() if t["agent_id"] == 3}
    assert acme_ids and academy_ids
    assert total(html) == len(acme_ids) + len(academy_ids)
    keys = set(row_keys(html))
    assert {k.split(":")[0] for k in keys} == {str(acme.pk), str(academy.pk)}
    assert keys <= {f"{acme.pk}:{i}" for i in acme_ids} | {f"{academy.pk}:{i}" for i in academy_ids}
    # One name for her on every row, whatever each site calls her.
    assert "Priya Nair" not in html
    assert html.count('<span class="row-agent">Priya N.</span>') == len(keys)
    # The chosen person stays selected in the filter.
    assert f'<option value="{email_key(PRIYA)}" selected>' in html


def test_a_site_where_the_person_is_no_agent_is_left_out_with_a_note(agent_client, sim, acme, beta):
    # Alex of Acme Store (admin@acme-store.test) is nobody on Beta Labs.
    alex = email_key("admin@acme-store.test")
    html = agent_client.get(f"/?agent={alex}").content.decode()
    assert total(html) == len(open_ids(sim.acme, agent_id=1))
    assert {k.split(":")[0] for k in row_keys(html)} == {str(acme.pk)}
    assert "Beta Labs is left out: Alex Admin is not an agent there." in html


def test_one_site_list_offers_only_that_sites_people(agent_client, acme, academy, priya):
    first_visit(agent_client)
    html = agent_client.get(f"/?site={acme.slug}").content.decode()
    labels = [label for value, label in options(html, "f-agent") if value.startswith("p-")]
    assert len(labels) == 5 and "Priya N." in labels


def test_bulk_assign_uses_each_sites_own_id_for_the_person(agent_client, sim, acme, academy, priya):
    on_acme = sorted(open_ids(sim.acme, agent_id=None))[:2]
    on_academy = sorted(open_ids(sim.academy, agent_id=None))[:2]
    html = agent_client.post(
        reverse("tickets:bulk"),
        {
            "action": "assign_agent",
            "agent": email_key(PRIYA),
            "t": [f"{acme.pk}:{i}" for i in on_acme] + [f"{academy.pk}:{i}" for i in on_academy],
            "next": "/",
        },
        **HTMX,
    ).content.decode()
    assert [agent_on_site(sim.acme, i) for i in on_acme] == [4, 4]
    assert [agent_on_site(sim.academy, i) for i in on_academy] == [3, 3]
    said = flashes(html)
    assert f"Acme Store: 2 tickets assigned to Priya N. (#{on_acme[0]}, #{on_acme[1]})." in said
    assert any(s.startswith("Acme Academy: 2 tickets assigned to Priya N.") for s in said)


def test_bulk_assign_refuses_a_site_where_the_person_is_no_agent(agent_client, sim, acme, beta):
    on_acme = sorted(open_ids(sim.acme, agent_id=None))[:1]
    on_beta = sorted(open_ids(sim.beta))[:2]
    before = [agent_on_site(sim.beta, i) for i in on_beta]
    html = agent_client.post(
        reverse("tickets:bulk"),
        {
            "action": "assign_agent",
            "agent": email_key("tom.agent@acme-store.test"),
            "t": [f"{acme.pk}:{i}" for i in on_acme] + [f"{beta.pk}:{i}" for i in on_beta],
            "next": "/",
        },
        **HTMX,
    ).content.decode()
    numbers = ", ".join(f"#{i}" for i in on_beta)
    assert flashes(html) == [
        f"Acme Store: 1 ticket assigned to Tom Becker (#{on_acme[0]}).",
        f"Beta Labs: not assigned ({numbers}): Tom Becker is not an agent there.",
    ]
    assert agent_on_site(sim.acme, on_acme[0]) == 3
    assert [agent_on_site(sim.beta, i) for i in on_beta] == before
    assert sim.beta.site.count(method="POST") == 0


def test_bulk_assign_to_someone_unknown_changes_nothing(agent_client, sim, acme):
    ticket = min(open_ids(sim.acme))
    html = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "assign_agent", "agent": "p-0123456789", "t": [f"{acme.pk}:{ticket}"]},
        **HTMX,
    ).content.decode()
    assert "not on your sites any more" in html
    assert sim.acme.site.count(method="POST") == 0


# "Mine": the agent with the connected WordPress user's email, on each site


@pytest.fixture
def alex_everywhere(user, sim):
    """Alex signs in to Acme Store as admin (agent 1) and to Acme Academy as their own user
    there, agent 3, whose email is the same: one person, "Mine" on both."""
    sim.academy.site.edit_agent(3, email="admin@acme-store.test", first_name="Alex", last_name="A")
    return connect(user, sim.acme), connect(user, sim.academy, username="tom")


def test_mine_is_the_same_person_on_every_site(agent_client, sim, alex_everywhere):
    acme, academy = alex_everywhere
    html = agent_client.get("/?agent=me").content.decode()
    want = len(open_ids(sim.acme, agent_id=1)) + len(open_ids(sim.academy, agent_id=3))
    assert total(html) == want
    assert {k.split(":")[0] for k in row_keys(html)} == {str(acme.pk), str(academy.pk)}
    # Choosing oneself as a person lists the same tickets.
    alex = email_key("admin@acme-store.test")
    assert total(agent_client.get(f"/?agent={alex}").content.decode()) == want
    counts = agent_client.get(reverse("tickets:counts") + "?agent=me").content.decode()
    assert re.search(rf'id="count-view-mine"[^>]*>\s*{want}\s*<', counts)


def test_bulk_assign_to_me_uses_my_agent_on_each_site(agent_client, sim, alex_everywhere):
    acme, academy = alex_everywhere
    on_acme = min(open_ids(sim.acme, agent_id=None))
    on_academy = min(open_ids(sim.academy, agent_id=None))
    agent_client.post(
        reverse("tickets:bulk"),
        {"action": "assign_me", "t": [f"{acme.pk}:{on_acme}", f"{academy.pk}:{on_academy}"]},
    )
    assert agent_on_site(sim.acme, on_acme) == 1
    assert agent_on_site(sim.academy, on_academy) == 3


def test_mine_follows_the_email_over_the_id_stored_at_connection(agent_client, user, sim):
    site = connect(user, sim.acme)
    assert site.agent_person_id == 1
    # Since the connection, agent 1's profile lost the address and agent 2 has it: the email
    # of the WordPress user who connected is what says which agent is "me".
    sim.acme.site.store.persons[1]["email"] = "former@acme-store.test"
    sim.acme.site.store.persons[2]["email"] = "admin@acme-store.test"
    first_visit(agent_client)
    html = agent_client.get("/?agent=me&status=all").content.decode()
    assert total(html) == sum(1 for t in sim.acme.site.tickets.values() if t["agent_id"] == 2)


def test_mine_falls_back_to_the_stored_agent_when_no_email_matches(agent_client, user, sim):
    site = connect(user, sim.acme)
    sim.acme.site.store.persons[1]["email"] = "former@acme-store.test"
    first_visit(agent_client)
    html = agent_client.get("/?agent=me").content.decode()
    assert total(html) == len(open_ids(sim.acme, agent_id=site.agent_person_id))


# What it costs


def test_the_list_asks_no_site_for_people_and_its_counts_learn_them_once(
    agent_client, sim, acme, academy
):
    agent_client.get("/")
    for entry in (sim.acme, sim.academy):
        assert entry.site.count(route="/fluent-support/v2/tickets/ticket-essentials") == 0
    agent_client.get(reverse("tickets:counts"), **HTMX)
    for entry in (sim.acme, sim.academy):
        assert entry.site.count(route="/fluent-support/v2/tickets/ticket-essentials") == 1
        entry.site.clear_log()
    # Known now: the counts again, and the list, ask for nothing more than before.
    agent_client.get(reverse("tickets:counts") + "?status=new", **HTMX)
    agent_client.get("/?status=new")
    for entry in (sim.acme, sim.academy):
        paths = {e.path for e in entry.site.request_log}
        assert paths == {"/wp-json/fluent-support/v2/tickets"}, paths


def test_people_cost_no_call_once_the_sites_agents_are_known(agent_client, sim, acme, academy):
    first_visit(agent_client)
    for entry in (sim.acme, sim.academy):
        entry.site.clear_log()
    alex = email_key("admin@acme-store.test")
    agent_client.get(f"/?agent={alex}&sort=newest")
    for entry in (sim.acme, sim.academy):
        paths = [e.path for e in entry.site.request_log]
        assert all(p.endswith("/fluent-support/v2/tickets") for p in paths), paths
    assert sim.acme.site.count() == 1 and sim.academy.site.count() == 0


def test_a_link_by_one_sites_agent_id_shows_that_person_chosen(agent_client, sim, acme):
    # The queues' per-site figures and older links name the site's agent id.
    html = agent_client.get(f"/?site={acme.slug}&agent=3").content.decode()
    assert total(html) == len(open_ids(sim.acme, agent_id=3))
    tom = email_key("tom.agent@acme-store.test")
    assert f'<option value="{tom}" selected>Tom Becker</option>' in html


def test_the_thread_names_the_assignee_as_the_person(agent_client, sim, acme, academy, priya):
    first_visit(agent_client)
    ticket = ticket_where(sim.acme, agent=4)
    html = agent_client.get(url("thread", acme, ticket)).content.decode()
    # Acme Store calls her "Priya Nair"; as the assignee she is "Priya N." on every page, as
    # on the user's first site. (Her replies keep the name they were signed with.)
    assert "Priya Nair" not in html.split('class="thread-side')[-1].split("</aside>")[0]
    assert '<span class="meta-label">Agent</span> Priya N.</span>' in html
    assert '<option value="4" selected>Priya N.</option>' in html
