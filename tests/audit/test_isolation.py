"""A team lead sees the trail of the WordPress sites they connected themselves, and of the
people who share one with them: never a row of a site they have not connected, on the page, in
its fragment, in the CSV, through a filter, or from a page cached for someone else."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from dashboard.audit.models import AuditEntry
from tests.audit.helpers import grant_audit
from tests.conftest import connect
from tests.tickets.test_thread import HTMX, ticket_where, url


def close(client, site, sim_site) -> int:
    ticket_id = ticket_where(sim_site, statuses=("active", "new"))
    client.post(url("close", site, ticket_id), **HTMX)
    return ticket_id


@pytest.fixture
def trail(agent_client, user, other_user, lead, acme, sim):
    """The agent writes on Acme, the other user on Academy only; the lead connected Acme."""
    other = Client()
    other.force_login(other_user)
    academy = connect(other_user, sim.academy)
    mine = close(agent_client, acme, sim.acme)
    theirs = close(other, academy, sim.academy)
    agent_client.post(reverse("tickets:preferences"), {"after_send": "stay"})
    other.post(reverse("tickets:preferences"), {"after_send": "next"})
    lead_site = connect(lead, sim.acme)
    return {"mine": mine, "theirs": theirs, "lead_site": lead_site, "other": other}


def rows_of(html: str) -> int:
    return html.count('class="audit-row"')


def entry_ids(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-entry="(\d+)"', html)}


def test_a_lead_sees_only_rows_of_sites_they_connected(lead_client, trail, sim):
    assert AuditEntry.objects.count() == 4
    html = lead_client.get(reverse("audit:entries")).content.decode()
    assert rows_of(html) == 2  # the close on Acme and the agent's own settings
    assert "Acme Store" in html and "Acme Academy" not in html
    assert ">other<" not in html  # not even as a person to filter by
    # The ticket links to its thread through the lead's own connection of the site.
    assert reverse("tickets:thread", args=[trail["lead_site"], trail["mine"]]) in html
    fragment = lead_client.get(reverse("audit:entries"), **HTMX).content.decode()
    assert rows_of(fragment) == 2 and "Acme Academy" not in fragment


def test_the_csv_holds_the_same_rows(lead_client, trail, sim):
    response = lead_client.get(reverse("audit:export"))
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert len(lines) == 3  # the header and two rows
    assert all(sim.academy.base_url not in line and ",other," not in line for line in lines)


def test_filters_cannot_reach_another_sites_rows(lead_client, trail, sim):
    visible = set(AuditEntry.objects.filter(username="agent").values_list("pk", flat=True))
    for params in (
        {"site": sim.academy.base_url},
        {"person": "other"},
        {"person": "other", "site": "-"},
        {"action": "preferences"},
    ):
        html = lead_client.get(reverse("audit:entries"), params).content.decode()
        assert entry_ids(html) <= visible and "Acme Academy" not in html
    # A site that is not the lead's is said to be ignored, not searched.
    response = lead_client.get(reverse("audit:entries"), {"site": sim.academy.base_url})
    assert response.status_code == 400


def test_a_lead_of_the_other_site_sees_the_other_side(lead_client, trail, sim, password):
    from django.contrib.auth import get_user_model

    academy_lead = get_user_model().objects.create_user("lead2", password=password)
    grant_audit(academy_lead)
    connect(academy_lead, sim.academy)
    client = Client()
    client.force_login(academy_lead)
    # The Acme lead asked first, for the same pages and fragment: nothing of theirs is kept.
    for headers in ({}, HTMX):
        lead_html = lead_client.get(reverse("audit:entries"), **headers).content.decode()
        assert "Acme Store" in lead_html
        html = client.get(reverse("audit:entries"), **headers).content.decode()
        assert rows_of(html) == 2 and "Acme Academy" in html
        assert ">agent<" not in html and "Acme Store" not in html


def test_pages_are_not_kept_for_anyone(lead_client, trail):
    response = lead_client.get(reverse("audit:entries"))
    assert "no-store" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]


def test_an_agent_has_no_trail_and_no_link(lead_client, trail, password):
    from django.contrib.auth import get_user_model

    from dashboard.accounts.roles import AGENT, set_role

    agent = get_user_model().objects.create_user("plain", password=password)
    set_role(agent, AGENT)
    client = Client()
    client.force_login(agent)
    refused = client.get(reverse("audit:entries"))
    assert refused.status_code == 403
    assert "Acme Store" not in refused.content.decode()
    assert "a Team lead or an Admin" in refused.content.decode()  # whom to ask
    assert client.get(reverse("audit:export")).status_code == 403
    audit_link = f'href="{reverse("audit:entries")}"'
    assert audit_link not in client.get(reverse("sites:list")).content.decode()
    assert audit_link in lead_client.get(reverse("sites:list")).content.decode()


def test_a_superuser_reads_it_for_their_own_sites_only(trail, sim, password):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password=password)
    client = Client()
    client.force_login(admin)
    html = client.get(reverse("audit:entries")).content.decode()
    assert rows_of(html) == 0  # no site connected: nothing of anyone's sites
    connect(admin, sim.academy)
    assert "Acme Academy" in client.get(reverse("audit:entries")).content.decode()
