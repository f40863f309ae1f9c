"""Shared fixtures: users, logged-in clients and the simulated WordPress sites."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytest_plugins = ["tests.e2e.browser", "dashboard.simulator.pytest_plugin"]


@pytest.fixture
def password() -> str:
    return "correct horse battery staple"


def with_role(user, role):
    from dashboard.accounts.roles import set_role

    set_role(user, role)
    return user


@pytest.fixture
def user(db, password):
    """The person most tests act as: a Team lead, who opens every page but the Team page (as
    every user could before roles existed), and who may add the team's sites, an Admin's right
    (as every user connected sites of their own before sites were the team's)."""
    from django.contrib.auth.models import Permission

    from dashboard.accounts.roles import TEAM_LEAD

    person = get_user_model().objects.create_user(
        "agent", email="agent@example.test", password=password, first_name="Jordan", last_name="Doe"
    )
    person.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="manage_sites")
    )
    return with_role(person, TEAM_LEAD)


@pytest.fixture
def other_user(db, password):
    from dashboard.accounts.roles import TEAM_LEAD

    person = get_user_model().objects.create_user(
        "other", email="other@example.test", password=password
    )
    return with_role(person, TEAM_LEAD)


@pytest.fixture
def agent_user(db, password):
    """A user with the Agent role only, as every new user starts."""
    return get_user_model().objects.create_user(
        "sam", email="sam@example.test", password=password, first_name="Sam", last_name="Kim"
    )


@pytest.fixture
def team_admin(db, password):
    """A user with the Admin role (by group, not a superuser)."""
    from dashboard.accounts.roles import ADMIN

    person = get_user_model().objects.create_user(
        "dana", email="dana@example.test", password=password, first_name="Dana", last_name="Ray"
    )
    return with_role(person, ADMIN)


@pytest.fixture
def agent_client(client, user):
    client.force_login(user)
    return client


def pytest_collection_modifyitems(items):
    # Journeys in tests/e2e/ carry the e2e marker, so CI's second pass can leave them out.
    for item in items:
        if "/tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


def reply_form(title: str, body: str, *, shared: bool = False) -> dict[str, str]:
    """A saved reply's form as a browser posts it: the "share with the team" checkbox is sent
    only when it is ticked."""
    form = {"title": title, "body": body}
    if shared:
        form.update(shared="on")
    return form


def connect(owner, sim_site, *, label: str | None = None, username: str = "admin", password=None):
    """Connect a simulated site for ``owner`` through the same code path a person's takes."""
    from dashboard.sites.services import site_connect

    user = sim_site.site.users[username]
    site, _info = site_connect(
        owner=owner,
        label=label or sim_site.site.name,
        base_url=sim_site.base_url,
        username=username,
        app_password=password or user.app_password,
    )
    return site


@pytest.fixture
def acme(user, sim):
    return connect(user, sim.acme)


@pytest.fixture
def academy(user, sim):
    return connect(user, sim.academy)


@pytest.fixture
def beta(user, sim):
    return connect(user, sim.beta)


# One person on two sites: Priya is agent 4 on Acme Store and agent 3 on Acme Academy.
PRIYA = "priya.agent@acme-store.test"


@pytest.fixture
def priya(sim):
    """Priya is agent 4 on Acme Store ("Priya Nair") and agent 3 on Acme Academy, where her
    profile says "Priya N." and her email is written in capitals: one person, two ids and two
    names. (The Academy's own agent 4 becomes someone else.)"""
    sim.academy.site.edit_agent(3, email=PRIYA.upper(), first_name="Priya", last_name="N.")
    sim.academy.site.edit_agent(
        4, email="nadia@acme-academy.test", first_name="Nadia", last_name="Park"
    )
    return {"acme": 4, "academy": 3}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Django's cache holds login throttles and cache generations: start each test clean."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def stays_after_send(user):
    """The agent chose to stay on a ticket after sending or closing it (the default moves on
    to the next ticket): for tests of what the thread page shows after a write."""
    from dashboard.tickets.loop import AfterSend, set_after_send

    set_after_send(user, AfterSend.STAY)
