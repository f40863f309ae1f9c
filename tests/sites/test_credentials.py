"""Application Passwords: encrypted at rest, rotatable, never in logs, HTML or the cache."""

from __future__ import annotations

import logging
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from dashboard.fluent.reference import essentials_get
from dashboard.fluent.tickets import TicketQuery, ticket_list
from dashboard.logging import redact
from dashboard.sites import fields
from dashboard.sites.models import Site
from dashboard.sites.services import client_for


def stored_token(site: Site) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_password FROM sites_site WHERE id = %s", [site.pk])
        return cursor.fetchone()[0]


def test_the_database_holds_no_plain_password(acme, sim):
    password = sim.acme.site.users["admin"].app_password
    token = stored_token(acme)
    assert password not in token
    assert password.replace(" ", "") not in token
    assert Site.objects.get(pk=acme.pk).app_password == password


def test_a_database_dump_holds_no_plain_password(acme, sim):
    out = StringIO()
    call_command("dumpdata", "sites", stdout=out)
    assert sim.acme.site.users["admin"].app_password not in out.getvalue()


def test_rotation_re_encrypts_with_the_new_key_and_old_key_can_go(acme, sim, settings):
    password = sim.acme.site.users["admin"].app_password
    old_key = settings.CREDENTIALS_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [new_key, old_key]
    before = stored_token(acme)
    call_command("rotate_credentials_key", stdout=StringIO())
    after = stored_token(acme)
    assert after != before
    settings.CREDENTIALS_KEYS = [new_key]
    assert Site.objects.get(pk=acme.pk).app_password == password


def test_a_wrong_key_fails_loudly_instead_of_returning_ciphertext(acme, settings):
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
    site = Site.objects.get(pk=acme.pk)
    with pytest.raises(InvalidToken):
        site.app_password  # noqa: B018 (reading it is the test)
    with pytest.raises(InvalidToken):
        client_for(site)


def test_a_password_is_decrypted_only_when_read(acme, sim):
    password = sim.acme.site.users["admin"].app_password
    site = Site.objects.get(pk=acme.pk)
    assert isinstance(site.__dict__["app_password"], fields.Sealed)
    assert password not in repr(site.__dict__["app_password"])
    assert site.app_password == password
    assert site.__dict__["app_password"] == password
    site.refresh_from_db()
    assert site.app_password == password
    # A query for values gives the stored token, sealed: it cannot pass for a password.
    (sealed,) = Site.objects.filter(pk=acme.pk).values_list("app_password", flat=True)
    assert isinstance(sealed, fields.Sealed) and sealed.token == stored_token(acme)
    with pytest.raises(TypeError):
        str(sealed)


def test_a_row_loaded_before_a_key_rotation_saves_with_the_new_key(acme, sim, settings):
    password = sim.acme.site.users["admin"].app_password
    loaded_before = Site.objects.get(pk=acme.pk)
    old_key, new_key = settings.CREDENTIALS_KEYS[0], Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [new_key, old_key]
    call_command("rotate_credentials_key", stdout=StringIO())
    # Saved without its password ever being read: it must not write the old key's token back.
    loaded_before.display_name = "Someone else"
    loaded_before.save()
    settings.CREDENTIALS_KEYS = [new_key]
    assert Site.objects.get(pk=acme.pk).app_password == password


def test_a_sealed_password_is_never_sent_as_one(acme, sim):
    """Whatever reads the field gets the password, even from a row loaded with its columns
    deferred, a copy or a pickle: never the token."""
    import copy
    import pickle

    password = sim.acme.site.users["admin"].app_password
    loaded = Site.objects.get(pk=acme.pk)
    for site in (
        loaded,
        copy.copy(Site.objects.get(pk=acme.pk)),
        pickle.loads(pickle.dumps(Site.objects.get(pk=acme.pk))),  # noqa: S301 (our own)
        Site.objects.only("pk").get(pk=acme.pk),
    ):
        assert site.app_password == password
        assert client_for(site).session.auth == ("admin", password)


def test_encryption_uses_the_first_key(settings):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [first, second]
    token = fields.encrypt("secret")
    assert Fernet(first.encode()).decrypt(token.encode()) == b"secret"


def test_the_password_is_never_in_the_response_cache(acme, sim):
    password = sim.acme.site.users["admin"].app_password
    ticket_list(client_for(acme), query=TicketQuery(status_type="all"))
    essentials_get(client_for(acme))
    if settings.REDIS_URL:
        import redis

        conn = redis.Redis.from_url(settings.REDIS_URL)
        blobs = b"".join(
            conn.dump(key) or b"" for key in conn.keys(f"dashboard-upstream:{acme.cache_key}*")
        )
    else:
        folder = Path(settings.UPSTREAM_CACHE_PATH).with_suffix("")
        blobs = b"".join(p.read_bytes() for p in folder.glob(f"{acme.cache_key}.sqlite*"))
    assert blobs, "nothing was cached"
    assert password.encode() not in blobs
    assert password.replace(" ", "").encode() not in blobs


def test_the_password_is_never_in_logs_at_any_level(agent_client, sim, caplog):
    password = sim.acme.site.users["admin"].app_password
    with caplog.at_level(logging.DEBUG):
        agent_client.post(
            reverse("sites:connect"),
            {"base_url": sim.acme.base_url, "username": "admin", "app_password": password},
        )
        agent_client.post(
            reverse("sites:connect"),
            {"base_url": sim.academy.base_url, "username": "admin", "app_password": "wrong"},
        )
    handler = logging.getLogger().handlers[0]
    formatted = "\n".join(handler.format(record) for record in caplog.records)
    assert caplog.records, "expected some log output to check"
    assert password not in formatted
    assert password.replace(" ", "") not in formatted


def test_the_password_is_never_in_html(agent_client, acme, sim):
    password = sim.acme.site.users["admin"].app_password
    for url in (reverse("sites:list"), reverse("sites:edit", args=[acme.slug]), "/"):
        assert password not in agent_client.get(url).content.decode()


def test_log_redaction_masks_basic_auth_and_app_passwords():
    line = (
        "Authorization: Basic YWRtaW46YWJjZA== and abcd efgh ijkl mnop qrst uvwx password=hunter2"
    )
    cleaned = redact(line)
    assert "YWRtaW46YWJjZA" not in cleaned
    assert "abcd efgh ijkl mnop qrst uvwx" not in cleaned
    assert "hunter2" not in cleaned
