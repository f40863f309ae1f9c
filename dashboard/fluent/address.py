"""The SSRF guard: which addresses may be contacted, and a transport that connects only to those.

One function, :func:`allowed_addresses`, decides: it resolves the name and refuses every answer
that is not a public internet address (private, loopback, link-local, shared CGNAT space, cloud
metadata, site-local, unique-local, and IPv6 forms that carry such an IPv4 address inside them),
unless ``UPSTREAM_ALLOW_PRIVATE`` is on. Connecting a site uses it, and so does every request
afterwards: :class:`GuardedAdapter` resolves once per request, checks, and opens the socket to
the very address it checked, keeping the name for the Host header and for TLS (SNI and the
certificate check). A name that answers with a public address when checked and 127.0.0.1 a
moment later (DNS rebinding) therefore never gets us to 127.0.0.1.
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError

from dashboard.fluent.sending import note_answered, note_sending

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_HOSTS = {"169.254.169.254", "fd00:ec2::254", "100.100.100.200", "metadata.google.internal"}

# Ranges ``is_global`` lets through in some Python versions, or that hide an IPv4 address.
_NOT_GLOBAL = [
    ipaddress.ip_network(net)
    for net in (
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "192.0.0.0/24",  # IETF protocol assignments
        "fec0::/10",  # deprecated site-local
        "fc00::/7",  # unique-local
        "2001:db8::/32",  # documentation
    )
]


class AddressRefused(requests.ConnectionError):
    """The site's name resolves to an address the dashboard must not contact, or not at all.

    A ``requests.ConnectionError`` so the client maps it like any failed connection; nothing
    was sent, so a write refused here was certainly not applied.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for: mapped, 6to4, NAT64 or Teredo."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in ipaddress.ip_network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.teredo is not None:
        return address.teredo[1]
    return None


def is_public(address: IPAddress) -> bool:
    """Whether an address is on the public internet (and no metadata service)."""
    if str(address) in METADATA_HOSTS:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None and not is_public(inner):
            return False
    if any(address in net for net in _NOT_GLOBAL if net.version == address.version):
        return False
    return address.is_global and not address.is_multicast


def allowed_addresses(host: str, port: int, *, allow_private: bool | None = None) -> list[str]:
    """Resolve ``host`` and return the addresses a request may connect to, in the resolver's
    order; raise :class:`AddressRefused` if it does not resolve or any answer is refused (a name
    that mixes public and internal answers is refused whole)."""
    allow_private = settings.UPSTREAM_ALLOW_PRIVATE if allow_private is None else allow_private
    name = (host or "").strip("[]").lower()
    if name in METADATA_HOSTS:
        raise AddressRefused("blocked", "That address belongs to a cloud metadata service.")
    try:
        infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise AddressRefused(
            "dns", f"The name {name} could not be resolved. Check the address."
        ) from None
    found: list[str] = []
    for info in infos:
        text = str(info[4][0]).split("%")[0]
        address = ipaddress.ip_address(text)
        if str(address) in METADATA_HOSTS:
            raise AddressRefused("blocked", "That address belongs to a cloud metadata service.")
        if not allow_private and not is_public(address):
            raise AddressRefused(
                "blocked",
                f"{name} resolves to an internal address ({address}); "
                "only public sites can be contacted.",
            )
        if text not in found:
            found.append(text)
    if not found:
        raise AddressRefused("dns", f"The name {name} could not be resolved. Check the address.")
    return found


# The checked addresses for the request being sent in this thread: {host name: [addresses]}.
_pinned: contextvars.ContextVar[dict[str, list[str]] | None] = contextvars.ContextVar(
    "pinned_addresses", default=None
)


class _PinnedConnectionMixin:
    """Open the socket to a checked address instead of resolving the name again."""

    def _new_conn(self):  # type: ignore[no-untyped-def]
        pinned = (_pinned.get() or {}).get(self._dns_host.strip("[]").lower())  # type: ignore[attr-defined]
        if pinned is None:
            # Only a connection to a proxy (set by the operator's environment) gets here.
            return super()._new_conn()  # type: ignore[misc]
        name = self._dns_host  # type: ignore[attr-defined]
        last: Exception | None = None
        try:
            for address in pinned:
                self._dns_host = address  # type: ignore[attr-defined]
                try:
                    return super()._new_conn()  # type: ignore[misc]
                except ConnectTimeoutError as error:  # NewConnectionError is one too
                    last = error
        finally:
            self._dns_host = name  # type: ignore[attr-defined]
        assert last is not None
        raise last

    def getresponse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # The request has been written: the thread now only waits for the site. The request
        # thread waits for this before doing its own work meanwhile (parallel.meanwhile), so
        # that its work never holds up a request still being prepared or sent.
        note_sending()
        response = super().getresponse(*args, **kwargs)  # type: ignore[misc]
        note_answered()
        return response


class _PinnedHTTPConnection(_PinnedConnectionMixin, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnectionMixin, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """An adapter that checks each request's address and connects only to what it checked."""

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PinnedHTTPPool,
            "https": _PinnedHTTPSPool,
        }

    def send(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        parts = urlsplit(request.url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = allowed_addresses(host, port)
        token = _pinned.set({host: addresses})
        try:
            return super().send(request, *args, **kwargs)
        finally:
            _pinned.reset(token)


def guard(session: requests.Session, adapter: HTTPAdapter | None = None) -> requests.Session:
    """Mount a guarded adapter for both schemes: every request, a redirect's included, is
    checked. Callers still pass ``allow_redirects=False``: none is followed."""
    adapter = adapter or GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
