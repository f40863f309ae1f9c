"""Roles: what an Agent, a Team lead and an Admin may open and change; the refusal page; the
groups written after every migrate; the roles users get when roles arrive and when they join."""

from __future__ import annotations

import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from dashboard.accounts import roles
from dashboard.workflow.models import SavedReply, SlaPolicy
from tests.conftest import connect, reply_form

HTMX = {"HTTP_HX_REQUEST": "true"}
QUEUE_URLS = ["queues:overview", "queues:stats", "queues:export"]
TEAM_REPORT_URLS = ["reports:reports"]


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def agent(agent_user, sim, team_admin):
    """An agent with a site of their own, so a refused page would have data to leak."""
    connect(agent_user, sim.acme)
    sim.acme.site.clear_log()
    return client_for(agent_user)


@pytest.fixture
def lead(user, acme, sim):
    sim.acme.site.clear_log()
    return client_for(user)


@pytest.fixture
def admin(team_admin, sim):
    connect(team_admin, sim.acme)
    return client_for(team_admin)


def assert_friendly_refusal(response, *, needed="Team lead", sim=None) -> str:
    page = response.content.decode()
    assert response.status_code == 403
    if "<html" in page:
        assert f"This needs the {needed} role" in page
    who = "a Team lead or an Admin" if needed == "Team lead" else f"an {needed}"
    assert f"Only {who} can" in page
    assert "Your role is <strong>Agent</strong>" in page
    # Whom to ask, by name and address.
    assert "Dana Ray" in page and "mailto:dana@example.test" in page
    # Nothing of what the page would have shown: no site was asked, no site is named.
    assert "Acme Store" not in page
    if sim is not None:
        assert sim.acme.site.request_log == []
    return page


# ---------------------------------------------------------------- queues and reports


@pytest.mark.parametrize("name", QUEUE_URLS + TEAM_REPORT_URLS + ["reports:export"])
def test_an_agent_gets_the_friendly_page_for_queues_and_team_reports(agent, sim, name):
    url = reverse(name, kwargs={"key": "volume"} if name == "reports:export" else None)
    page = assert_friendly_refusal(agent.get(url), sim=sim)
    assert "<html" in page and "Back to the inbox" in page


def test_an_htmx_request_is_refused_with_a_small_fragment(agent, sim):
    response = agent.get(reverse("queues:stats"), **HTMX)
    page = assert_friendly_refusal(response, sim=sim)
    assert "<html" not in page and 'role="alert"' in page
    assert "Only a Team lead or an Admin can open the team&#x27;s queues." in page
    assert "HX-Request" in response["Vary"]


def test_an_agent_keeps_their_own_stats(agent):
    response = agent.get(reverse("reports:mine"))
    assert response.status_code == 200
    assert "Team reports" not in response.content.decode()


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_team_leads_and_admins_open_queues_and_reports(who, request):
    client = request.getfixturevalue(who)
    for name in ["queues:overview", "queues:stats", "reports:reports", "reports:mine"]:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("reports:export", args=["volume"])).status_code == 200


def test_a_superuser_without_any_role_passes(db, password, sim):
    boss = get_user_model().objects.create_superuser("boss", "boss@example.test", password)
    boss.groups.clear()
    client = client_for(boss)
    assert client.get(reverse("queues:overview")).status_code == 200
    assert client.get(reverse("team:list")).status_code == 200


def nav_labels(page: str) -> list[str]:
    nav = page.split('id="primary-nav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r"<a href=\"[^\"]*\"[^>]*>([^<]+)</a>", nav)


def test_the_navigation_shows_only_what_the_user_can_open(agent, lead, admin):
    agent_page = agent.get(reverse("tickets:preferences")).content.decode()
    assert nav_labels(agent_page) == ["Inbox", "Customers", "My stats", "Sites"]
    assert reverse("team:list") not in agent_page
    lead_page = lead.get(reverse("tickets:preferences")).content.decode()
    assert nav_labels(lead_page) == ["Inbox", "Customers", "Queues", "Reports", "Sites", "Audit"]
    assert reverse("team:list") not in lead_page
    admin_page = admin.get(reverse("tickets:preferences")).content.decode()
    assert f'href="{reverse("team:list")}"' in admin_page


# ---------------------------------------------------------------- SLA targets


def sla_save(client, site, hours=4, **headers):
    return client.post(
        reverse("workflow:sla_save", args=[site.slug]), {"first_response_hours": hours}, **headers
    )


def test_an_agent_sees_sla_targets_read_only_and_cannot_save(agent, agent_user, sim):
    site = _only_site(agent_user)
    page = agent.get(reverse("workflow:sla")).content.decode()
    assert "Read only" in page
    assert "SLA targets are team settings: a Team lead or an Admin changes them." in page
    assert ">Save</button>" not in page
    assert_friendly_refusal(sla_save(agent, site))
    assert_friendly_refusal(sla_save(agent, site, **HTMX))
    assert not SlaPolicy.objects.exists()


def _only_site(owner):
    from dashboard.sites.models import Site

    return Site.objects.get(owner=owner)


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_team_leads_and_admins_save_sla_targets(who, request):
    client = request.getfixturevalue(who)
    owner = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    site = _only_site(owner)
    assert ">Save</button>" in client.get(reverse("workflow:sla")).content.decode()
    assert sla_save(client, site, hours=6).status_code == 302
    assert SlaPolicy.objects.get().first_response_hours == 6


# ---------------------------------------------------------------- saved replies


def test_an_agent_keeps_personal_replies_but_cannot_share_one(agent, agent_user):
    response = agent.post(reverse("workflow:reply_create"), reply_form("Hello", "Hi!", shared=True))
    assert response.status_code == 302
    reply = SavedReply.objects.get()
    assert (reply.owner, reply.shared) == (agent_user, False)
    form = agent.get(reverse("workflow:reply_edit", args=[reply.pk])).content.decode()
    assert "a Team lead or an Admin shares it" in form
    agent.post(
        reverse("workflow:reply_edit", args=[reply.pk]),
        reply_form("Hello there", "Hi!", shared=True),
    )
    reply.refresh_from_db()
    assert (reply.title, reply.shared) == ("Hello there", False)
    agent.post(reverse("workflow:reply_delete", args=[reply.pk]))
    assert not SavedReply.objects.exists()


def test_an_agent_cannot_edit_or_delete_a_shared_reply_even_their_own(agent, agent_user):
    # Shared while they were a team lead, say.
    reply = SavedReply.objects.create(owner=agent_user, title="Refunds", body="x", shared=True)
    edit = reverse("workflow:reply_edit", args=[reply.pk])
    page = assert_friendly_refusal(agent.get(edit))
    assert "change team settings" in page
    assert_friendly_refusal(agent.post(edit, {"title": "Mine", "body": "y"}))
    assert_friendly_refusal(agent.post(reverse("workflow:reply_delete", args=[reply.pk])))
    reply.refresh_from_db()
    assert (reply.title, reply.body, reply.shared) == ("Refunds", "x", True)
    listing = agent.get(reverse("workflow:replies")).content.decode()
    assert "A Team lead edits shared replies" in listing
    assert edit not in listing


def test_a_team_lead_shares_edits_and_deletes_shared_replies(lead, user):
    lead.post(reverse("workflow:reply_create"), reply_form("Refunds", "x", shared=True))
    reply = SavedReply.objects.get()
    assert reply.shared
    lead.post(reverse("workflow:reply_edit", args=[reply.pk]), {"title": "Refunds", "body": "y"})
    reply.refresh_from_db()
    assert (reply.body, reply.shared) == ("y", False)
    reply.shared = True
    reply.save()
    assert lead.post(reverse("workflow:reply_delete", args=[reply.pk])).status_code == 302
    assert not SavedReply.objects.exists()


# ---------------------------------------------------------------- helpers and groups


def test_role_of_each_kind_of_user(agent_user, user, team_admin, password):
    assert roles.role_of(agent_user) is roles.AGENT
    assert roles.role_of(user) is roles.TEAM_LEAD
    assert roles.role_of(team_admin) is roles.ADMIN
    boss = get_user_model().objects.create_superuser("boss", "b@example.test", password)
    boss.groups.clear()
    assert roles.role_of(boss) is roles.ADMIN
    agent_user.groups.clear()
    assert roles.role_of(agent_user) is None


def test_each_role_holds_everything_of_the_one_before():
    assert set(roles.AGENT.permissions) < set(roles.TEAM_LEAD.permissions)
    assert set(roles.TEAM_LEAD.permissions) < set(roles.ADMIN.permissions)
    assert roles.CHANGE_TEAM_SETTINGS not in roles.AGENT.permissions


def test_an_inactive_user_holds_no_permission(user):
    user.is_active = False
    user.save()
    assert not get_user_model().objects.get(pk=user.pk).has_perm(roles.VIEW_QUEUES)


def group_permissions() -> dict[str, set[str]]:
    return {
        group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


def _installed(label: str) -> bool:
    from django.apps import apps

    return any(config.label == label for config in apps.get_app_configs())


def test_the_groups_hold_exactly_the_listed_permissions_of_installed_apps(db):
    """A typo in a permission's name leaves it out of its group: this is where it shows."""
    groups = group_permissions()
    for role in roles.ROLES:
        installed = {p for p in role.permissions if _installed(p.split(".")[0])}
        assert groups[role.name] == installed, role.name


def test_the_sync_is_idempotent_and_puts_back_what_was_changed_by_hand(db, caplog):
    before = group_permissions()
    agent_group = Group.objects.get(name="Agent")
    agent_group.permissions.add(Permission.objects.get(codename="manage_users"))
    Group.objects.get(name="Team lead").delete()
    with caplog.at_level(logging.DEBUG, logger="dashboard.accounts.roles"):
        roles.sync_roles()
        roles.sync_roles()
    assert group_permissions() == before
    assert Group.objects.filter(name__in=["Agent", "Team lead", "Admin"]).count() == 3
    # An app that is not installed yet (the audit log, say) is skipped without a warning.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_permission_of_an_app_not_installed_is_skipped_quietly(db, caplog, monkeypatch):
    lead = roles.Role("team_lead", "Team lead", (*roles.TEAM_LEAD_PERMISSIONS, "nosuch.view_it"))
    monkeypatch.setattr(roles, "ROLES", (roles.AGENT, lead, roles.ADMIN))
    with caplog.at_level(logging.INFO, logger="dashboard.accounts.roles"):
        roles.sync_roles()
    assert "nosuch.view_it" not in group_permissions()["Team lead"]
    assert roles.VIEW_QUEUES in group_permissions()["Team lead"]
    assert caplog.records == []


def test_a_new_user_is_an_agent_and_a_new_superuser_an_admin(db, password):
    users = get_user_model().objects
    assert roles.role_of(users.create_user("new", password=password)) is roles.AGENT
    boss = users.create_superuser("boss", "boss@example.test", password)
    assert [g.name for g in boss.groups.all()] == ["Admin"]


@pytest.mark.django_db(transaction=True)
def test_users_from_before_roles_keep_what_they_could_do():
    """Superusers become Admins, everyone else a Team lead, and a role already given stays."""
    executor = MigrationExecutor(connection)
    before = [("accounts", "0001_roles_and_temporary_passwords")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    users, groups = old.get_model("auth", "User"), old.get_model("auth", "Group")
    users.objects.create(username="boss", is_superuser=True, is_staff=True)
    users.objects.create(username="lead")
    agent_group, _created = groups.objects.get_or_create(name="Agent")
    users.objects.create(username="newer").groups.add(agent_group)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    roles.sync_roles()

    found = {u.username: roles.role_of(u) for u in get_user_model().objects.all()}
    assert found == {"boss": roles.ADMIN, "lead": roles.TEAM_LEAD, "newer": roles.AGENT}
    lead = get_user_model().objects.get(username="lead")
    assert lead.has_perm(roles.VIEW_QUEUES) and not lead.has_perm(roles.MANAGE_USERS)
