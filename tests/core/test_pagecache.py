"""Rendered pages are reused only while everything they show is still fresh, and per user."""

from __future__ import annotations

from django.test import Client

from dashboard.fluent.tickets import ticket_close
from dashboard.sites.services import client_for
from tests.conftest import connect


def test_a_warm_page_is_served_without_rendering_or_upstream_calls(agent_client, acme, sim):
    agent_client.get("/sites/")  # as after logging in: the browser holds a CSRF cookie
    first = agent_client.get(f"/?site={acme.slug}")
    sim.acme.site.clear_log()
    second = agent_client.get(f"/?site={acme.slug}")
    assert second.get("X-Page-Cache") == "hit"
    assert second.content == first.content
    assert sim.acme.site.count() == 0


def test_a_write_by_another_user_makes_the_page_fresh_again(agent_client, acme, other_user, sim):
    agent_client.get(f"/?site={acme.slug}")
    theirs = connect(other_user, sim.acme, username="tom")
    ticket_id = next(t["id"] for t in sim.acme.site.tickets.values() if t["status"] == "active")
    ticket_close(client_for(theirs), ticket_id=ticket_id)
    response = agent_client.get(f"/?site={acme.slug}")
    assert response.get("X-Page-Cache") is None
    assert f'data-key-id="{acme.pk}:{ticket_id}"' not in response.content.decode()


def test_a_page_with_a_failing_site_is_not_kept(agent_client, acme, academy, sim):
    sim.academy.site.add_fault("status_500")
    agent_client.get("/")
    sim.academy.site.clear_faults()
    response = agent_client.get("/")
    assert response.get("X-Page-Cache") is None
    assert "server error" not in response.content.decode()


def test_another_user_never_gets_my_rendered_page(agent_client, acme, other_user, sim, password):
    mine = agent_client.get("/").content.decode()
    theirs_site = connect(other_user, sim.acme, username="maria")
    client = Client()
    client.force_login(other_user)
    response = client.get("/")
    assert response.get("X-Page-Cache") is None
    assert response.content.decode() != mine
    assert theirs_site.slug == acme.slug  # the same team site, seen by another person
    assert "Signed in as <strong>other</strong>" in response.content.decode()


def test_refresh_bypasses_the_page_cache(agent_client, acme, sim):
    agent_client.get(f"/?site={acme.slug}")
    sim.acme.site.clear_log()
    response = agent_client.get(f"/?site={acme.slug}&refresh=1")
    assert response.get("X-Page-Cache") is None
    assert sim.acme.site.count(method="GET") >= 1


def test_a_kept_thread_page_gives_every_response_its_own_one_time_token(agent_client, acme, sim):
    import re

    ticket_id = next(t["id"] for t in sim.acme.site.tickets.values() if t["status"] == "active")
    url = f"/sites/{acme.slug}/tickets/{ticket_id}/"
    agent_client.get("/sites/")
    agent_client.get(url)
    first, second = agent_client.get(url), agent_client.get(url)
    assert second.get("X-Page-Cache") == "hit"

    def token(response):
        return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)

    assert token(first) != token(second)
    assert "__one_time_token_" not in second.content.decode()


def test_a_one_site_page_is_kept_through_another_sites_write_but_not_its_own(
    agent_client, acme, academy, sim
):
    from dashboard.fluent.cache import bump_generation

    ticket_id = next(t["id"] for t in sim.acme.site.tickets.values() if t["status"] == "active")
    thread = f"/sites/{acme.slug}/tickets/{ticket_id}/"
    inbox = f"/?site={acme.pk}"
    agent_client.get("/sites/")  # as after logging in: the browser holds a CSRF cookie
    for page in (thread, inbox):
        agent_client.get(page)
    # A write on another site changes nothing these pages show.
    bump_generation(academy.credential().site_key, "tickets", "reference")
    for page in (thread, inbox):
        assert agent_client.get(page).get("X-Page-Cache") == "hit", page
    # A write on their own site does.
    bump_generation(acme.credential().site_key, "tickets")
    for page in (thread, inbox):
        assert agent_client.get(page).get("X-Page-Cache") is None, page
