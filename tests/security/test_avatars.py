"""Avatars: initials by default, so no customer's email hash leaves the dashboard; Gravatar
pictures only when AVATARS=gravatar, and the Content-Security-Policy allows exactly that."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from tests.customers.helpers import OLIVIA, customer_by_email
from tests.security.test_headers import csp_directives


@pytest.fixture
def thread_url(acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    ticket_id = sim.acme.site.store.tickets_by_customer[olivia["id"]][0]
    return reverse("tickets:thread", args=[acme.slug, ticket_id])


def olivia_hash() -> str:
    return hashlib.md5(OLIVIA.strip().lower().encode()).hexdigest()  # noqa: S324 (Gravatar's)


def test_initials_are_the_default_and_no_picture_leaves(agent_client, thread_url, settings):
    from django.conf import settings as loaded

    assert loaded.AVATARS == "initials"
    response = agent_client.get(thread_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert olivia_hash() not in html
    assert "gravatar.com" not in html and "ui-avatars.com" not in html
    img_src = csp_directives(response["Content-Security-Policy"])["img-src"]
    assert "https:" not in img_src and not any("gravatar" in source for source in img_src)


def test_gravatar_pictures_show_when_chosen(agent_client, thread_url, settings):
    settings.AVATARS = "gravatar"
    response = agent_client.get(thread_url)
    html = response.content.decode()
    assert f"https://www.gravatar.com/avatar/{olivia_hash()}?s=64&amp;d=blank" in html
    # The fallback the site asked for (another host) is not passed on.
    assert "ui-avatars.com" not in html


def test_the_policy_admits_gravatar_only_when_chosen(tmp_path):
    # The policy is built once from the environment at start, as a deployment sets it.
    from tests.core.test_settings import manage

    show = "from django.conf import settings; print(' '.join(settings.SECURE_CSP['img-src']))"
    chosen = manage(
        "shell", "-c", show, env={"DEBUG": "true", "AVATARS": "gravatar"}, tmp_path=tmp_path
    )
    default = manage("shell", "-c", show, env={"DEBUG": "true"}, tmp_path=tmp_path)
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.splitlines()[-1].split() == ["'self'", "data:", "https://www.gravatar.com"]
    assert default.stdout.splitlines()[-1].split() == ["'self'", "data:"]


def test_an_unknown_avatars_value_is_refused_at_start(tmp_path):
    from tests.core.test_settings import manage

    result = manage("check", env={"DEBUG": "true", "AVATARS": "robohash"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "AVATARS must be initials or gravatar" in result.stderr
