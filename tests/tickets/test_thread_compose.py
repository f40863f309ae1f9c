"""The composer: a reply is never lost and never sent twice, asserted on the simulated site."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.simulator.store import add_response
from dashboard.tickets.models import Submission
from tests.tickets.test_thread import (
    HTMX,
    open_composer,
    rows_of,
    textarea,
    ticket_where,
    url,
)

RESPONSES = "/fluent-support/v2/tickets/*/responses"


def post(client, site, ticket_id, fields, *, text, action="reply", htmx=True, **extra):
    data = {"text": text, "action": action, "mode": "note" if action == "note" else "reply"}
    data.update(fields)
    data.update(extra)
    return client.post(url("reply", site, ticket_id), data, **(HTMX if htmx else {}))


def posted(sim_site, ticket_id: int, needle: str) -> list[dict]:
    return [row for row in rows_of(sim_site, ticket_id) if needle in row["content"]]


@pytest.mark.usefixtures("stays_after_send")
def test_reply_is_escaped_linked_posted_and_shown_at_once(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    text = "Hello <b>Zoë</b> & team\n\nSee https://example.com/help for details."
    response = post(agent_client, acme, ticket_id, fields, text=text)
    assert response.status_code == 200
    (row,) = posted(sim.acme, ticket_id, "Zoë")
    assert row["conversation_type"] == "response" and row["person_id"] == 1
    assert "&lt;b&gt;Zoë&lt;/b&gt; &#038; team" in row["content"]
    assert '<a href="https://example.com/help"' in row["content"]
    html = response.content.decode()
    # The new message is in the swapped conversation, the composer is empty and marked sent.
    assert f'id="message-{row["id"]}"' in html
    assert 'id="conversation" hx-swap-oob="true"' in html
    assert "data-sent" in html and textarea(html) == ""
    assert "Reply sent." in html
    event = json.loads(response["HX-Trigger"])
    assert event == {"ticketUpdated": {"site": acme.pk, "ticket": ticket_id}}


def test_note_is_posted_as_an_internal_note(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    response = post(agent_client, acme, ticket_id, fields, text="Checked billing.", action="note")
    (row,) = posted(sim.acme, ticket_id, "Checked billing.")
    assert row["conversation_type"] == "note"
    html = response.content.decode()
    item = html[html.index(f'id="message-{row["id"]}"') :]
    assert "Internal note" in item[: item.index("</li>")]
    assert "Note added." in html


@pytest.mark.usefixtures("stays_after_send")
def test_send_and_close_closes_the_ticket_on_the_site(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, statuses=("active",))
    fields = open_composer(agent_client, acme, ticket_id)
    response = post(agent_client, acme, ticket_id, fields, text="All done.", action="reply_close")
    assert len(posted(sim.acme, ticket_id, "All done.")) == 1
    assert sim.acme.site.tickets[ticket_id]["status"] == "closed"
    assert "pill-closed" in response.content.decode()


def test_empty_reply_is_refused_before_the_site_and_says_why(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.clear_log()
    response = post(agent_client, acme, ticket_id, fields, text="   \n ")
    assert response.status_code == 422
    assert "the message is empty" in response.content.decode()
    assert sim.acme.site.count("POST", RESPONSES) == 0


@pytest.mark.usefixtures("stays_after_send")
def test_replayed_submission_posts_once(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    first = post(agent_client, acme, ticket_id, fields, text="Only once, please.")
    second = post(agent_client, acme, ticket_id, fields, text="Only once, please.")
    assert first.status_code == second.status_code == 200
    assert len(posted(sim.acme, ticket_id, "Only once, please.")) == 1
    assert "already sent; it was not posted again" in second.content.decode()
    # Without JavaScript too (a reload that re-submits the form).
    third = post(agent_client, acme, ticket_id, fields, text="Only once, please.", htmx=False)
    assert third.status_code == 302
    assert len(posted(sim.acme, ticket_id, "Only once, please.")) == 1


def test_a_submission_still_in_flight_is_not_posted_again(agent_client, user, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    # Another worker has claimed this form's token and is sending it right now.
    Submission.objects.create(token=fields["token"], owner=user, site=acme, ticket_id=ticket_id)
    response = post(agent_client, acme, ticket_id, fields, text="Twice?")
    assert response.status_code == 409
    assert "already being sent" in response.content.decode()
    assert "Twice?" in textarea(response.content.decode())
    assert posted(sim.acme, ticket_id, "Twice?") == []


def test_reply_keeps_the_text_when_the_password_was_revoked(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_fault("revoked_401", route=RESPONSES, method="POST")
    response = post(agent_client, acme, ticket_id, fields, text="Keep me safe.")
    html = response.content.decode()
    assert response.status_code == 401
    assert textarea(html) == "Keep me safe."
    assert "Not sent. Acme Store: WordPress refused the stored username" in html
    assert f"Reconnect {acme.label}" in html
    acme.refresh_from_db()
    assert acme.needs_reconnect
    # The refusal was certain, so the same form may be sent once the site accepts it again.
    sim.acme.site.clear_faults()
    assert post(agent_client, acme, ticket_id, fields, text="Keep me safe.").status_code == 200
    assert len(posted(sim.acme, ticket_id, "Keep me safe.")) == 1


def test_reply_keeps_the_text_when_the_site_is_down(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_fault("status_502", route=RESPONSES, method="POST")
    response = post(agent_client, acme, ticket_id, fields, text="Still here?")
    assert response.status_code == 424
    html = response.content.decode()
    assert textarea(html) == "Still here?"
    assert "Not sent. Acme Store: The site answered with a server error (502)." in html


def test_validation_refusal_from_the_site_keeps_the_text(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.tickets.pop(ticket_id)  # Deleted on the site meanwhile.
    response = post(agent_client, acme, ticket_id, fields, text="Hello?")
    assert response.status_code == 404
    assert textarea(response.content.decode()) == "Hello?"
    assert "That ticket does not exist on the site" in response.content.decode()


def test_timeout_says_it_may_have_been_sent_rereads_and_keeps_the_text(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_fault("timeout", route=RESPONSES, method="POST", seconds=3)
    sim.acme.site.clear_log()
    response = post(agent_client, acme, ticket_id, fields, text="Slow site reply.")
    html = response.content.decode()
    assert response.status_code == 202
    assert "it may have been sent" in html
    assert textarea(html) == "Slow site reply."
    # The thread was read again from the site (not re-posted) and is swapped into the page.
    assert sim.acme.site.count("GET", f"/fluent-support/v2/tickets/{ticket_id}") >= 2
    assert 'id="conversation" hx-swap-oob="true"' in html
    # Sending again needs the new form: the timed-out one stays spent.
    assert fields["token"] not in html
    assert "Send again" in html


@pytest.mark.usefixtures("stays_after_send")
def test_retry_after_a_timeout_finds_the_reply_instead_of_posting_it_again(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_fault("timeout", route=RESPONSES, method="POST", seconds=3)
    post(agent_client, acme, ticket_id, fields, text="Did it arrive?")
    sim.acme.site.clear_faults()  # The held request is dropped; the site now answers again.
    # Suppose the timed-out request had been applied after all.
    store, ticket = sim.acme.site.store, sim.acme.site.tickets[ticket_id]
    add_response(store, ticket, 1, "response", "<p>Did it arrive?</p>\n", sim.acme.site.now)
    # The browser (or the agent) sends the same form again.
    response = post(agent_client, acme, ticket_id, fields, text="Did it arrive?")
    assert response.status_code == 200
    assert "the site was slow to answer, but it has the message" in response.content.decode()
    assert "data-sent" in response.content.decode()
    assert len(posted(sim.acme, ticket_id, "Did it arrive?")) == 1


def test_retry_after_a_timeout_never_reposts_even_when_the_reply_is_missing(
    agent_client, acme, sim
):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_fault("timeout", route=RESPONSES, method="POST", seconds=3)
    post(agent_client, acme, ticket_id, fields, text="Lost in transit?")
    sim.acme.site.clear_faults()
    response = post(agent_client, acme, ticket_id, fields, text="Lost in transit?")
    assert response.status_code == 202
    assert "may have been sent" in response.content.decode()
    assert textarea(response.content.decode()) == "Lost in transit?"
    assert posted(sim.acme, ticket_id, "Lost in transit?") == []


def test_new_customer_message_is_shown_and_the_agent_asked_before_sending(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_customer_reply(ticket_id, "<p>Never mind, found it!</p>")
    sim.acme.site.clear_log()
    response = post(agent_client, acme, ticket_id, fields, text="Here is how to fix it.")
    html = response.content.decode()
    assert response.status_code == 409
    assert "New since you opened this ticket" in html
    assert "Never mind, found it!" in html[html.index("arrived-box") :]
    assert textarea(html) == "Here is how to fix it."
    assert 'name="force" value="1"' in html and "Send anyway" in html
    assert sim.acme.site.count("POST", RESPONSES) == 0
    # Sending anyway posts it, once.
    response = post(agent_client, acme, ticket_id, fields, text="Here is how to fix it.", force="1")
    assert response.status_code == 200
    assert len(posted(sim.acme, ticket_id, "Here is how to fix it.")) == 1


def test_my_own_earlier_messages_do_not_count_as_new(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    post(agent_client, acme, ticket_id, fields, text="First note.", action="note")
    # A second tab, opened before the note, sends a reply: only others' messages interrupt.
    fields["token"] = open_composer(agent_client, acme, ticket_id)["token"]
    response = post(agent_client, acme, ticket_id, fields, text="Then a reply.")
    assert response.status_code == 200


@pytest.mark.usefixtures("stays_after_send")
def test_without_javascript_a_reply_redirects_to_the_thread(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    response = post(agent_client, acme, ticket_id, fields, text="Plain form.", htmx=False)
    (row,) = posted(sim.acme, ticket_id, "Plain form.")
    assert response.status_code == 302
    assert response["Location"] == url("thread", acme, ticket_id) + f"#message-{row['id']}"
    page = agent_client.get(response["Location"]).content.decode()
    assert "Reply sent." in page and "Plain form." in page


def test_without_javascript_a_refused_reply_renders_the_page_with_the_text(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_fault("status_500", route=RESPONSES, method="POST")
    response = post(agent_client, acme, ticket_id, fields, text="Kept.", htmx=False)
    html = response.content.decode()
    assert response.status_code == 424
    assert "<!doctype html>" in html and 'id="conversation"' in html
    assert textarea(html) == "Kept."


def test_an_out_of_date_form_keeps_the_text(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    response = post(agent_client, acme, ticket_id, {"token": "x"}, text="Old tab text")
    assert response.status_code == 422
    assert textarea(response.content.decode()) == "Old tab text"
    assert "reload the page" in response.content.decode()


def test_a_send_abandoned_mid_way_is_treated_as_maybe_sent(agent_client, user, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    # A worker claimed the form ten minutes ago and was stopped before it finished.
    Submission.objects.create(
        token=fields["token"],
        owner=user,
        site=acme,
        ticket_id=ticket_id,
        created_at=timezone.now() - timedelta(minutes=10),
    )
    response = post(agent_client, acme, ticket_id, fields, text="Abandoned?")
    assert response.status_code == 202
    assert "may have been sent" in response.content.decode()
    assert posted(sim.acme, ticket_id, "Abandoned?") == []


def test_without_javascript_a_site_that_is_down_still_gives_the_text_back(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    # Every route drops the connection after the request arrives: the reply may or may not
    # have been applied, so it is never sent again blindly and the text stays.
    sim.acme.site.add_fault("reset")
    response = post(agent_client, acme, ticket_id, fields, text="Do not lose me.", htmx=False)
    html = response.content.decode()
    assert response.status_code == 202
    assert textarea(html) == "Do not lose me."
    assert "Acme Store did not confirm the message: it may have been sent." in html
    assert posted(sim.acme, ticket_id, "Do not lose me.") == []
