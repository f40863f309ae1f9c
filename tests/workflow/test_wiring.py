"""The workflow pieces where agents meet them: inbox rows, the thread, the sidebar."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.fluent.tickets import ticket_get
from dashboard.sites.services import client_for
from dashboard.workflow import services


def row_keys(html: str) -> list[str]:
    return re.findall(r'data-key-id="(\d+:\d+)"', html)


def waiting_ticket(sim_site) -> dict:
    return next(
        t
        for t in sorted(sim_site.site.tickets.values(), key=lambda t: -t["id"])
        if t["status"] != "closed"
        and t["last_customer_response"]
        and (not t["last_agent_response"] or t["last_customer_response"] > t["last_agent_response"])
    )


def snooze(user, site, ticket_id, hours=3):
    ticket = ticket_get(client_for(site), ticket_id=ticket_id).ticket
    services.snooze_ticket(
        user=user,
        site=site,
        ticket_id=ticket_id,
        until=timezone.now() + timedelta(hours=hours),
        wake_on_reply=True,
        ticket=ticket,
    )


def test_a_snoozed_ticket_leaves_the_inbox_and_comes_back_when_the_customer_writes(
    agent_client, user, acme, sim
):
    ticket = waiting_ticket(sim.acme)
    key = f"{acme.pk}:{ticket['id']}"
    assert key in row_keys(agent_client.get(f"/?site={acme.slug}").content.decode())
    snooze(user, acme, ticket["id"])
    html = agent_client.get(f"/?site={acme.slug}").content.decode()
    assert key not in row_keys(html)
    assert "Snoozed" in html
    sim.acme.site.add_customer_reply(ticket["id"], "<p>Hello again?</p>")
    html = agent_client.get(f"/?site={acme.slug}&refresh=1").content.decode()
    assert key in row_keys(html)
    assert services.active_snoozes(user) == set()


def test_sla_badges_show_on_inbox_rows_and_overdue_first_sorts_by_due_time(
    agent_client, user, acme, academy, sim
):
    for site in (acme, academy):
        services.sla_save(site=site, user=user, mailbox_id=None, first=4, following=2)
    html = agent_client.get("/?sort=overdue").content.decode()
    assert "sla-badge" in html and "overdue" in html
    assert 'value="overdue" selected' in html
    keys = row_keys(html)
    assert keys
    by_site = {acme.pk: sim.acme.site, academy.pk: sim.academy.site}
    policies = services.policies_for_sites([acme, academy])
    now = timezone.now()
    sites = {acme.pk: acme, academy.pk: academy}
    due = []
    for key in keys:
        site_id, ticket_id = map(int, key.split(":"))
        ticket = ticket_get(client_for(sites[site_id]), ticket_id=ticket_id).ticket
        state = services.sla_for(sites[site_id], ticket, policies, now)
        assert by_site[site_id].tickets[ticket_id]["status"] != "closed"
        due.append(state.due_at if state else None)
    known = [d for d in due if d is not None]
    assert known == sorted(known)


@pytest.mark.usefixtures("stays_after_send")
def test_saving_sla_targets_refreshes_pages_already_rendered(agent_client, user, acme):
    agent_client.get("/sites/")
    agent_client.get(f"/?site={acme.slug}")
    assert agent_client.get(f"/?site={acme.slug}").get("X-Page-Cache") == "hit"
    services.sla_save(site=acme, user=user, mailbox_id=None, first=1, following=1)
    response = agent_client.get(f"/?site={acme.slug}")
    assert response.get("X-Page-Cache") is None
    assert "sla-badge" in response.content.decode()


def test_the_thread_offers_snooze_saved_replies_and_shows_its_sla(agent_client, user, acme, sim):
    services.sla_save(site=acme, user=user, mailbox_id=None, first=1, following=1)
    ticket = waiting_ticket(sim.acme)
    html = agent_client.get(f"/sites/{acme.slug}/tickets/{ticket['id']}/").content.decode()
    assert "data-saved-replies" in html
    assert "sr-picker" in html
    assert "/workflow/snooze/" in html
    assert "sla-badge" in html
