"""Moving from per-user sites to team sites loses nothing: every connection, its credential and
cache, and what hangs on it (snoozes, signatures), saved replies and SLA targets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("sites", "0001_initial"), ("workflow", "0002_signature")]
AFTER = [("sites", "0002_team_sites"), ("workflow", "0002_signature")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_per_user_sites_become_connections_of_team_sites_without_losing_anything():
    old = migrate(BEFORE)
    User = old.get_model("auth", "User")
    Site = old.get_model("sites", "Site")
    Snooze = old.get_model("workflow", "Snooze")
    Signature = old.get_model("workflow", "Signature")
    SavedReply = old.get_model("workflow", "SavedReply")
    SlaPolicy = old.get_model("workflow", "SlaPolicy")

    alex = User.objects.create(username="alex")
    sam = User.objects.create(username="sam")
    common = {"app_password": "", "cache_token": "0123456789abcdef"}
    # Two people had connected the same store (under different labels), one a second site.
    alex_store = Site.objects.create(
        owner=alex, label="ACME", base_url="https://acme.test", username="alex", **common
    )
    sam_store = Site.objects.create(
        owner=sam, label="Acme (Sam)", base_url="https://acme.test", username="sam", **common
    )
    sam_blog = Site.objects.create(
        owner=sam, label="2024", base_url="https://blog.test", username="sam", **common
    )
    Snooze.objects.create(user=sam, site=sam_store, ticket_id=7)
    Signature.objects.create(user=alex, site=alex_store, text="— Alex")
    SavedReply.objects.create(owner=alex, title="Refund", body="Refunded.", shared=True)
    SlaPolicy.objects.create(site_url="https://acme.test", first_response_hours=4)

    new = migrate(AFTER)
    TeamSite = new.get_model("sites", "TeamSite")
    Site = new.get_model("sites", "Site")

    assert sorted(TeamSite.objects.values_list("base_url", "label", "slug")) == [
        ("https://acme.test", "ACME", "acme"),
        ("https://blog.test", "2024", "site-2024"),
    ]
    store = TeamSite.objects.get(base_url="https://acme.test")
    # The first connection's colour is kept, so the site looks the same to its first user.
    assert store.tone == alex_store.pk * 7 % 12
    connections = {s.pk: (s.owner_id, s.team_site_id, s.username) for s in Site.objects.all()}
    assert connections == {
        alex_store.pk: (alex.pk, store.pk, "alex"),
        sam_store.pk: (sam.pk, store.pk, "sam"),
        sam_blog.pk: (sam.pk, TeamSite.objects.get(slug="site-2024").pk, "sam"),
    }
    assert set(Site.objects.values_list("cache_token", flat=True)) == {"0123456789abcdef"}
    assert new.get_model("workflow", "Snooze").objects.get().site_id == sam_store.pk
    assert new.get_model("workflow", "Signature").objects.get().site_id == alex_store.pk
    assert new.get_model("workflow", "SavedReply").objects.count() == 1
    assert new.get_model("workflow", "SlaPolicy").objects.get().site_url == store.base_url

    # And back, for a rollback: each connection has its address and the team's label again.
    back = migrate(BEFORE)
    rows = back.get_model("sites", "Site").objects.order_by("pk").values_list("label", "base_url")
    assert list(rows) == [
        ("ACME", "https://acme.test"),
        ("ACME", "https://acme.test"),
        ("2024", "https://blog.test"),
    ]
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
