"""The SSRF guard on every upstream request: internal addresses refused, the connection made to
the address that was checked, never to a second answer of the resolver."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest
from django.urls import reverse

from dashboard.fluent import errors
from dashboard.fluent.address import AddressRefused, allowed_addresses
from dashboard.fluent.client import Credential
from dashboard.fluent.client import client_for as client_for_credential
from dashboard.fluent.discovery import ConnectError, check_address, normalise_base_url, probe
from dashboard.fluent.tickets import TicketQuery, ticket_list
from dashboard.sites.models import TeamSite
from dashboard.sites.services import client_for

ALL = TicketQuery(status_type="all")
# example.com's address: public, and never reached from the test machine in time.
PUBLIC = "93.184.215.14"
NAME = "rebind.test"

NOT_GLOBAL = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.100.100.200",
    "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
    "224.0.0.1",
    "192.0.0.8",
    "::1",
    "fec0::1",
    "fd00::1",
    "fe80::1",
    "2002:a00:1::",
    "2002:7f00:1::",
    "::ffff:127.0.0.1",
    "64:ff9b::a00:1",
    "2001:db8::1",
]


class Resolver:
    """Stands in for the system resolver (``socket.getaddrinfo``) for one name: answers in turn,
    the last one from then on. Every other name and literal goes to the real resolver."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> None:
        self.answers = answers
        self.calls = 0
        self._real = socket.getaddrinfo
        monkeypatch.setattr(socket, "getaddrinfo", self)

    def __call__(self, host, port, *args, **kwargs):
        if host != NAME:
            return self._real(host, port, *args, **kwargs)
        answer = self.answers[min(self.calls, len(self.answers) - 1)]
        self.calls += 1
        family = socket.AF_INET6 if ":" in answer else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (answer, int(port or 0)))]


@pytest.fixture
def rebound(acme, sim, settings):
    """Acme, as if connected while its name resolved to a public address, with private
    addresses not allowed (as in production)."""
    port = sim.acme.server.base_url.rsplit(":", 1)[1]
    TeamSite.objects.filter(pk=acme.team_site_id).update(base_url=f"http://{NAME}:{port}")
    acme.refresh_from_db()
    settings.UPSTREAM_ALLOW_PRIVATE = False
    settings.UPSTREAM_CONNECT_TIMEOUT = 0.5
    sim.acme.site.clear_log()
    return acme


@pytest.mark.parametrize("address", NOT_GLOBAL)
def test_addresses_that_are_not_global_are_refused(address):
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(ConnectError) as refused:
        check_address(f"https://{host}", allow_private=False)
    assert refused.value.kind == "blocked"


@pytest.mark.parametrize("address", NOT_GLOBAL)
def test_a_name_resolving_to_an_address_that_is_not_global_is_refused(monkeypatch, address):
    Resolver(monkeypatch, [address])
    with pytest.raises(AddressRefused):
        allowed_addresses(NAME, 443, allow_private=False)


def test_a_public_address_is_allowed(monkeypatch):
    Resolver(monkeypatch, [PUBLIC])
    assert allowed_addresses(NAME, 443, allow_private=False) == [PUBLIC]


def test_a_site_whose_name_now_points_at_loopback_is_not_fetched(rebound, sim, monkeypatch):
    Resolver(monkeypatch, ["127.0.0.1"])
    with pytest.raises(errors.UnavailableError) as failed:
        ticket_list(client_for(rebound), query=ALL, refresh=True)
    assert "internal address" in failed.value.message
    assert sim.acme.site.request_log == []


def test_a_rebinding_resolver_cannot_reach_loopback(rebound, sim, monkeypatch):
    # Public when checked, 127.0.0.1 from then on: a transport that resolved the name again to
    # connect would reach the simulated site listening on 127.0.0.1.
    resolver = Resolver(monkeypatch, [PUBLIC, "127.0.0.1"])
    client = client_for(rebound)
    for _ in range(3):
        with pytest.raises(errors.UnavailableError):
            ticket_list(client, query=ALL, refresh=True)
    assert sim.acme.site.request_log == []
    # One resolution per request: the connection used the address that was checked.
    assert resolver.calls == 3


def test_the_address_is_checked_when_private_addresses_are_allowed_too(acme, sim):
    # Tests and the demo talk to 127.0.0.1 with UPSTREAM_ALLOW_PRIVATE on: that keeps working.
    assert ticket_list(client_for(acme), query=ALL, refresh=True).total > 0


class _Redirecting(http.server.BaseHTTPRequestHandler):
    """A site that sends every request to the cloud metadata address."""

    followed: list[str] = []

    def do_GET(self):
        _Redirecting.followed.append(self.path)
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_is_refused_not_followed(db):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        credential = Credential(
            key="redirecting",
            base_url=f"http://127.0.0.1:{server.server_port}",
            username="admin",
            app_password="secret",
        )
        with pytest.raises(errors.UpstreamError) as refused:
            client_for_credential(credential).get("/wp-json/", kind="identity", refresh=True)
        assert "redirect" in refused.value.message
        with pytest.raises(ConnectError) as probed:
            probe(credential.base_url, "admin", "secret")
        assert probed.value.kind == "redirect"
    finally:
        server.shutdown()
        server.server_close()
    # Only our own two requests arrived; the metadata address was never asked.
    assert [path.split("?")[0] for path in _Redirecting.followed] == ["/wp-json/", "/wp-json/"]


@pytest.mark.parametrize(
    "address", ["https://example.com:99999", "https://[::1", "https://example.com:0"]
)
def test_an_address_that_cannot_be_parsed_is_refused_with_a_message(address):
    with pytest.raises(ConnectError) as refused:
        check_address(normalise_base_url(address), allow_private=False)
    assert refused.value.kind == "invalid_url"


def test_the_connect_form_answers_an_impossible_port_with_a_message(agent_client, sim):
    response = agent_client.post(
        reverse("sites:connect"),
        {
            "label": "",
            "base_url": "https://example.com:99999",
            "username": "a",
            "app_password": "b",
        },
    )
    assert response.status_code < 500
    assert "Enter a web address" in response.content.decode()
