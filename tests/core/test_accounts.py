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


def forged_login(client, username, password, forged_for, router_saw="203.0.113.7"):
    """A login through one trusted proxy: the router appends the address it saw last."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        HTTP_X_FORWARDED_FOR=f"{forged_for}, {router_saw}",
        REMOTE_ADDR="10.1.2.3",
    )


def test_a_forged_forwarded_for_cannot_extend_the_tries_from_one_address(
    client, user, password, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_IP = 3
    # Each try claims a new client address on the left; the router's entry stays the same.
    for n, name in enumerate(("a", "b", "c")):
        forged_login(client, name, "wrong", forged_for=f"198.51.100.{n}")
    response = forged_login(client, user.username, password, forged_for="198.51.100.99")
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_address_the_router_saw_is_counted_apart_from_others(client, user, password, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_IP = 3
    for name in ("a", "b", "c"):
        forged_login(client, name, "wrong", forged_for="198.51.100.1")
    # Another real client behind the same router is not locked out by the first one's tries.
    response = forged_login(
        client, user.username, password, forged_for="198.51.100.1", router_saw="203.0.113.8"
    )
    assert response.status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, user, password, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.LOGIN_FAILURES_PER_IP = 3
    for n, name in enumerate(("a", "b", "c")):
        client.post(
            reverse("login"),
            {"username": name, "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": password},
        HTTP_X_FORWARDED_FOR="198.51.100.50",
    )
    assert "Too many failed attempts" in response.content.decode()


def test_the_admin_login_is_throttled_like_the_dashboard_login(client, db, password, settings):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_superuser("boss", "boss@example.test", password)
    settings.LOGIN_FAILURES_PER_USER = 3
    for _ in range(3):
        client.post("/admin/login/", {"username": staff.username, "password": "wrong"})
    response = client.post("/admin/login/", {"username": staff.username, "password": password})
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_on_the_dashboard_form_also_lock_the_admin_form(client, db, password, settings):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_superuser("boss", "boss@example.test", password)
    settings.LOGIN_FAILURES_PER_USER = 3
    for _ in range(3):
        login(client, staff.username, "wrong")
    response = client.post("/admin/login/", {"username": staff.username, "password": password})
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
