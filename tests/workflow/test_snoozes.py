"""Snoozing from the thread page, the Snoozed page, and waking by time and by customer reply."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dashboard.fluent.tickets import ticket_get
from dashboard.sites.services import client_for
from dashboard.workflow import services
from dashboard.workflow.models import Snooze
from dashboard.workflow.ui import snooze_context
from tests.conftest import connect

SNOOZED = "/workflow/snoozed/"


def snooze_url(site, ticket_id: int) -> str:
    return reverse("workflow:snooze", args=[site.slug, ticket_id])


def open_ticket(sim_site) -> dict:
    return next(t for t in sim_site.site.tickets.values() if t["status"] == "active")


def test_tomorrow_morning_is_nine_in_the_browsers_zone(agent_client, acme, sim):
    agent_client.cookies["tz"] = "Asia/Tokyo"
    ticket = open_ticket(sim.acme)
    thread = reverse("tickets:thread", args=[acme.slug, ticket["id"]])
    response = agent_client.post(
        snooze_url(acme, ticket["id"]), {"when": "tomorrow", "wake_on_reply": "1", "next": thread}
    )
    assert response.status_code == 302 and response["Location"] == thread
    snooze = Snooze.objects.get()
    local = snooze.until.astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.hour, local.minute) == (9, 0)
    assert timedelta(0) < snooze.until - timezone.now() <= timedelta(hours=24)
    assert snooze.wake_on_reply
    assert snooze.ticket_title == ticket["title"]
    assert snooze.customer_last_reply_at == ticket["last_customer_response"]


def test_a_custom_time_is_read_in_the_users_zone_and_must_lie_ahead(agent_client, acme, sim):
    agent_client.cookies["tz"] = "America/New_York"
    ticket_id = open_ticket(sim.acme)["id"]
    ahead = (timezone.now() + timedelta(days=3)).astimezone(ZoneInfo("America/New_York"))
    agent_client.post(
        snooze_url(acme, ticket_id), {"when": "custom", "custom": ahead.strftime("%Y-%m-%dT%H:%M")}
    )
    snooze = Snooze.objects.get()
    assert snooze.until == ahead.replace(second=0, microsecond=0)
    assert not snooze.wake_on_reply
    past = agent_client.post(
        snooze_url(acme, ticket_id),
        {"when": "custom", "custom": "2020-01-01T09:00"},
        HTTP_HX_REQUEST="true",
    )
    assert past.status_code == 422
    assert "Choose a time in the future." in past.content.decode()
    assert Snooze.objects.get().until == snooze.until


def test_snoozing_with_htmx_answers_with_the_snoozed_state(agent_client, acme, sim):
    ticket_id = open_ticket(sim.acme)["id"]
    response = agent_client.post(
        snooze_url(acme, ticket_id), {"when": "reply"}, HTTP_HX_REQUEST="true"
    )
    box = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger"] == "ticketSnoozed"
    assert "until the customer replies" in box and "Wake now" in box
    assert services.active_snoozes(acme.owner) == {(acme.pk, ticket_id)}


def test_a_ticket_the_site_does_not_have_is_not_snoozed(agent_client, acme):
    response = agent_client.post(
        snooze_url(acme, 999_999), {"when": "tomorrow"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    assert not Snooze.objects.exists()


def test_snoozes_are_per_user_and_only_on_own_sites(agent_client, acme, other_user, sim):
    theirs = connect(other_user, sim.acme)
    ticket_id = open_ticket(sim.acme)["id"]
    # The same team site, but the other user's connection, by its number: not this user's.
    theirs_by_number = snooze_url(theirs, ticket_id).replace(theirs.slug, str(theirs.pk))
    assert agent_client.post(theirs_by_number, {"when": "reply"}).status_code == 404
    agent_client.post(snooze_url(acme, ticket_id), {"when": "reply"})
    assert services.active_snoozes(other_user) == set()
    assert services.snoozed_count(acme.owner) == 1


def test_the_snoozed_page_lists_titles_and_wake_up_times(agent_client, acme, sim):
    agent_client.cookies["tz"] = "Europe/Berlin"
    ticket = open_ticket(sim.acme)
    agent_client.post(snooze_url(acme, ticket["id"]), {"when": "next_week", "wake_on_reply": "1"})
    page = agent_client.get(SNOOZED).content.decode()
    assert ticket["title"] in page
    assert f'data-key-id="{acme.pk}:{ticket["id"]}"' in page
    assert "Mon " in page and "09:00" in page
    assert "or on the customer's reply" in page


def test_a_customer_reply_wakes_the_ticket(agent_client, acme, sim):
    ticket_id = open_ticket(sim.acme)["id"]
    agent_client.post(snooze_url(acme, ticket_id), {"when": "next_week", "wake_on_reply": "1"})
    page = agent_client.get(SNOOZED).content.decode()
    assert f'data-key-id="{acme.pk}:{ticket_id}"' in page
    sim.acme.site.add_customer_reply(ticket_id, "<p>Any news?</p>")
    page = agent_client.get(SNOOZED, {"refresh": "1"}).content.decode()
    assert f'data-key-id="{acme.pk}:{ticket_id}"' not in page
    assert "woke up: the customer replied" in page
    assert not Snooze.objects.exists()


def test_a_reply_only_wakes_tickets_snoozed_to_wake_on_reply(agent_client, acme, sim):
    ticket_id = open_ticket(sim.acme)["id"]
    agent_client.post(snooze_url(acme, ticket_id), {"when": "next_week"})
    sim.acme.site.add_customer_reply(ticket_id, "<p>Hello?</p>")
    fresh = ticket_get(client_for(acme), ticket_id=ticket_id, refresh=True).ticket
    assert services.wake_due(acme.owner, {(acme.pk, ticket_id): fresh}) == []
    assert Snooze.objects.exists()


def test_the_inbox_wakes_what_it_loaded_and_everything_whose_time_came(acme, sim, user):
    replied, waiting, due = (t["id"] for t in list(sim.acme.site.tickets.values())[-3:])
    read = {tid: ticket_get(client_for(acme), ticket_id=tid).ticket for tid in (replied, waiting)}
    later = timezone.now() + timedelta(days=1)
    for tid in (replied, waiting):
        services.snooze_ticket(
            user=user, site=acme, ticket_id=tid, until=later, wake_on_reply=True, ticket=read[tid]
        )
    services.snooze_ticket(
        user=user, site=acme, ticket_id=due, until=later, wake_on_reply=False, ticket=None
    )
    Snooze.objects.filter(ticket_id=due).update(until=timezone.now() - timedelta(minutes=1))
    sim.acme.site.add_customer_reply(replied, "<p>Following up</p>")
    loaded = {
        (acme.pk, tid): ticket_get(client_for(acme), ticket_id=tid, refresh=True).ticket
        for tid in (replied, waiting)
    }
    woken = services.wake_due(user, loaded)
    assert {(w.snooze.ticket_id, w.reason) for w in woken} == {(replied, "reply"), (due, "time")}
    assert services.active_snoozes(user) == {(acme.pk, waiting)}


def test_wake_now_brings_the_ticket_back(agent_client, acme, sim):
    ticket_id = open_ticket(sim.acme)["id"]
    agent_client.post(snooze_url(acme, ticket_id), {"when": "tomorrow"})
    response = agent_client.post(
        reverse("workflow:wake", args=[acme.slug, ticket_id]), {"next": SNOOZED}
    )
    assert response.status_code == 302 and response["Location"] == SNOOZED
    assert not Snooze.objects.exists()
    assert "is back in your inbox" in agent_client.get(SNOOZED).content.decode()


def test_an_unsafe_next_address_is_ignored(agent_client, acme, sim):
    ticket_id = open_ticket(sim.acme)["id"]
    response = agent_client.post(
        snooze_url(acme, ticket_id), {"when": "tomorrow", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("tickets:inbox")


@pytest.mark.parametrize("tz", ["Europe/Berlin", "America/New_York"])
def test_the_snooze_menu_shows_the_times_it_means(acme, user, tz):
    request = RequestFactory().get("/")
    request.user = user
    timezone.activate(ZoneInfo(tz))
    try:
        html = (
            engines["django"]
            .from_string("{% load workflow %}{% snooze_form snooze %}")
            .render({"snooze": snooze_context(request, acme, 5)}, request)
        )
    finally:
        timezone.deactivate()
    assert 'value="tomorrow"' in html and 'value="next_week"' in html
    assert "Mon 09:00" in html
