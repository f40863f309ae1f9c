"""Logging in is throttled; changing a password logs every other session out."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_repeated_failures_lock_the_account_for_a_while(client, user, password, settings):
    settings.LOGIN_FAILURES_PER_USER = 3
    for _ in range(3):
        assert login(client, user.username, "wrong").status_code == 200
    response = login(client, user.username, password)
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_from_one_address_lock_it_across_usernames(client, user, password, settings):
    settings.LOGIN_FAILURES_PER_IP = 3
    for name in ("a", "b", "c"):
        login(client, name, "wrong")
    assert "Too many failed attempts" in login(client, user.username, password).content.decode()


def test_a_successful_login_resets_the_count(client, user, password, settings):
    settings.LOGIN_FAILURES_PER_USER = 3
    login(client, user.username, "wrong")
    login(client, user.username, "wrong")
    assert login(client, user.username, password).status_code == 302
    client.logout()
    login(client, user.username, "wrong")
    login(client, user.username, "wrong")
    assert login(client, user.username, password).status_code == 302


def test_password_change_logs_other_sessions_out_and_keeps_this_one(user, password):
    here, elsewhere = Client(), Client()
    assert login(here, user.username, password).status_code == 302
    assert login(elsewhere, user.username, password).status_code == 302
    response = here.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "a much newer secret 42",
            "new_password2": "a much newer secret 42",
        },
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302


def test_production_session_cookies_are_secure_and_http_only():
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
