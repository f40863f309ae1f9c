"""The Team page: only admins open it; they change roles, add users with a temporary password
that must be replaced, deactivate users; the last admin stays an admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from dashboard.accounts import roles
from dashboard.accounts.models import TemporaryPassword

HTMX = {"HTTP_HX_REQUEST": "true"}
TEAM = "/team/"


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def admin(team_admin):
    return client_for(team_admin)


def fresh(person):
    return get_user_model().objects.get(pk=person.pk)


def set_role(client, person, role: str, **headers):
    return client.post(reverse("team:role", args=[person.pk]), {"role": role}, **headers)


def set_active(client, person, active: bool, **headers):
    url = reverse("team:active", args=[person.pk])
    return client.post(url, {"active": "1" if active else "0"}, **headers)


@pytest.mark.parametrize("who", ["agent_user", "user"])
def test_agents_and_team_leads_get_the_friendly_page_and_no_list(who, request, team_admin):
    person = request.getfixturevalue(who)
    client = client_for(person)
    for response in (
        client.get(TEAM),
        client.get(reverse("team:add")),
        set_role(client, person, "admin"),
        set_active(client, team_admin, False),
    ):
        page = response.content.decode()
        assert response.status_code == 403
        assert "Only an Admin can manage users and their roles." in page
        assert "dana@example.test" in page  # whom to ask, and no one else's address
        assert "sam@example.test" not in page and "agent@example.test" not in page
    assert roles.role_of(fresh(person)) is not roles.ADMIN
    assert fresh(team_admin).is_active


def test_an_admin_sees_every_user_with_their_role(admin, agent_user, user, team_admin):
    page = admin.get(TEAM).content.decode()
    for person, role in ((agent_user, "agent"), (user, "team_lead"), (team_admin, "admin")):
        row = page.split(f'id="user-{person.pk}"', 1)[1].split("</tr>", 1)[0]
        assert person.email in row
        assert f'<option value="{role}" selected>' in row
    assert "(you)" in page.split(f'id="user-{team_admin.pk}"', 1)[1].split("</tr>", 1)[0]


def test_an_admin_changes_a_role_and_it_takes_effect_at_once(admin, agent_user):
    agent = client_for(agent_user)
    assert agent.get(reverse("queues:overview")).status_code == 403

    response = set_role(admin, agent_user, "team_lead", **HTMX)

    row = response.content.decode()
    assert response.status_code == 200 and "<html" not in row and "<tr" in row
    assert "Sam Kim is now a Team lead." in row
    assert '<option value="team_lead" selected>' in row
    assert roles.role_of(fresh(agent_user)) is roles.TEAM_LEAD
    assert agent.get(reverse("queues:overview")).status_code == 200


def test_without_javascript_a_change_goes_back_to_the_list_with_a_message(admin, agent_user):
    response = set_role(admin, agent_user, "admin")
    assert response.status_code == 302
    assert response["Location"] == f"{TEAM}#user-{agent_user.pk}"
    assert "Sam Kim is now an Admin." in admin.get(TEAM).content.decode()


def test_an_unknown_role_is_refused_in_the_row(admin, agent_user):
    response = set_role(admin, agent_user, "owner", **HTMX)
    assert response.status_code == 422
    assert "Choose one of the roles." in response.content.decode()
    assert roles.role_of(fresh(agent_user)) is roles.AGENT


def test_the_last_admin_can_neither_demote_nor_deactivate_themself(admin, team_admin):
    response = set_role(admin, team_admin, "team_lead", **HTMX)
    assert response.status_code == 422
    assert "Dana Ray is the last admin" in response.content.decode()
    assert roles.role_of(fresh(team_admin)) is roles.ADMIN

    response = set_active(admin, team_admin, False, **HTMX)
    assert response.status_code == 422
    assert fresh(team_admin).is_active
    assert admin.get(TEAM).status_code == 200


def test_with_another_admin_an_admin_may_step_down(admin, team_admin, user):
    roles.set_role(user, roles.ADMIN)
    response = set_role(admin, team_admin, "team_lead", **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("tickets:inbox")
    assert roles.role_of(fresh(team_admin)) is roles.TEAM_LEAD
    assert admin.get(TEAM).status_code == 403
    # The other admin cannot now be demoted: nobody else is left.
    assert set_role(client_for(user), user, "agent").status_code == 302
    assert roles.role_of(fresh(user)) is roles.ADMIN


def test_nobody_deactivates_themself_even_with_other_admins(admin, team_admin, user):
    roles.set_role(user, roles.ADMIN)
    response = set_active(admin, team_admin, False, **HTMX)
    assert response.status_code == 422
    assert "You cannot deactivate yourself" in response.content.decode()
    assert fresh(team_admin).is_active


def test_a_deactivated_user_is_logged_out_and_can_be_let_back_in(admin, agent_user, password):
    agent = client_for(agent_user)
    assert agent.get(reverse("tickets:preferences")).status_code == 200

    response = set_active(admin, agent_user, False, **HTMX)
    assert "Sam Kim is deactivated and logged out." in response.content.decode()
    assert "Reactivate" in response.content.decode()
    assert agent.get(reverse("tickets:preferences")).status_code == 302
    assert not Client().login(username="sam", password=password)

    set_active(admin, agent_user, True)
    assert Client().login(username="sam", password=password)


def test_changes_need_the_csrf_token(team_admin, agent_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(team_admin)
    assert set_role(client, agent_user, "admin").status_code == 403
    assert set_active(client, agent_user, False).status_code == 403
    assert roles.role_of(fresh(agent_user)) is roles.AGENT and fresh(agent_user).is_active


def test_a_user_of_nobody_is_404(admin):
    assert set_role(admin, type("Nobody", (), {"pk": 999_999})(), "agent").status_code == 404


NEW = {
    "username": "priya",
    "first_name": "Priya",
    "last_name": "Shah",
    "email": "priya@example.test",
    "role": "agent",
    "password1": "stapler orbit lantern 7",
    "password2": "stapler orbit lantern 7",
}


def test_an_admin_adds_a_user_who_must_choose_their_own_password(admin, team_admin):
    response = admin.post(reverse("team:add"), NEW)
    priya = get_user_model().objects.get(username="priya")
    assert response.status_code == 302 and response["Location"] == f"{TEAM}#user-{priya.pk}"
    assert roles.role_of(priya) is roles.AGENT
    assert TemporaryPassword.objects.get(user=priya).set_by == team_admin
    assert "Temporary password" in admin.get(TEAM).content.decode()

    priya_client = Client()
    login = priya_client.post(reverse("login"), {"username": "priya", "password": NEW["password1"]})
    assert login.status_code == 302
    # Every page leads to the password form until she has chosen her own.
    for path in ("/", reverse("reports:mine"), reverse("workflow:replies")):
        assert priya_client.get(path)["Location"] == reverse("password_change")
    assert priya_client.get("/", **HTMX)["HX-Redirect"] == reverse("password_change")
    form = priya_client.get(reverse("password_change")).content.decode()
    assert "The password you logged in with is temporary" in form
    changed = priya_client.post(
        reverse("password_change"),
        {
            "old_password": NEW["password1"],
            "new_password1": "my very own phrase 42",
            "new_password2": "my very own phrase 42",
        },
    )
    assert changed.status_code == 302
    assert priya_client.get("/").status_code == 200
    assert not TemporaryPassword.objects.filter(user=priya).exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"username": "SAM"}, "username", "Someone already has this username."),
        ({"email": "Sam@Example.test"}, "email", "Someone already has this email address."),
        ({"email": ""}, "email", "This field is required."),
        ({"password2": "something else 9"}, "password2", "The two passwords differ."),
        ({"password1": "abc12", "password2": "abc12"}, "password1", "too short"),
        ({"password1": "priya1234", "password2": "priya1234"}, "password1", "too similar"),
        ({"role": "owner"}, "role", "Select a valid choice."),
    ],
)
def test_a_new_user_is_checked_before_anything_is_saved(admin, agent_user, change, field, message):
    before = get_user_model().objects.count()
    response = admin.post(reverse("team:add"), {**NEW, **change})
    assert response.status_code == 422
    page = response.content.decode()
    assert f'id="id_{field}-error"' in page and message in page
    assert get_user_model().objects.count() == before


def test_the_team_link_is_in_the_admins_menu(admin):
    page = admin.get(reverse("tickets:preferences")).content.decode()
    assert f'<a href="{TEAM}">Team</a>' in page
