"""The composer's Markdown, preview and signature, through the views and the simulated site."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dashboard.workflow.models import Signature
from dashboard.workflow.signatures import signature_save
from tests.conftest import connect
from tests.tickets.test_thread import HTMX, bodies, open_composer, rows_of, textarea, ticket_where
from tests.tickets.test_thread import url as thread_url

# What the thread shows after a send is checked here: the agent stays on the ticket.
pytestmark = pytest.mark.usefixtures("stays_after_send")


def send(client, site, ticket_id, *, text, action="reply", **extra):
    fields = open_composer(client, site, ticket_id)
    data = {"text": text, "action": action, "mode": "note" if action == "note" else "reply"}
    return client.post(thread_url("reply", site, ticket_id), data | fields | extra, **HTMX)


def newest(sim_site, ticket_id):
    return rows_of(sim_site, ticket_id)[-1]


# Markdown through the reply route


def test_markdown_reply_is_stored_as_formatting_and_shown_formatted(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    text = "Hi **Zoë**,\n\n- check *this*\n- and `that <b>`\n\n> your words\n\n[docs](https://d.example)"
    response = send(agent_client, acme, ticket_id, text=text)
    assert response.status_code == 200
    stored = newest(sim.acme, ticket_id)["content"]
    assert "<strong>Zoë</strong>" in stored and "<em>this</em>" in stored
    assert "<ul>" in stored and "<blockquote>" in stored
    assert "<code>and" not in stored and "<code>that &lt;b&gt;</code>" in stored
    shown = bodies(agent_client.get(thread_url("thread", acme, ticket_id)).content.decode())
    assert "<strong>Zoë</strong>" in shown and "<li>check <em>this</em></li>" in shown
    assert '<a href="https://d.example" rel="noopener noreferrer nofollow">docs</a>' in shown


def test_a_note_is_formatted_too(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    send(agent_client, acme, ticket_id, text="Refund **approved**", action="note")
    row = newest(sim.acme, ticket_id)
    assert row["conversation_type"] == "note" and "<strong>approved</strong>" in row["content"]


def test_editing_keeps_the_formatting_and_saves_markdown(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    send(agent_client, acme, ticket_id, text="Try **this** & C:\\x")
    row = newest(sim.acme, ticket_id)
    path = thread_url("response_edit", acme, ticket_id, row["id"])
    form = agent_client.get(path, **HTMX).content.decode()
    assert textarea(form) == "Try **this** &amp; C:\\x"  # escaped once in the textarea's HTML
    response = agent_client.post(path, {"text": "Try **this** & *that* C:\\x"}, **HTMX)
    assert response.status_code == 200
    stored = sim.acme.site.responses[row["id"]]["content"]
    assert "<strong>this</strong> &#038; <em>that</em> C:&#092;x" in stored


# The signature


def test_the_signature_is_shown_in_the_composer_and_added_to_replies(agent_client, acme, sim, user):
    signature_save(user=user, site=acme, text="Jordan\n**Acme** support")
    ticket_id = ticket_where(sim.acme)
    page = agent_client.get(thread_url("thread", acme, ticket_id)).content.decode()
    assert textarea(page, "signature") == "Jordan\n**Acme** support"
    send(agent_client, acme, ticket_id, text="Fixed.", signature="Jordan\n**Acme** support")
    stored = newest(sim.acme, ticket_id)["content"]
    assert stored == "<p>Fixed.</p>\n<p>Jordan<br>\n<strong>Acme</strong> support</p>"


def test_the_signature_edited_or_removed_for_one_reply(agent_client, acme, sim, user):
    signature_save(user=user, site=acme, text="Jordan")
    ticket_id = ticket_where(sim.acme)
    send(agent_client, acme, ticket_id, text="One.", signature="Jordan, on holiday from Monday")
    assert newest(sim.acme, ticket_id)["content"].endswith("<p>Jordan, on holiday from Monday</p>")
    response = send(agent_client, acme, ticket_id, text="Two.", signature="")
    assert newest(sim.acme, ticket_id)["content"] == "<p>Two.</p>"
    # The next message starts again from the saved signature.
    assert textarea(response.content.decode(), "signature") == "Jordan"
    assert Signature.objects.get(user=user, site=acme).text == "Jordan"


def test_notes_never_get_the_signature(agent_client, acme, sim, user):
    signature_save(user=user, site=acme, text="Jordan")
    ticket_id = ticket_where(sim.acme)
    send(agent_client, acme, ticket_id, text="Internal.", action="note", signature="Jordan")
    assert newest(sim.acme, ticket_id)["content"] == "<p>Internal.</p>"


def test_a_refused_reply_keeps_the_edited_signature(agent_client, acme, sim, user):
    signature_save(user=user, site=acme, text="Jordan")
    ticket_id = ticket_where(sim.acme)
    response = send(agent_client, acme, ticket_id, text="  ", signature="Jordan (edited)")
    assert response.status_code == 422
    assert textarea(response.content.decode(), "signature") == "Jordan (edited)"


def test_signatures_are_per_site(agent_client, acme, academy, sim, user):
    signature_save(user=user, site=acme, text="Jordan at Acme")
    signature_save(user=user, site=academy, text="Jordan at the Academy")
    acme_page = agent_client.get(thread_url("thread", acme, ticket_where(sim.acme))).content
    academy_url = thread_url("thread", academy, ticket_where(sim.academy))
    academy_page = agent_client.get(academy_url).content
    assert textarea(acme_page.decode(), "signature") == "Jordan at Acme"
    assert textarea(academy_page.decode(), "signature") == "Jordan at the Academy"


def test_another_users_signature_is_never_shown(client, acme, sim, user, other_user):
    signature_save(user=user, site=acme, text="Jordan's private signature")
    theirs = connect(other_user, sim.acme)
    client.force_login(other_user)
    page = client.get(thread_url("thread", theirs, ticket_where(sim.acme))).content.decode()
    assert "private signature" not in page
    assert textarea(page, "signature") == ""
    settings_page = client.get(reverse("workflow:signatures")).content.decode()
    assert "private signature" not in settings_page


def test_the_signatures_page_saves_one_site_and_the_composer_shows_it(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    agent_client.get(thread_url("thread", acme, ticket_id))  # a cached copy of the page
    response = agent_client.post(
        reverse("workflow:signature_update", args=[acme.slug]), {"text": "Jordan\r\nAcme"}, **HTMX
    )
    assert response.status_code == 200 and "Saved." in response.content.decode()
    page = agent_client.get(thread_url("thread", acme, ticket_id)).content.decode()
    assert textarea(page, "signature") == "Jordan\nAcme"
    agent_client.post(reverse("workflow:signature_update", args=[acme.slug]), {"text": ""})
    assert not Signature.objects.filter(site=acme).exists()


def test_the_signatures_page_refuses_a_too_long_signature_and_keeps_it(agent_client, acme):
    long = "x" * 2001
    response = agent_client.post(
        reverse("workflow:signature_update", args=[acme.slug]), {"text": long}, **HTMX
    )
    assert response.status_code == 422
    assert long in response.content.decode() and "at most 2000" in response.content.decode()


def test_another_users_site_cannot_get_a_signature(client, acme, other_user):
    client.force_login(other_user)
    response = client.post(reverse("workflow:signature_update", args=[acme.slug]), {"text": "x"})
    assert response.status_code == 403
    assert not Signature.objects.exists()


# The preview


def preview(client, site, ticket_id, **data):
    return client.post(thread_url("compose_preview", site, ticket_id), data, **HTMX)


def test_the_preview_renders_what_will_be_sent(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    before = len(rows_of(sim.acme, ticket_id))
    response = preview(
        agent_client,
        acme,
        ticket_id,
        text="**Hi** <b>x</b> C:\\y [a](javascript:alert(1))",
        signature="*Jordan*",
        mode="reply",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Hi</strong> &lt;b&gt;x&lt;/b&gt; C:\\y" in html
    assert "<em>Jordan</em>" in html and "href" not in html
    assert "what the customer will see" in html
    assert len(rows_of(sim.acme, ticket_id)) == before  # nothing was sent


def test_the_preview_of_a_note_has_no_signature(agent_client, acme, sim):
    response = preview(
        agent_client, acme, ticket_where(sim.acme), text="Note", signature="Jordan", mode="note"
    )
    assert "Jordan" not in response.content.decode()
    assert "what agents will see" in response.content.decode()


def test_the_preview_of_nothing_says_so(agent_client, acme, sim):
    response = preview(agent_client, acme, ticket_where(sim.acme), text="  ")
    assert response.status_code == 200 and "write something first" in response.content.decode()


def test_the_preview_needs_the_csrf_token(user, acme, sim):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = preview(client, acme, ticket_where(sim.acme), text="**x**")
    assert response.status_code == 403


def test_the_preview_of_a_site_the_user_has_not_connected_is_refused(client, acme, sim, other_user):
    client.force_login(other_user)
    response = preview(client, acme, ticket_where(sim.acme), text="**x**")
    assert response.status_code == 403
    assert "<strong>x</strong>" not in response.content.decode()


def test_the_preview_needs_a_login(client, acme, sim):
    response = preview(client, acme, ticket_where(sim.acme), text="**x**")
    assert response.headers["HX-Redirect"].startswith("/login/")
    assert "<strong>" not in response.content.decode()
