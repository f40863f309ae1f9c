"""Saved replies: who sees, uses, edits and deletes them, and the picker's filled text."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from dashboard.workflow.models import SavedReply
from tests.conftest import connect, reply_form

LIST = "/workflow/replies/"
PICK = "/workflow/replies/pick/"


@pytest.fixture
def replies(user, other_user):
    def make(owner, title, shared=False, body="Hi {customer_first_name}, thanks!"):
        return SavedReply.objects.create(owner=owner, title=title, body=body, shared=shared)

    return {
        "mine": make(user, "Refund approved"),
        "mine_shared": make(user, "Password reset steps", shared=True),
        "theirs": make(other_user, "Their private draft"),
        "theirs_shared": make(other_user, "Shipping delays", shared=True),
    }


def picked_texts(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r'data-sr-text="([^"]*)"', page)]


def test_the_list_shows_own_replies_and_those_others_shared(agent_client, replies):
    page = agent_client.get(LIST).content.decode()
    for visible in ("Refund approved", "Password reset steps", "Shipping delays"):
        assert visible in page
    assert "Their private draft" not in page


def test_search_narrows_the_list_without_reloading_the_page(agent_client, replies):
    response = agent_client.get(
        LIST, {"q": "ship"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="reply-results"
    )
    page = response.content.decode()
    assert 'id="reply-results"' in page and "<html" not in page
    assert "Shipping delays" in page and "Refund approved" not in page


def test_creating_a_reply_saves_it_for_its_owner(agent_client, user):
    response = agent_client.post(
        reverse("workflow:reply_create"),
        reply_form("  Welcome   aboard ", "Hello {customer_first_name}", shared=True),
    )
    assert response.status_code == 302
    reply = SavedReply.objects.get()
    assert (reply.owner, reply.title, reply.shared) == (user, "Welcome aboard", True)


def test_a_reply_without_a_title_is_refused_where_it_was_written(agent_client):
    response = agent_client.post(
        reverse("workflow:reply_create"), {"title": "", "body": "x"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert 'id="reply-form"' in response.content.decode()
    assert not SavedReply.objects.exists()


def test_only_the_owner_edits_or_deletes_even_a_shared_reply(agent_client, replies):
    for reply in (replies["theirs"], replies["theirs_shared"]):
        assert agent_client.get(reverse("workflow:reply_edit", args=[reply.pk])).status_code == 404
        response = agent_client.post(
            reverse("workflow:reply_edit", args=[reply.pk]), {"title": "Mine now", "body": "x"}
        )
        assert response.status_code == 404
        delete = agent_client.post(reverse("workflow:reply_delete", args=[reply.pk]))
        assert delete.status_code == 404
    assert (
        SavedReply.objects.filter(title__in=["Their private draft", "Shipping delays"]).count() == 2
    )


def test_the_owner_edits_and_deletes_after_confirming(agent_client, replies):
    reply = replies["mine"]
    agent_client.post(
        reverse("workflow:reply_edit", args=[reply.pk]),
        {"title": "Refund sent", "body": "Done, {customer_first_name}."},
    )
    reply.refresh_from_db()
    assert (reply.title, reply.shared) == ("Refund sent", False)
    confirm = agent_client.get(reverse("workflow:reply_delete", args=[reply.pk]))
    assert "Delete “Refund sent”?" in confirm.content.decode()
    assert SavedReply.objects.filter(pk=reply.pk).exists()
    agent_client.post(reverse("workflow:reply_delete", args=[reply.pk]))
    assert not SavedReply.objects.filter(pk=reply.pk).exists()


def test_the_picker_offers_own_and_shared_replies_filled_for_the_ticket(
    agent_client, replies, acme, sim
):
    ticket_id = 12
    customer = sim.acme.site.store.persons[sim.acme.site.tickets[ticket_id]["customer_id"]]
    SavedReply.objects.filter(pk=replies["mine"].pk).update(
        body="Hi {customer_first_name}, {agent_first_name} from {site_name} on #{ticket_id}. "
        "{order_number}"
    )
    response = agent_client.get(
        PICK, {"site": acme.pk, "ticket": ticket_id}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "Their private draft" not in page
    for title in ("Refund approved", "Password reset steps", "Shipping delays"):
        assert title in page
    expected = (
        f"Hi {customer['first_name']}, Alex from Acme Store on #{ticket_id}. {{order_number}}"
    )
    assert expected in picked_texts(page)


def test_the_picker_searches_titles_first(agent_client, replies, acme):
    SavedReply.objects.create(
        owner=replies["mine"].owner, title="Apology", body="Sorry about the refund delay."
    )
    page = agent_client.get(PICK, {"site": acme.pk, "q": "refund"}).content.decode()
    titles = re.findall(r'<span class="sr-title">([^<]+)', page)
    assert [t.strip() for t in titles] == ["Refund approved", "Apology"]


def test_a_customer_name_full_of_markup_is_inserted_as_text_and_never_rendered(
    agent_client, replies, acme, sim
):
    ticket_id = 12
    customer_id = sim.acme.site.tickets[ticket_id]["customer_id"]
    sim.acme.site.store.persons[customer_id]["first_name"] = '"><script>alert(1)</script>&amp;'
    page = agent_client.get(PICK, {"site": acme.pk, "ticket": ticket_id}).content.decode()
    assert "<script>" not in page
    assert 'Hi "><script>alert(1)</script>&amp;, thanks!' in picked_texts(page)


def test_the_picker_fills_what_it_can_when_the_site_is_down(agent_client, replies, acme, sim):
    sim.acme.site.add_fault("status_502")
    page = agent_client.get(PICK, {"site": acme.pk, "ticket": 5}).content.decode()
    assert "Names from the ticket are left as placeholders" in page
    assert "Hi {customer_first_name}, thanks!" in picked_texts(page)


def test_the_picker_refuses_other_users_sites(agent_client, replies, other_user, sim):
    theirs = connect(other_user, sim.beta)
    assert agent_client.get(PICK, {"site": theirs.pk, "ticket": 1}).status_code == 404
    assert agent_client.get(PICK, {"site": "x"}).status_code == 400
