"""Signed-in pages stay out of shared and disk caches, timing figures stay with staff, and a
session left alone ends after the idle timeout."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import reverse

from dashboard.accounts.middleware import LAST_SEEN


def test_signed_in_pages_are_private_and_not_stored(agent_client, acme):
    for url in ("/", reverse("sites:list"), reverse("sites:connect")):
        response = agent_client.get(url)
        assert response.status_code == 200
        policy = response["Cache-Control"]
        assert "private" in policy and "no-store" in policy, (url, policy)


def test_static_files_keep_their_caching(agent_client, client):
    for who in (agent_client, client):
        response = who.get("/static/css/app.css")
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")


def test_an_anonymous_answer_gets_no_private_policy_from_us(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "no-store" not in response.get("Cache-Control", "")


def test_server_timing_is_not_sent_to_ordinary_users(agent_client, client, acme):
    assert "Server-Timing" not in agent_client.get("/")
    assert "Server-Timing" not in client.get(reverse("login"))


def test_server_timing_is_sent_to_staff(agent_client, user, acme):
    from dashboard.benchmark.http import ServerTiming

    user.is_staff = True
    user.save()
    timing = ServerTiming.parse(agent_client.get("/")["Server-Timing"])
    assert timing.upstream_calls
    # The wait for the site (the page's calls went out together) is part of the app's time.
    assert timing.wait_ms is not None and 0 < timing.wait_ms <= timing.app_ms


def test_server_timing_is_sent_with_debug_on(client, settings):
    settings.DEBUG = True
    assert "upstream-calls" in client.get(reverse("login"))["Server-Timing"]


def seen(client, seconds_ago: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds_ago
    session.save()


@pytest.fixture
def idle_after_ten_minutes(settings):
    settings.SESSION_IDLE_TIMEOUT = 600


def test_a_session_left_idle_past_the_timeout_is_logged_out(agent_client, idle_after_ten_minutes):
    assert agent_client.get(reverse("sites:list")).status_code == 200
    seen(agent_client, 601)
    response = agent_client.get(reverse("sites:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in agent_client.session
    page = agent_client.get(response["Location"]).content.decode()
    assert "logged out after a while without activity" in page


def test_activity_slides_the_idle_timeout(agent_client, idle_after_ten_minutes):
    agent_client.get(reverse("sites:list"))
    seen(agent_client, 500)
    assert agent_client.get(reverse("sites:list")).status_code == 200
    # 500 s ago was refreshed just now: another 500 s later the session is still alive.
    assert time.time() - agent_client.session[LAST_SEEN] < 5
    assert agent_client.get(reverse("sites:list")).status_code == 200


def test_timed_refreshes_do_not_keep_an_idle_session_alive(agent_client, idle_after_ten_minutes):
    agent_client.get(reverse("sites:list"))
    seen(agent_client, 500)
    agent_client.get(reverse("tickets:changes"), HTTP_HX_REQUEST="true")
    assert time.time() - agent_client.session[LAST_SEEN] >= 500


def test_the_idle_timeout_can_be_turned_off(agent_client, settings):
    settings.SESSION_IDLE_TIMEOUT = 0
    agent_client.get(reverse("sites:list"))
    seen(agent_client, 10 * 24 * 3600)
    assert agent_client.get(reverse("sites:list")).status_code == 200


def test_the_default_idle_timeout_is_thirty_minutes():
    from django.conf import settings

    assert settings.SESSION_IDLE_TIMEOUT == 1800


def test_a_fresh_login_is_not_timed_out_by_an_old_session(user, password, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    client = Client()
    seen(client, 10_000)  # an anonymous session carrying an old mark
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("sites:list")).status_code == 200


def test_an_htmx_request_after_the_timeout_takes_the_whole_page_to_login(
    agent_client, idle_after_ten_minutes
):
    agent_client.get(reverse("sites:list"))
    seen(agent_client, 601)
    response = agent_client.get(reverse("tickets:counts"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))
    assert b"<form" not in response.content
