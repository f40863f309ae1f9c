"""No 500 for garbage: a write whose answer is a web page may have been applied and says so;
malformed input on the inbox and snooze routes is a 4xx with a message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.tickets.test_thread import open_composer, ticket_where, url
from tests.tickets.test_thread_compose import post, posted

HTMX = {"HTTP_HX_REQUEST": "true"}
MAYBE = "may have been applied"


def writes_answer_with_a_web_page(sim_site) -> None:
    for method in ("POST", "PUT", "DELETE"):
        sim_site.site.add_fault("html_200", method=method)


def test_a_note_answered_with_a_web_page_says_it_may_have_been_sent(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    writes_answer_with_a_web_page(sim.acme)
    response = post(agent_client, acme, ticket_id, fields, text="Checked the logs.", action="note")
    assert response.status_code < 500
    # The site has the note: the thread is read again and finds it, nothing is posted twice.
    assert len(posted(sim.acme, ticket_id, "Checked the logs.")) == 1
    assert "has the message" in response.content.decode()


def test_a_reply_answered_with_a_web_page_is_never_offered_as_unsent(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    writes_answer_with_a_web_page(sim.acme)
    response = post(agent_client, acme, ticket_id, fields, text="All fixed now.")
    assert response.status_code < 500
    assert len(posted(sim.acme, ticket_id, "All fixed now.")) == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("close", {}),
        ("tag_add", {"tag": "1"}),
        ("property", {"name": "priority", "value": "critical"}),
    ],
)
def test_a_thread_action_answered_with_a_web_page_may_have_been_applied(
    agent_client, acme, sim, name, data
):
    ticket_id = ticket_where(sim.acme)
    writes_answer_with_a_web_page(sim.acme)
    for headers in (HTMX, {}):
        response = agent_client.post(url(name, acme, ticket_id), data, follow=True, **headers)
        assert response.status_code < 500
        assert MAYBE in response.content.decode()


def test_a_bulk_close_answered_with_a_web_page_may_have_been_applied(agent_client, acme, sim):
    ids = sorted(t["id"] for t in sim.acme.site.tickets.values() if t["status"] != "closed")[:2]
    writes_answer_with_a_web_page(sim.acme)
    response = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "close", "t": [f"{acme.pk}:{i}" for i in ids], "next": f"/?site={acme.slug}"},
        follow=True,
    )
    assert response.status_code < 500
    assert MAYBE in response.content.decode()


def test_changes_since_a_time_without_a_zone_is_a_400_with_a_message(agent_client, acme):
    response = agent_client.get(reverse("tickets:changes"), {"since": "2020-01-01T00:00:00"})
    assert response.status_code == 400
    assert b"since" in response.content


def test_snoozing_an_impossible_ticket_id_on_a_down_site_is_a_4xx(agent_client, acme, sim):
    sim.acme.site.add_fault("reset")
    response = agent_client.post(
        reverse("workflow:snooze", args=[acme.slug, "99999999999999999999"]),
        {"when": "tomorrow"},
    )
    assert 400 <= response.status_code < 500
