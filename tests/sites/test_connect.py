"""Connecting a site: verified before saving, every failure named precisely."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest
from django.test import Client
from django.urls import reverse

from dashboard.fluent.discovery import ConnectError, normalise_base_url
from dashboard.sites.models import Site
from tests.conftest import connect


def post_connect(client, **fields):
    data = {"label": "", "base_url": "", "username": "admin", "app_password": ""}
    data.update(fields)
    return client.post(reverse("sites:connect"), data)


def test_connect_saves_a_verified_site_and_reports_what_was_found(agent_client, user, sim):
    admin = sim.acme.site.users["admin"]
    response = post_connect(
        agent_client, base_url=sim.acme.base_url, username="admin", app_password=admin.app_password
    )
    assert response.status_code == 302
    site = Site.objects.get(owner=user)
    assert site.label == "Acme Store"
    assert site.base_url == sim.acme.base_url
    assert site.display_name == admin.full_name
    assert site.agent_person_id == admin.person_id
    assert "administrator" in site.permissions
    assert site.has_crm and site.crm_access
    assert site.timezone == "America/New_York"
    assert site.verified_at is not None
    page = agent_client.get(response["Location"]).content.decode()
    assert "Connected Acme Store" in page and "FluentCRM found" in page


def test_connect_over_htmx_redirects_the_client(agent_client, sim):
    admin = sim.acme.site.users["admin"]
    response = agent_client.post(
        reverse("sites:connect"),
        {"base_url": sim.acme.base_url, "username": "admin", "app_password": admin.app_password},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("sites:list"))


def test_wrong_password_says_so_and_saves_nothing(agent_client, user, sim):
    response = post_connect(
        agent_client, base_url=sim.acme.base_url, app_password="aaaa bbbb cccc dddd eeee ffff"
    )
    assert response.status_code == 422
    assert "refused this username or Application Password" in response.content.decode()
    assert not Site.objects.filter(owner=user).exists()


def test_failed_connect_never_renders_the_password_back(agent_client, sim):
    secret = "zzzz yyyy xxxx wwww vvvv uuuu"
    response = post_connect(agent_client, base_url=sim.acme.base_url, app_password=secret)
    assert secret not in response.content.decode()


def test_unreachable_address_says_it_could_not_be_reached(agent_client, sim):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    response = post_connect(agent_client, base_url=f"http://127.0.0.1:{port}", app_password="x")
    assert "could not be reached" in response.content.decode()


def test_unresolvable_name_says_so(agent_client, sim):
    response = post_connect(agent_client, base_url="https://no-such-host.invalid", app_password="x")
    assert "could not be resolved" in response.content.decode()


def test_html_instead_of_json_is_not_wordpress(agent_client, sim):
    # The simulator serves an HTML page outside /wp-json, like a site with the REST API off.
    response = post_connect(
        agent_client, base_url=f"{sim.acme.base_url}/blog", app_password="x" * 24
    )
    assert "No WordPress REST API answered" in response.content.decode()


def test_user_who_is_not_an_agent_is_refused(agent_client, user, sim):
    # A WordPress editor who was never added to Fluent Support's support staff.
    editor = sim.acme.site.users["editor"]
    response = post_connect(
        agent_client,
        base_url=sim.acme.base_url,
        username="editor",
        app_password=editor.app_password,
    )
    assert "is not a Fluent Support agent" in response.content.decode()
    assert not Site.objects.filter(owner=user).exists()


def test_site_without_fluent_support_is_refused(user, sim, monkeypatch):
    monkeypatch.setattr(sim.beta.site, "support_enabled", False)
    with pytest.raises(ConnectError) as caught:
        connect(user, sim.beta)
    assert caught.value.kind == "no_plugin"
    assert "Fluent Support is not active" in caught.value.message


def test_site_without_crm_connects_with_a_note(agent_client, user, sim):
    admin = sim.beta.site.users["admin"]
    response = post_connect(
        agent_client, base_url=sim.beta.base_url, app_password=admin.app_password
    )
    site = Site.objects.get(owner=user)
    assert not site.has_crm
    page = agent_client.get(response["Location"]).content.decode()
    assert "FluentCRM is not active here" in page


def test_limited_agent_connects_and_its_permissions_are_kept(user, sim):
    site = connect(user, sim.acme, username="maria")
    assert "administrator" not in site.permissions
    assert "fst_manage_unassigned_tickets" in site.permissions
    assert site.has_crm and not site.crm_access


def test_same_site_twice_for_one_user_is_refused_but_two_users_may_share_it(user, other_user, sim):
    connect(user, sim.acme)
    with pytest.raises(ConnectError, match="already connected"):
        connect(user, sim.acme)
    connect(other_user, sim.acme, username="maria")
    assert Site.objects.filter(team_site__base_url=sim.acme.base_url).count() == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Example.COM/", "https://example.com"),
        ("https://example.com/support/wp-json/", "https://example.com/support"),
        ("https://example.com/wp-admin/admin.php", "https://example.com"),
        ("http://127.0.0.1:8089", "http://127.0.0.1:8089"),
    ],
)
def test_addresses_are_normalised(raw, expected):
    assert normalise_base_url(raw, allow_private=True) == expected


def test_plain_http_is_refused_for_public_hosts():
    with pytest.raises(ConnectError, match="https://"):
        normalise_base_url("http://example.com", allow_private=True)


def test_edit_keeps_the_stored_password_when_left_empty(agent_client, acme):
    stored = acme.app_password
    response = agent_client.post(
        reverse("sites:edit", args=[acme.slug]), {"username": "admin", "app_password": ""}
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.app_password == stored
    assert acme.verified_at is not None


def test_edit_form_never_prefills_the_password(agent_client, acme):
    html = agent_client.get(reverse("sites:edit", args=[acme.slug])).content.decode()
    assert acme.app_password not in html
    assert (
        'name="app_password"' in html
        and 'value="' not in html.split('name="app_password"')[1].split(">")[0]
    )


def test_reverify_after_revoked_password_marks_the_site(agent_client, acme, sim):
    sim.acme.site.set_app_password("admin", "new1 new2 new3 new4 new5 new6")
    agent_client.post(reverse("sites:verify", args=[acme.slug]))
    acme.refresh_from_db()
    assert acme.needs_reconnect
    page = agent_client.get(reverse("sites:list")).content.decode()
    assert "Reconnect" in page


def test_remove_deletes_only_the_owners_connection(agent_client, acme, other_user, sim):
    theirs = connect(other_user, sim.acme)
    client = Client()
    client.force_login(other_user)
    assert agent_client.get(reverse("sites:remove", args=[acme.slug])).status_code == 200
    agent_client.post(reverse("sites:remove", args=[acme.slug]))
    assert not Site.objects.filter(pk=acme.pk).exists()
    # The site stays the team's, with the other agent's connection.
    assert Site.objects.filter(pk=theirs.pk, team_site=acme.team_site).exists()


def test_a_user_without_a_connection_gets_the_connect_prompt_not_the_connection(
    client, other_user, acme
):
    client.force_login(other_user)
    for response in (
        client.get(reverse("sites:edit", args=[acme.slug])),
        client.post(reverse("sites:verify", args=[acme.slug])),
        client.post(reverse("sites:remove", args=[acme.slug])),
    ):
        assert response.status_code == 403
        page = response.content.decode()
        assert "You have not connected Acme Store" in page
        assert f"/sites/{acme.slug}/connect/" in page
        assert acme.display_name not in page
    assert Site.objects.filter(pk=acme.pk).exists()


def test_a_numeric_site_in_a_url_is_only_ever_the_users_own_connection(
    agent_client, client, other_user, acme
):
    # Links from before sites were the team's named the owner's connection by number.
    assert agent_client.get(f"/sites/{acme.pk}/tickets/1/").status_code == 200
    client.force_login(other_user)
    assert client.get(f"/sites/{acme.pk}/tickets/1/").status_code == 404


def test_an_address_without_scheme_on_a_site_without_tls_asks_for_the_scheme(
    agent_client, user, sim
):
    admin = sim.acme.site.users["admin"]
    address = sim.acme.base_url.removeprefix("http://")
    response = post_connect(agent_client, base_url=address, app_password=admin.app_password)
    assert response.status_code == 422
    page = response.content.decode()
    assert "The address needs http:// or https://." in page
    assert f"enter http://{address}" in page
    assert "certificate" not in page
    assert not Site.objects.filter(owner=user).exists()


class _Recorder(http.server.BaseHTTPRequestHandler):
    """A server of someone's choosing: it keeps every Authorization header it is sent."""

    seen: list[str] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.headers.get("Authorization", ""))
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_edit_form_cannot_send_the_password_to_another_address(agent_client, acme, recorder):
    """The address is the team's: a posted one is ignored, so the stored password only ever
    goes back to the site it was given for."""
    stored = acme.app_password
    response = agent_client.post(
        reverse("sites:edit", args=[acme.slug]),
        {
            "base_url": f"http://127.0.0.1:{recorder.server_address[1]}",
            "username": "admin",
            "app_password": "",
        },
    )
    assert response.status_code == 302
    assert _Recorder.seen == []
    acme.refresh_from_db()
    assert acme.app_password == stored
    assert (
        acme.base_url.startswith("http://127.0.0.1:")
        and str(recorder.server_address[1]) not in acme.base_url
    )


def test_edit_to_a_new_username_needs_the_password_again(agent_client, acme, sim):
    response = agent_client.post(
        reverse("sites:edit", args=[acme.slug]),
        {"label": "", "base_url": acme.base_url, "username": "maria", "app_password": ""},
    )
    assert response.status_code == 422
    assert "Enter the Application Password again" in response.content.decode()
    acme.refresh_from_db()
    assert acme.username == "admin"


@pytest.mark.parametrize(
    "address", ["https://example.com:99999", "https://[::1", "http://[::1]:70000/wp-json"]
)
def test_a_malformed_address_is_a_form_error_not_a_crash(agent_client, acme, address):
    response = agent_client.post(
        reverse("sites:connect"), {"base_url": address, "username": "admin", "app_password": "x"}
    )
    assert response.status_code == 422
    assert "a port, if any, is a number from 1 to 65535" in response.content.decode()
