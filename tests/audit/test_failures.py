"""A write that fails is recorded as such, whatever the page answered; and a trail that cannot
be written never breaks the agent's request."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from dashboard.audit.models import AuditEntry, Outcome
from tests.audit.helpers import only_entry
from tests.tickets.test_thread import HTMX, open_composer, ticket_where, url
from tests.tickets.test_thread_compose import RESPONSES, post, posted

PROPERTY = "/fluent-support/v2/tickets/*/property"


def test_a_reply_the_site_failed_is_failed(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_fault("status_502", route=RESPONSES, method="POST")
    response = post(agent_client, acme, ticket_id, fields, text="Down?")
    entry = only_entry()
    assert (entry.action, entry.outcome, entry.status) == (
        "reply",
        Outcome.FAILED,
        response.status_code,
    )
    assert entry.site_url == sim.acme.base_url


def test_a_site_that_is_down_altogether_still_gets_its_row(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_fault("status_500")
    post(agent_client, acme, ticket_id, fields, text="Anyone there?")
    assert only_entry().outcome == Outcome.FAILED


def test_a_revoked_password_is_refused(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_fault("revoked_401", route=RESPONSES, method="POST")
    assert post(agent_client, acme, ticket_id, fields, text="Let me in").status_code == 401
    assert only_entry().outcome == Outcome.REFUSED


def test_without_javascript_a_failed_close_is_failed_though_the_page_redirects(
    agent_client, acme, sim
):
    ticket_id = ticket_where(sim.acme, statuses=("active",))
    sim.acme.site.add_fault("status_500", route="/fluent-support/v2/tickets/*/close")
    response = agent_client.post(url("close", acme, ticket_id))
    assert response.status_code == 302
    entry = only_entry()
    assert (entry.action, entry.outcome, entry.status) == ("close", Outcome.FAILED, 302)


def test_a_change_whose_answer_was_lost_is_uncertain(agent_client, acme, sim):
    # The site applied the change, then something in front of it answered with a web page.
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.add_fault("html_200", route=PROPERTY)
    agent_client.post(
        url("property", acme, ticket_id), {"name": "priority", "value": "critical"}, **HTMX
    )
    assert only_entry().outcome == Outcome.UNCERTAIN


@pytest.mark.usefixtures("stays_after_send")
def test_a_reply_whose_answer_was_lost_but_found_on_the_site_is_done(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.add_fault("html_200", route=RESPONSES, method="POST")
    response = post(agent_client, acme, ticket_id, fields, text="Did it land?")
    assert response.status_code == 200 and len(posted(sim.acme, ticket_id, "Did it land?")) == 1
    assert only_entry().outcome == Outcome.OK


@pytest.mark.usefixtures("stays_after_send")
def test_a_trail_that_cannot_be_written_does_not_break_the_reply(agent_client, acme, sim, caplog):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    # The table is gone (a migration not run, a broken database): inserting fails for real.
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} RENAME TO {table}_away")
    try:
        with caplog.at_level(logging.ERROR, logger="dashboard.audit.middleware"):
            response = post(agent_client, acme, ticket_id, fields, text="Still delivered.")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table}_away RENAME TO {table}")
    assert response.status_code == 200
    assert len(posted(sim.acme, ticket_id, "Still delivered.")) == 1
    assert "Could not record the audit entry of tickets:reply" in caplog.text
    assert "Still delivered." not in caplog.text
