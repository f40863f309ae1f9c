"""Application Passwords and login passwords stay out of logs at every level and out of error
pages, even with DEBUG on."""

from __future__ import annotations

import io
import logging
import logging.config
import runpy

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse

from dashboard.sites.models import Site

# 24 characters and no spaces: the shape WordPress shows before it groups them in fours.
PASSWORD = "Zq7Xw9Lm2Pk4Rt6Vb8Nc3Hd5"
LOGIN_PASSWORD = "my very own login secret 31"


@pytest.fixture
def debug_log(monkeypatch):
    """The project's logging configuration as LOG_LEVEL=DEBUG makes it, written to a buffer."""
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    config = runpy.run_path(str(settings.BASE_DIR / "dashboard" / "settings.py"))["LOGGING"]
    logging.config.dictConfig(config)
    buffer = io.StringIO()
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(buffer)
    # Every library at DEBUG too, as a person chasing a problem would set it.
    for name in ("urllib3", "requests", "django.db.backends"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield buffer
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.parametrize("debug", [False, True])
def test_no_password_is_logged_at_debug_while_connecting_and_browsing(
    client, user, sim, debug_log, settings, debug
):
    settings.DEBUG = debug
    user.set_password(LOGIN_PASSWORD)
    user.save()
    sim.acme.site.set_app_password("admin", PASSWORD)
    client.post(reverse("login"), {"username": user.username, "password": "wrong " + PASSWORD})
    client.post(reverse("login"), {"username": user.username, "password": LOGIN_PASSWORD})
    connect = reverse("sites:connect")
    # A refused password re-renders the form with what was posted, then the right one connects.
    refused = {"base_url": sim.acme.base_url, "username": "admin", "app_password": PASSWORD[::-1]}
    assert client.post(connect, refused).status_code == 422
    good = {"base_url": sim.acme.base_url, "username": "admin", "app_password": PASSWORD}
    assert client.post(connect, good).status_code == 302
    site = Site.objects.get(owner=user)
    for url in ("/", reverse("sites:list"), reverse("sites:edit", args=[site.slug])):
        assert client.get(url).status_code == 200
    client.post(reverse("sites:verify", args=[site.slug]))
    logged = debug_log.getvalue()
    assert "GET " in logged or "HTTP" in logged, "the capture saw no log lines at all"
    for secret in (PASSWORD, PASSWORD[::-1], LOGIN_PASSWORD):
        assert secret not in logged


def test_templates_do_not_log_whole_contexts_at_debug(agent_client, acme, debug_log):
    agent_client.get("/")
    agent_client.get(reverse("sites:connect"))
    logged = debug_log.getvalue()
    assert "csrf_token" not in logged
    assert "Failed lookup for key" not in logged


@pytest.fixture
def crashing_upstream(monkeypatch):
    """Any call leaving for a site fails in a way nobody planned for."""

    def explode(self, request, **kwargs):
        raise RuntimeError("something nobody planned for")

    monkeypatch.setattr(requests.Session, "send", explode)


@pytest.mark.parametrize("editing", [False, True])
def test_the_debug_error_page_hides_the_application_password(
    user, acme, sim, settings, crashing_upstream, editing
):
    settings.DEBUG = True
    client = Client(raise_request_exception=False)
    client.force_login(user)
    url = reverse("sites:edit", args=[acme.slug]) if editing else reverse("sites:connect")
    response = client.post(
        url, {"base_url": sim.academy.base_url, "username": "admin", "app_password": PASSWORD}
    )
    assert response.status_code == 500
    page = response.content.decode()
    assert "something nobody planned for" in page, "not Django's technical error page"
    assert PASSWORD not in page
    assert acme.app_password not in page
