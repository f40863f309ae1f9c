"""Each write on a ticket is recorded once, with who, the site, the object, a safe detail and the
outcome the site gave, over real HTTP to the simulated sites."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboard.audit.models import AuditEntry, Outcome
from tests.audit.helpers import only_entry
from tests.tickets.test_thread import HTMX, open_composer, ticket_where, url
from tests.tickets.test_thread_actions import agent_reply
from tests.tickets.test_thread_compose import post, posted


@pytest.mark.usefixtures("stays_after_send")
@pytest.mark.parametrize(
    ("action", "code", "label"),
    [("reply", "reply", "Reply"), ("note", "note", "Internal note")],
)
def test_a_reply_or_note_is_recorded_with_its_ticket_and_site(
    agent_client, user, acme, sim, action, code, label
):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    response = post(agent_client, acme, ticket_id, fields, text="All sorted now.", action=action)
    assert response.status_code == 200 and posted(sim.acme, ticket_id, "All sorted now.")
    entry = only_entry()
    assert (entry.user, entry.username) == (user, "agent")
    assert (entry.action, entry.action_label) == (code, label)
    assert (entry.site_url, entry.site_label) == (sim.acme.base_url, "Acme Store")
    assert (entry.object_kind, entry.object_id, entry.ticket_id) == (
        "ticket",
        str(ticket_id),
        ticket_id,
    )
    assert (entry.outcome, entry.status) == (Outcome.OK, 200)


@pytest.mark.usefixtures("stays_after_send")
def test_reply_and_close_is_one_entry_and_counts_its_files(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, statuses=("active",))
    fields = open_composer(agent_client, acme, ticket_id)
    post(agent_client, acme, ticket_id, fields, text="Closing.", action="reply_close")
    entry = only_entry()
    assert (entry.action, entry.outcome) == ("reply_close", Outcome.OK)


def test_a_replayed_form_is_recorded_as_not_sent(agent_client, acme, sim, stays_after_send):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    post(agent_client, acme, ticket_id, fields, text="Only once.")
    post(agent_client, acme, ticket_id, fields, text="Only once.")
    first, second = AuditEntry.objects.order_by("pk")
    assert (first.outcome, second.outcome) == (Outcome.OK, Outcome.UNSENT)
    assert len(posted(sim.acme, ticket_id, "Only once.")) == 1


def test_a_reply_refused_because_someone_wrote_meanwhile_is_a_conflict(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_customer_reply(ticket_id, "<p>Any news?</p>")
    response = post(agent_client, acme, ticket_id, fields, text="Late answer.")
    assert response.status_code == 409
    assert only_entry().outcome == Outcome.CONFLICT


def test_an_empty_reply_is_recorded_as_invalid(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    assert post(agent_client, acme, ticket_id, fields, text="  ").status_code == 422
    assert only_entry().outcome == Outcome.INVALID


def test_editing_and_deleting_a_message_name_the_message_and_its_ticket(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    row = agent_reply(sim.acme, ticket_id)
    edit = agent_client.post(
        url("response_edit", acme, ticket_id, row["id"]), {"text": "Fixed."}, **HTMX
    )
    delete = agent_client.post(url("response_delete", acme, ticket_id, row["id"]), **HTMX)
    assert edit.status_code == delete.status_code == 200
    edited, deleted = AuditEntry.objects.order_by("pk")
    for entry, code in ((edited, "response_edit"), (deleted, "response_delete")):
        assert entry.action == code and entry.outcome == Outcome.OK
        assert (entry.object_kind, entry.object_id, entry.ticket_id) == (
            "response",
            str(row["id"]),
            ticket_id,
        )
        assert entry.object_text == f"Response #{row['id']} on ticket #{ticket_id}"


def test_a_property_change_keeps_the_property_and_its_new_value(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    agent_client.post(
        url("property", acme, ticket_id), {"name": "priority", "value": "critical"}, **HTMX
    )
    agent_client.post(
        url("property", acme, ticket_id), {"name": "agent_id", "value": "999999"}, **HTMX
    )
    changed, refused = AuditEntry.objects.order_by("pk")
    assert (changed.action, changed.detail, changed.outcome) == (
        "property",
        "Priority: critical",
        Outcome.OK,
    )
    # Not one of the site's agents: refused before the site, with the id as sent.
    assert (refused.detail, refused.outcome) == ("Agent: #999999", Outcome.INVALID)


def test_closing_and_reopening_are_recorded(agent_client, acme, sim, stays_after_send):
    ticket_id = ticket_where(sim.acme, statuses=("active",))
    agent_client.post(url("close", acme, ticket_id), **HTMX)
    agent_client.post(url("reopen", acme, ticket_id), **HTMX)
    assert sim.acme.site.tickets[ticket_id]["status"] != "closed"
    assert [(e.action, e.outcome) for e in AuditEntry.objects.order_by("pk")] == [
        ("close", Outcome.OK),
        ("reopen", Outcome.OK),
    ]


def test_tags_added_and_removed_are_named(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.tickets[ticket_id]["tag_ids"] = []
    agent_client.post(url("tag_add", acme, ticket_id), {"tag": "VIP"}, **HTMX)
    agent_client.post(url("tag_remove", acme, ticket_id, 8), **HTMX)
    assert sim.acme.site.tickets[ticket_id]["tag_ids"] == []
    added, removed = AuditEntry.objects.order_by("pk")
    assert (added.action, added.detail, added.outcome) == ("tag_add", "tag “VIP”", Outcome.OK)
    assert (removed.action, removed.detail, removed.outcome) == ("tag_remove", "tag #8", Outcome.OK)


def test_a_bulk_action_over_two_sites_is_one_entry_per_site(agent_client, acme, academy, sim):
    acme_ids = [t["id"] for t in sim.acme.site.tickets.values() if t["status"] != "closed"][:2]
    academy_id = next(t["id"] for t in sim.academy.site.tickets.values() if t["status"] != "closed")
    keys = [f"{acme.pk}:{t}" for t in acme_ids] + [f"{academy.pk}:{academy_id}"]
    response = agent_client.post(reverse("tickets:bulk"), {"action": "close", "t": keys})
    assert response.status_code == 302
    rows = {entry.site_url: entry for entry in AuditEntry.objects.all()}
    assert set(rows) == {sim.acme.base_url, sim.academy.base_url}
    numbers = ", ".join(f"#{t}" for t in acme_ids)
    assert rows[sim.acme.base_url].detail == f"close: 2 tickets ({numbers})"
    assert rows[sim.academy.base_url].detail == f"close: 1 ticket (#{academy_id})"
    assert {entry.outcome for entry in rows.values()} == {Outcome.OK}
    assert {entry.action_label for entry in rows.values()} == {"Bulk action"}


def test_a_bulk_delete_is_recorded_when_confirmed_not_when_asked(agent_client, acme, sim):
    ticket_id = next(iter(sim.acme.site.tickets))
    data = {"action": "delete", "t": [f"{acme.pk}:{ticket_id}"]}
    assert agent_client.post(reverse("tickets:bulk"), data).status_code == 200  # the question
    assert not AuditEntry.objects.exists()
    agent_client.post(reverse("tickets:bulk"), data | {"confirm": "on"})
    assert only_entry().detail == f"delete: 1 ticket (#{ticket_id})"


def test_a_bulk_action_a_site_failed_is_failed_for_that_site_only(agent_client, acme, academy, sim):
    sim.academy.site.add_fault("status_500", route="/fluent-support/v2/tickets/bulk-actions")
    acme_id = next(t["id"] for t in sim.acme.site.tickets.values() if t["status"] != "closed")
    academy_id = next(t["id"] for t in sim.academy.site.tickets.values() if t["status"] != "closed")
    keys = [f"{acme.pk}:{acme_id}", f"{academy.pk}:{academy_id}"]
    agent_client.post(reverse("tickets:bulk"), {"action": "close", "t": keys})
    outcomes = {entry.site_url: entry.outcome for entry in AuditEntry.objects.all()}
    assert outcomes == {sim.acme.base_url: Outcome.OK, sim.academy.base_url: Outcome.FAILED}


def test_reading_pages_records_nothing(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    agent_client.get(reverse("tickets:inbox"))
    agent_client.get(url("thread", acme, ticket_id))
    agent_client.post(url("compose_preview", acme, ticket_id), {"text": "Preview only"}, **HTMX)
    assert not AuditEntry.objects.exists()
