"""Sites are the team's: added once, named by a slug in every URL, each agent connected with
their own WordPress user; a link one agent copies opens for another."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from dashboard.sites.models import Site, TeamSite, unique_slug
from tests.conftest import connect
from tests.tickets.test_thread import ticket_where

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def second(other_user, password) -> Client:
    """A second agent of the team (no right to add sites), signed in."""
    client = Client()
    client.force_login(other_user)
    return client


def shared_link(html: str) -> str:
    return re.search(r'data-copy-link="([^"]+)"', html).group(1)


def test_two_agents_share_one_team_site_and_the_same_ticket_url(acme, other_user, sim):
    theirs = connect(other_user, sim.acme, username="maria")
    assert TeamSite.objects.count() == 1
    assert theirs.team_site == acme.team_site and theirs.slug == acme.slug == "acme-store"
    assert theirs.pk != acme.pk and theirs.cache_key != acme.cache_key


def test_a_copied_ticket_link_opens_for_a_teammate_with_their_own_connection(
    agent_client, acme, second, other_user, sim
):
    ticket_id = ticket_where(sim.acme, agent=None)
    page = agent_client.get(reverse("tickets:thread", args=[acme.slug, ticket_id]))
    link = shared_link(page.content.decode())
    assert link == f"http://testserver/sites/acme-store/tickets/{ticket_id}/"

    connect(other_user, sim.acme, username="maria")
    sim.acme.site.clear_log()
    opened = second.get(link)
    assert opened.status_code == 200
    assert sim.acme.site.tickets[ticket_id]["title"] in opened.content.decode()
    # Read with the second agent's own WordPress user, never the first one's.
    users = {entry.user for entry in sim.acme.site.request_log}
    assert users == {"maria"}


def test_a_link_to_a_site_not_connected_prompts_and_connecting_returns_to_it(
    agent_client, acme, second, other_user, sim
):
    ticket_id = ticket_where(sim.acme, agent=None)
    link = reverse("tickets:thread", args=[acme.slug, ticket_id])
    sim.acme.site.clear_log()

    prompt = second.get(link)
    assert prompt.status_code == 403
    html = prompt.content.decode()
    assert "You have not connected Acme Store" in html
    assert sim.acme.site.tickets[ticket_id]["title"] not in html
    assert sim.acme.site.request_log == []
    join = re.search(r'href="(/sites/acme-store/connect/\?next=[^"]+)"', html).group(1)

    form = second.get(join.replace("&amp;", "&"))
    assert form.status_code == 200
    assert 'name="base_url"' not in form.content.decode()  # the address is the team's
    maria = sim.acme.site.users["maria"]
    done = second.post(
        join.replace("&amp;", "&"),
        {"username": "maria", "app_password": maria.app_password, "next": link},
    )
    assert done.status_code == 302 and done["Location"] == link
    assert Site.objects.get(owner=other_user).team_site == acme.team_site
    assert second.get(link).status_code == 200


def test_the_connect_form_never_sends_anyone_to_another_host(second, acme, other_user, sim):
    maria = sim.acme.site.users["maria"]
    done = second.post(
        reverse("sites:join", args=[acme.slug]),
        {"username": "maria", "app_password": maria.app_password, "next": "https://evil.test/x"},
    )
    assert done.status_code == 302
    assert done["Location"] == f"/sites/#site-{acme.slug}"


def test_a_wrong_password_on_the_connect_form_says_so_and_connects_nothing(
    second, acme, other_user
):
    response = second.post(
        reverse("sites:join", args=[acme.slug]), {"username": "maria", "app_password": "nope"}
    )
    assert response.status_code == 422
    assert not Site.objects.filter(owner=other_user).exists()


def test_an_unknown_site_in_a_link_is_not_found(agent_client, acme):
    assert agent_client.get("/sites/no-such-site/tickets/1/").status_code == 404


def test_only_an_admin_adds_a_site_but_anyone_connects_to_one_the_team_has(
    second, acme, other_user, sim
):
    maria = sim.acme.site.users["maria"]
    academy = sim.academy.site.users["admin"]
    refused = second.post(
        reverse("sites:connect"),
        {
            "base_url": sim.academy.base_url,
            "username": "admin",
            "app_password": academy.app_password,
        },
    )
    assert refused.status_code == 422
    assert "ask an admin to add it" in refused.content.decode()
    assert not TeamSite.objects.filter(base_url=sim.academy.base_url).exists()

    joined = second.post(
        reverse("sites:connect"),
        {"base_url": sim.acme.base_url, "username": "maria", "app_password": maria.app_password},
    )
    assert joined.status_code == 302
    assert Site.objects.get(owner=other_user).team_site == acme.team_site


def test_an_admin_renames_and_recolours_a_site_for_everyone_and_its_links_stay(
    agent_client, acme, second, other_user, sim
):
    theirs = connect(other_user, sim.acme, username="maria")
    response = agent_client.post(
        reverse("sites:team_settings", args=[acme.slug]), {"label": "ACME Shop", "tone": "3"}
    )
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.label == "ACME Shop" and theirs.tone == 3 and theirs.slug == "acme-store"
    assert "ACME Shop" in second.get(reverse("sites:list")).content.decode()


def test_an_agent_cannot_change_the_teams_sites(second, acme, other_user, sim):
    connect(other_user, sim.acme, username="maria")
    settings_url = reverse("sites:team_settings", args=[acme.slug])
    assert second.get(settings_url).status_code == 403
    assert second.post(settings_url, {"label": "Mine now", "tone": "1"}).status_code == 403
    assert second.post(reverse("sites:team_delete", args=[acme.slug])).status_code == 403
    acme.team_site.refresh_from_db()
    assert acme.team_site.label == "Acme Store"
    assert "Name and colour" not in second.get(reverse("sites:list")).content.decode()


def test_removing_a_site_from_the_team_removes_every_connection(
    agent_client, acme, other_user, sim
):
    connect(other_user, sim.acme, username="maria")
    confirm = agent_client.get(reverse("sites:team_delete", args=[acme.slug]))
    assert "2 connections" in confirm.content.decode()
    agent_client.post(reverse("sites:team_delete", args=[acme.slug]))
    assert not TeamSite.objects.exists() and not Site.objects.exists()
    assert agent_client.get(f"/sites/{acme.slug}/tickets/1/").status_code == 404


def test_disconnecting_keeps_the_site_for_the_team(agent_client, acme, second, other_user, sim):
    agent_client.post(reverse("sites:remove", args=[acme.slug]))
    assert TeamSite.objects.filter(slug=acme.slug).exists()
    page = agent_client.get(reverse("sites:list")).content.decode()
    assert "The team's other sites" in page
    assert f'href="/sites/{acme.slug}/connect/"' in page


def test_the_sites_page_lists_the_teams_sites_the_agent_has_not_connected(second, acme, other_user):
    page = second.get(reverse("sites:list")).content.decode()
    assert "Acme Store" in page and f"/sites/{acme.slug}/connect/" in page
    # Nothing of anyone's connection: who signed in, or how.
    assert acme.username not in page.split("The team's other sites")[1]
    assert "Signed in as</dt>" not in page


def test_the_customer_page_offers_a_link_the_team_can_open(agent_client, acme, sim):
    from tests.customers.helpers import OLIVIA, customer_by_email

    olivia = customer_by_email(sim.acme, OLIVIA)
    html = agent_client.get(reverse("customers:customer", args=[acme.slug, olivia["id"]]))
    link = shared_link(html.content.decode())
    assert link == f"http://testserver/customers/acme-store/{olivia['id']}/"


def test_inbox_links_name_the_site_by_slug(agent_client, acme, academy):
    html = agent_client.get(f"/?site={acme.slug}").content.decode()
    assert f'href="/?site={acme.slug}"' in html
    assert f'<option value="{acme.slug}" selected>' in html
    assert f"/sites/{acme.slug}/tickets/" in html
    assert not re.search(r"/sites/\d+/tickets/", html)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Acme Store", "acme-store"),
        ("2024", "site-2024"),
        ("", "example-com"),
        ("Ünïcödé!", "unicode"),
    ],
)
def test_slugs_are_never_numbers_and_never_repeat(db, label, expected):
    assert unique_slug(label, "https://example.com") == expected
    TeamSite.objects.create(base_url="https://a.test", label=label, slug=expected)
    assert unique_slug(label, "https://example.com") == f"{expected}-2"


def test_a_new_site_gets_a_colour_no_other_site_wears(db, user, acme, academy, beta):
    tones = [s.tone for s in TeamSite.objects.all()]
    assert len(set(tones)) == 3


def test_an_agent_with_no_connection_is_pointed_at_the_teams_sites(second, acme):
    html = second.get("/").content.decode()
    assert "The team has 1 site: connect your own WordPress user to it." in html
    assert 'href="/sites/">Connect a site</a>' in html


def test_the_admin_role_adds_sites_and_the_agent_role_does_not(team_admin, agent_user, sim):
    admin = sim.academy.site.users["admin"]
    data = {
        "base_url": sim.academy.base_url,
        "username": "admin",
        "app_password": admin.app_password,
    }
    agent = Client()
    agent.force_login(agent_user)
    assert agent.post(reverse("sites:connect"), data).status_code == 422
    assert not TeamSite.objects.exists()
    lead = Client()
    lead.force_login(team_admin)
    assert lead.post(reverse("sites:connect"), data).status_code == 302
    assert TeamSite.objects.get().base_url == sim.academy.base_url
    refused = agent.get(reverse("sites:team_settings", args=[TeamSite.objects.get().slug]))
    assert refused.status_code == 403 and "Admin" in refused.content.decode()


def test_a_label_with_underscores_gives_a_slug_links_accept(db):
    slug = unique_slug("growth_large quick", "https://example.com")
    assert slug == "growth-large-quick"
    assert reverse("tickets:thread", args=[slug, 1]) == f"/sites/{slug}/tickets/1/"
