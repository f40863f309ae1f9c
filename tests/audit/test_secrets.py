"""No row, and no line of the CSV, ever holds what a person typed into a message or a form: a
unique marker sent in every text field of every kind of write appears nowhere in the trail."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboard.audit.models import AuditEntry
from dashboard.sites.models import Site
from dashboard.workflow.models import SavedReply
from tests.audit.helpers import grant_audit
from tests.customers.helpers import OLIVIA, contact_id, customer_by_email
from tests.customers.test_customer import form_data
from tests.customers.test_new_ticket import ticket_data
from tests.tickets.test_thread import HTMX, open_composer, ticket_where, url
from tests.tickets.test_thread_compose import post, posted

MARKER = "zq7-MARKER-4f1e"


def everything_recorded() -> str:
    """Every value of every row, as text."""
    return "\n".join(str(value) for row in AuditEntry.objects.values() for value in row.values())


@pytest.mark.usefixtures("stays_after_send")
def test_no_text_typed_anywhere_reaches_the_trail(agent_client, user, acme, sim):
    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    post(agent_client, acme, ticket_id, fields, text=f"Reply {MARKER}", signature=f"Sig {MARKER}")
    assert posted(sim.acme, ticket_id, MARKER)  # it really went to the site
    fields = open_composer(agent_client, acme, ticket_id)
    post(agent_client, acme, ticket_id, fields, text=f"Note {MARKER}", action="note")
    response_id = posted(sim.acme, ticket_id, f"Note {MARKER}")[0]["id"]
    agent_client.post(
        url("response_edit", acme, ticket_id, response_id), {"text": f"Edit {MARKER}"}, **HTMX
    )
    agent_client.post(url("tag_add", acme, ticket_id), {"tag": f"{MARKER} " * 10}, **HTMX)
    agent_client.post(
        url("property", acme, ticket_id), {"name": "priority", "value": MARKER}, **HTMX
    )
    olivia = customer_by_email(sim.acme, OLIVIA)
    agent_client.post(
        reverse("customers:edit", args=[acme, olivia["id"]]), form_data(olivia, city=MARKER)
    )
    where = {"home": acme.pk, "customer": olivia["id"]}
    cid = contact_id(sim.acme, OLIVIA)
    agent_client.post(
        reverse("customers:crm_add_note", args=[acme, cid]),
        where | {"title": MARKER, "body": MARKER},
        **HTMX,
    )
    agent_client.post(
        reverse("customers:new_ticket"),
        ticket_data(acme, customer=str(olivia["id"]), title=MARKER, content=MARKER),
    )
    agent_client.post(reverse("workflow:reply_create"), {"title": MARKER, "body": MARKER})
    reply = SavedReply.objects.get(owner=user)
    agent_client.post(
        reverse("workflow:reply_edit", args=[reply.pk]), {"title": MARKER, "body": MARKER}
    )
    agent_client.post(reverse("workflow:signature_update", args=[acme]), {"text": MARKER})
    agent_client.post(
        reverse("workflow:snooze", args=[acme, ticket_id]), {"when": "custom", "custom": MARKER}
    )
    assert AuditEntry.objects.count() >= 12
    assert MARKER not in everything_recorded()
    grant_audit(user)
    export = agent_client.get(reverse("audit:export"))
    assert MARKER not in b"".join(export.streaming_content).decode()
    agent_client.get(reverse("sites:list"))  # shows (and so clears) the flash messages
    assert MARKER not in agent_client.get(reverse("audit:entries")).content.decode()


def test_no_password_reaches_the_trail(agent_client, client, user, password, sim):
    admin = sim.acme.site.users["admin"]
    data = {"label": "", "base_url": sim.acme.base_url, "username": "admin"}
    agent_client.post(reverse("sites:connect"), data | {"app_password": MARKER})  # refused
    agent_client.post(reverse("sites:connect"), data | {"app_password": admin.app_password})
    site = Site.objects.get(owner=user)
    agent_client.post(
        reverse("sites:edit", args=[site]),
        data | {"label": "Acme", "app_password": admin.app_password},
    )
    new_password = f"{MARKER} horse"
    agent_client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new_password, "new_password2": new_password},
    )
    assert AuditEntry.objects.count() == 4
    recorded = everything_recorded()
    for secret in (MARKER, admin.app_password, password):
        assert secret not in recorded
