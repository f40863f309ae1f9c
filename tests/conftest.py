"""Shared fixtures: users, logged-in clients and the simulated WordPress sites."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytest_plugins = ["tests.e2e.browser", "dashboard.simulator.pytest_plugin"]


@pytest.fixture
def password() -> str:
    return "correct horse battery staple"


@pytest.fixture
def user(db, password):
    return get_user_model().objects.create_user(
        "agent", email="agent@example.test", password=password, first_name="Jordan", last_name="Doe"
    )


@pytest.fixture
def other_user(db, password):
    return get_user_model().objects.create_user(
        "other", email="other@example.test", password=password
    )


@pytest.fixture
def agent_client(client, user):
    client.force_login(user)
    return client


def pytest_collection_modifyitems(items):
    # Journeys in tests/e2e/ carry the e2e marker, so CI's second pass can leave them out.
    for item in items:
        if "/tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


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
