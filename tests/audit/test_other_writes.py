"""Customers, FluentCRM contacts, new tickets, connections and settings: each write recorded,
with its outcome, and the steps that only ask (a confirmation, a form shown again) not."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from dashboard.audit.models import AuditEntry, Outcome
from dashboard.sites.models import Site
from dashboard.workflow.models import SavedReply
from tests.audit.helpers import only_entry
from tests.customers.helpers import OLIVIA, contact_id, customer_by_email, customer_without_contact
from tests.customers.test_customer import form_data
from tests.customers.test_new_ticket import ticket_data
from tests.tickets.test_thread import HTMX


def test_customer_edit_and_delete_name_the_customer(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    args = [acme, olivia["id"]]
    agent_client.post(reverse("customers:edit", args=args), form_data(olivia, city="Perth"))
    agent_client.post(reverse("customers:delete", args=args))
    assert olivia["id"] not in sim.acme.site.customers
    rows = [
        (e.action, e.object_kind, e.object_id, e.site_url, e.outcome)
        for e in AuditEntry.objects.order_by("pk")
    ]
    assert rows == [
        ("customer_edit", "customer", str(olivia["id"]), sim.acme.base_url, Outcome.OK),
        ("customer_delete", "customer", str(olivia["id"]), sim.acme.base_url, Outcome.OK),
    ]


def test_customer_delete_on_a_site_without_the_route_is_failed(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    sim.acme.site.add_fault(
        "plugin_missing_404", route="/fluent-support/v2/customers/*", method="DELETE"
    )
    agent_client.post(reverse("customers:delete", args=[acme, olivia["id"]]))
    assert only_entry().outcome == Outcome.FAILED


def test_contact_tags_status_notes_and_creation_are_recorded(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    cid = contact_id(sim.acme, OLIVIA)
    sim.acme.site.contacts[cid]["status"] = "subscribed"
    where = {"home": acme.pk, "customer": olivia["id"]}

    def send(name, args, data):
        assert (
            agent_client.post(reverse(f"customers:{name}", args=args), data, **HTMX).status_code
            == 200
        )

    tag = next(
        t
        for t in sim.acme.site.store.crm_tags.values()
        if t["id"] not in sim.acme.site.contacts[cid]["tag_ids"]
    )
    send(
        "crm_segments",
        [acme, cid],
        where | {"kind": "tags", "action": "attach", "segment": tag["id"]},
    )
    send("crm_status", [acme, cid], where | {"status": "unsubscribed"})  # asks first
    send("crm_status", [acme, cid], where | {"status": "unsubscribed", "confirm": "on"})
    send("crm_add_note", [acme, cid], where | {"title": "Called", "body": "Spoke on the phone."})
    other = customer_without_contact(sim.acme)
    send("crm_create", [acme], {"home": acme.pk, "customer": other["id"], "status": "subscribed"})

    rows = [
        (e.action, e.object_kind, e.object_id, e.detail, e.outcome)
        for e in AuditEntry.objects.order_by("pk")
    ]
    assert rows == [
        ("contact_segments", "contact", str(cid), f"attach tag #{tag['id']}", Outcome.OK),
        ("contact_status", "contact", str(cid), "status: unsubscribed", Outcome.OK),
        ("contact_note", "contact", str(cid), "", Outcome.OK),
        ("contact_create", "customer", str(other["id"]), "status: subscribed", Outcome.OK),
    ]


def test_a_contact_tag_the_site_does_not_have_is_not_sent(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    cid = contact_id(sim.acme, OLIVIA)
    data = {
        "home": acme.pk,
        "customer": olivia["id"],
        "kind": "tags",
        "action": "attach",
        "title": "Escalated",
    }
    agent_client.post(reverse("customers:crm_segments", args=[acme, cid]), data, **HTMX)
    entry = only_entry()
    assert (entry.detail, entry.outcome) == ("attach tag “Escalated”", Outcome.UNSENT)


def test_a_new_ticket_names_the_ticket_the_site_created(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    before = set(sim.acme.site.tickets)
    # Finding a customer shows the form again: nothing written, nothing recorded.
    agent_client.post(
        reverse("customers:new_ticket"), ticket_data(acme, intent="", customer_q="oli")
    )
    assert not AuditEntry.objects.exists()
    agent_client.post(
        reverse("customers:new_ticket"),
        ticket_data(acme, customer=str(olivia["id"]), priority="critical"),
    )
    (created,) = set(sim.acme.site.tickets) - before
    entry = only_entry()
    assert (entry.action, entry.site_url, entry.object_kind, entry.object_id) == (
        "ticket_create",
        sim.acme.base_url,
        "ticket",
        str(created),
    )
    assert entry.detail == f"customer #{olivia['id']}, priority: critical"
    assert entry.outcome == Outcome.OK


def test_connecting_checking_renaming_and_removing_a_site_are_recorded(agent_client, user, sim):
    admin = sim.acme.site.users["admin"]
    data = {
        "label": "",
        "base_url": sim.acme.base_url,
        "username": "admin",
        "app_password": admin.app_password,
    }
    assert agent_client.post(reverse("sites:connect"), data).status_code == 302
    site = Site.objects.get(owner=user)
    agent_client.post(reverse("sites:verify", args=[site]))
    edit = {"username": "admin", "app_password": ""}
    agent_client.post(reverse("sites:edit", args=[site]), edit)
    rename = {"label": "Acme (main)", "tone": "3"}
    agent_client.post(reverse("sites:team_settings", args=[site]), rename)
    agent_client.post(reverse("sites:remove", args=[site]))
    assert not Site.objects.filter(owner=user).exists()
    join = {"username": "admin", "app_password": admin.app_password}
    agent_client.post(reverse("sites:join", args=[site.slug]), join)
    agent_client.post(reverse("sites:team_delete", args=[site.slug]))
    rows = [
        (e.action, e.site_url, e.site_label, e.outcome) for e in AuditEntry.objects.order_by("pk")
    ]
    acme = sim.acme.base_url
    assert rows == [
        ("site_connect", acme, "Acme Store", Outcome.OK),
        ("site_verify", acme, "Acme Store", Outcome.OK),
        ("site_edit", acme, "Acme Store", Outcome.OK),
        # The site as the change left it, and as it was just before it was removed.
        ("team_site_edit", acme, "Acme (main)", Outcome.OK),
        ("site_remove", acme, "Acme (main)", Outcome.OK),
        ("site_connect", acme, "Acme (main)", Outcome.OK),
        ("team_site_remove", acme, "Acme (main)", Outcome.OK),
    ]


def test_changing_the_teams_sites_without_the_right_is_refused(acme, other_user, sim):
    from django.test import Client

    client = Client()
    client.force_login(other_user)
    client.post(reverse("sites:team_settings", args=[acme]), {"label": "Mine", "tone": "1"})
    data = {"base_url": sim.beta.base_url, "username": "admin", "app_password": "x"}
    client.post(reverse("sites:connect"), data)  # a new address: only admins add sites
    renamed, added = AuditEntry.objects.order_by("pk")
    assert (renamed.site_url, renamed.outcome, renamed.status) == (
        sim.acme.base_url,
        Outcome.REFUSED,
        403,
    )
    assert (added.site_url, added.outcome, added.detail) == (
        sim.beta.base_url,
        Outcome.REFUSED,
        "not_in_team",
    )


def test_a_refused_connection_and_a_failed_check_say_so(agent_client, user, acme, sim):
    data = {
        "label": "",
        "base_url": sim.academy.base_url,
        "username": "admin",
        "app_password": "aaaa bbbb cccc dddd eeee ffff",
    }
    assert agent_client.post(reverse("sites:connect"), data).status_code == 422
    sim.acme.site.add_fault("status_500")
    assert agent_client.post(reverse("sites:verify", args=[acme])).status_code == 302
    refused, failed = AuditEntry.objects.order_by("pk")
    # The address tried, so the leads of that site see the attempt; why, in one word.
    assert (refused.site_url, refused.outcome, refused.detail) == (
        sim.academy.base_url,
        Outcome.REFUSED,
        "auth",
    )
    assert (failed.site_url, failed.outcome) == (sim.acme.base_url, Outcome.FAILED)


def test_saved_replies_signatures_sla_snoozes_and_preferences_are_recorded(
    agent_client, user, acme, sim
):
    agent_client.post(reverse("workflow:reply_create"), {"title": "Welcome", "body": "Hello"})
    reply = SavedReply.objects.get(owner=user)
    agent_client.post(
        reverse("workflow:reply_edit", args=[reply.pk]), {"title": "Hi", "body": "Hi"}
    )
    agent_client.post(reverse("workflow:reply_delete", args=[reply.pk]))
    agent_client.post(reverse("workflow:signature_update", args=[acme]), {"text": "Jordan"})
    agent_client.post(
        reverse("workflow:sla_save", args=[acme]), {"mailbox": 2, "first_response_hours": 4}
    )
    agent_client.post(reverse("workflow:sla_save", args=[acme]), {"first_response_hours": 721})
    ticket_id = next(t["id"] for t in sim.acme.site.tickets.values() if t["status"] == "active")
    agent_client.post(
        reverse("workflow:snooze", args=[acme, ticket_id]),
        {"when": "next_week", "wake_on_reply": "1"},
    )
    agent_client.post(reverse("workflow:wake", args=[acme, ticket_id]))
    agent_client.post(reverse("tickets:preferences"), {"after_send": "stay"})
    rows = [
        (e.action, e.site_url, e.object_kind, e.object_id, e.detail, e.outcome)
        for e in AuditEntry.objects.order_by("pk")
    ]
    acme_url = sim.acme.base_url
    assert rows == [
        ("saved_reply_create", "", "saved_reply", "", "", Outcome.OK),
        ("saved_reply_edit", "", "saved_reply", str(reply.pk), "", Outcome.OK),
        ("saved_reply_delete", "", "saved_reply", str(reply.pk), "", Outcome.OK),
        ("signature", acme_url, "signature", "", "", Outcome.OK),
        (
            "sla",
            acme_url,
            "sla_targets",
            "",
            "mailbox #2: first response 4 h, next reply none",
            Outcome.OK,
        ),
        (
            "sla",
            acme_url,
            "sla_targets",
            "",
            "whole site: first response 721 h, next reply none",
            Outcome.INVALID,
        ),
        ("snooze", acme_url, "ticket", str(ticket_id), "next week, wakes on reply", Outcome.OK),
        ("wake", acme_url, "ticket", str(ticket_id), "", Outcome.OK),
        ("preferences", "", "preferences", "", "after send: stay", Outcome.OK),
    ]


def test_a_password_change_is_recorded_and_a_wrong_old_password_is_invalid(client, user, password):
    client.force_login(user)
    new = {"new_password1": "a much newer secret 42", "new_password2": "a much newer secret 42"}
    client.post(reverse("password_change"), {"old_password": "wrong", **new})
    client.post(reverse("password_change"), {"old_password": password, **new})
    rows = [(e.action, e.object_kind, e.outcome) for e in AuditEntry.objects.order_by("pk")]
    assert rows == [
        ("password_change", "account", Outcome.INVALID),
        ("password_change", "account", Outcome.OK),
    ]


def test_a_write_on_a_site_not_connected_is_refused_and_names_the_site(acme, other_user, sim):
    from django.test import Client

    client = Client()
    client.force_login(other_user)
    ticket_id = next(iter(sim.acme.site.tickets))
    response = client.post(reverse("tickets:close", args=[acme, ticket_id]), **HTMX)
    assert response.status_code == 403  # the prompt to connect it
    entry = only_entry()
    assert (entry.username, entry.site_url, entry.outcome) == (
        "other",
        sim.acme.base_url,
        Outcome.REFUSED,
    )


def test_the_team_page_records_users_added_roles_and_deactivations(team_admin, agent_user):
    from django.test import Client

    admin = Client()
    admin.force_login(team_admin)
    new = {
        "username": "priya",
        "first_name": "Priya",
        "last_name": "Shah",
        "email": "priya@example.test",
        "role": "agent",
        "password1": "stapler orbit lantern 7",
        "password2": "stapler orbit lantern 7",
    }
    admin.post(reverse("team:add"), new)
    admin.post(reverse("team:role", args=[agent_user.pk]), {"role": "team_lead"}, **HTMX)
    admin.post(reverse("team:active", args=[agent_user.pk]), {"active": "0"})
    # The last admin stepping down is refused: without JavaScript that is a redirect too.
    admin.post(reverse("team:role", args=[team_admin.pk]), {"role": "agent"})
    priya = get_user_model().objects.get(username="priya")
    rows = [
        (e.action, e.object_kind, e.object_id, e.detail, e.outcome)
        for e in AuditEntry.objects.order_by("pk")
    ]
    assert rows == [
        ("user_add", "user", str(priya.pk), "priya, role: agent", Outcome.OK),
        ("user_role", "user", str(agent_user.pk), "role: team_lead", Outcome.OK),
        ("user_active", "user", str(agent_user.pk), "deactivated", Outcome.OK),
        ("user_role", "user", str(team_admin.pk), "role: agent; refused", Outcome.REFUSED),
    ]
    assert "stapler" not in str(list(AuditEntry.objects.values()))
