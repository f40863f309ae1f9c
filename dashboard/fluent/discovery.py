"""Connecting a site: normalise its address, refuse internal ones, verify the credential first.

Every failure says precisely what is wrong: the address does not resolve or connect, TLS fails,
the address is not WordPress (or its REST API is off), the username or Application Password is
wrong, the user is not a Fluent Support agent, or Fluent Support is not active. FluentCRM being
absent is a note, not a failure.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings

from dashboard.fluent.address import AddressRefused, allowed_addresses, guard
from dashboard.fluent.client import CRM, SUPPORT, USER_AGENT


class ConnectError(Exception):
    def __init__(self, kind: str, message: str, *, field_name: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.field_name = field_name


@dataclass
class SiteInfo:
    base_url: str
    site_name: str = ""
    timezone: str = "UTC"
    wp_user_id: int | None = None
    display_name: str = ""
    agent_person_id: int | None = None
    permissions: list[str] = field(default_factory=list)
    has_crm: bool = False
    crm_access: bool = False
    notes: list[str] = field(default_factory=list)


def normalise_base_url(raw: str, *, allow_private: bool | None = None) -> str:
    """``Example.com/`` -> ``https://example.com``; ``http`` only for loopback when allowed."""
    allow_private = settings.UPSTREAM_ALLOW_PRIVATE if allow_private is None else allow_private
    text = (raw or "").strip()
    if not text:
        raise ConnectError("invalid_url", "Enter the site's address.", field_name="base_url")
    if "://" not in text:
        text = f"https://{text}"
    invalid = ConnectError(
        "invalid_url",
        "Enter a web address such as https://support.example.com.",
        field_name="base_url",
    )
    try:
        parts = urlsplit(text)
        port = parts.port  # Raises for a port out of range.
    except ValueError:
        # "https://[::1" or a port of 99999: not an address at all.
        raise invalid from None
    if port == 0 or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConnectError(
            "invalid_url",
            "Enter a web address such as https://support.example.com.",
            field_name="base_url",
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConnectError(
            "invalid_url",
            "Enter only the site's address, without a user name, query or fragment.",
            field_name="base_url",
        )
    path = parts.path.rstrip("/")
    # People paste the REST root or wp-admin; the site's address is what comes before.
    for suffix in ("/wp-json", "/wp-admin", "/wp-login.php"):
        if suffix in path:
            path = path[: path.index(suffix)]
    host = parts.hostname.lower()
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]" if parts.port is None else f"[{host}]:{parts.port}"
    if parts.scheme == "http" and not (allow_private and _is_loopback_name(host)):
        raise ConnectError(
            "insecure",
            "Use an https:// address: the Application Password would travel unencrypted.",
            field_name="base_url",
        )
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def _is_loopback_name(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_address(base_url: str, *, allow_private: bool | None = None) -> None:
    """Refuse a site whose name resolves to an internal address (SSRF guard). The same check
    runs again on every request the dashboard sends (``address.GuardedAdapter``)."""
    parts = urlsplit(base_url)
    try:
        allowed_addresses(
            parts.hostname or "",
            parts.port or (443 if parts.scheme == "https" else 80),
            allow_private=allow_private,
        )
    except AddressRefused as refused:
        raise ConnectError(refused.kind, refused.message, field_name="base_url") from None


def probe(base_url: str, username: str, app_password: str) -> SiteInfo:
    """Verify a credential against the site; raise ConnectError saying what is wrong."""
    typed_scheme = "://" in (base_url or "")
    base_url = normalise_base_url(base_url)
    check_address(base_url)
    session = guard(requests.Session())
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
    timeout = (settings.UPSTREAM_CONNECT_TIMEOUT, settings.UPSTREAM_READ_TIMEOUT)
    try:
        return _probe(session, base_url, username.strip(), app_password, timeout)
    except ConnectError as error:
        # An address typed without a scheme is tried over https. A site that answers there
        # without TLS (a local test site on plain http) is not a certificate problem: the
        # person only has to say which scheme the address has.
        if error.kind == "tls" and not typed_scheme:
            address = base_url.removeprefix("https://")
            raise ConnectError(
                "scheme",
                f"The address needs http:// or https://. {address} did not answer over "
                f"https:// (TLS); if the site has no TLS, enter http://{address}.",
                field_name="base_url",
            ) from None
        raise
    finally:
        session.close()


def _get(
    session: requests.Session, url: str, *, timeout, auth=None, params=None
) -> requests.Response:
    try:
        return session.get(url, auth=auth, params=params, timeout=timeout, allow_redirects=False)
    except AddressRefused as refused:
        raise ConnectError(refused.kind, refused.message, field_name="base_url") from None
    except requests.exceptions.SSLError:
        raise ConnectError(
            "tls",
            "The site's TLS certificate could not be verified "
            "(expired, self-signed or for another name).",
        ) from None
    except requests.Timeout:
        raise ConnectError("timeout", "The site did not answer in time. Is it up?") from None
    except requests.ConnectionError:
        raise ConnectError(
            "connect", "The site could not be reached. Check the address and that the site is up."
        ) from None


def _json(response: requests.Response):
    if "json" not in response.headers.get("Content-Type", ""):
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _probe(session, base_url: str, username: str, app_password: str, timeout) -> SiteInfo:
    info = SiteInfo(base_url=base_url)
    # 1. Is this WordPress with its REST API on? (unauthenticated, like any visitor)
    root = _get(
        session,
        f"{base_url}/wp-json/",
        timeout=timeout,
        params={"_fields": "name,url,home,namespaces,timezone_string,gmt_offset"},
    )
    if 300 <= root.status_code < 400:
        location = root.headers.get("Location", "")
        raise ConnectError(
            "redirect",
            f"The site redirects to {location or 'another address'}; "
            "connect with that address instead.",
            field_name="base_url",
        )
    index = _json(root)
    if root.status_code >= 500:
        raise ConnectError(
            "server_error",
            f"The site answered with a server error ({root.status_code}). Try again later, or "
            "ask the site owner to check its error log.",
        )
    code = index.get("code") if isinstance(index, dict) else None
    if root.status_code in (401, 403) and code:
        raise ConnectError(
            "rest_blocked",
            "The site's REST API refuses requests (a security plugin may block it). Ask the "
            "site owner to allow the REST API for Fluent Support.",
        )
    if root.status_code == 404 and code:
        raise ConnectError(
            "rest_missing",
            "WordPress answered, but its REST API has no routes at /wp-json/. Check the address "
            "(include the folder WordPress is installed in).",
            field_name="base_url",
        )
    if root.status_code != 200 or not isinstance(index, dict) or "namespaces" not in index:
        raise ConnectError(
            "not_wordpress",
            "No WordPress REST API answered at this address (it answered with a web page, "
            "not JSON). "
            "Check the address, or ask the site owner whether the REST API is disabled.",
            field_name="base_url",
        )
    namespaces = index.get("namespaces") or []
    info.site_name = str(index.get("name") or "")
    info.timezone = str(index.get("timezone_string") or "") or _offset_zone(index.get("gmt_offset"))
    # 2. Does the credential work?
    auth = (username, app_password)
    me = _get(
        session,
        f"{base_url}/wp-json/wp/v2/users/me",
        timeout=timeout,
        auth=auth,
        params={"context": "edit"},
    )
    if me.status_code == 401:
        raise ConnectError(
            "auth",
            "WordPress refused this username or Application Password. Use the WordPress username "
            "(not the email) and an Application Password from Users → Profile.",
            field_name="app_password",
        )
    user = _json(me)
    if me.status_code != 200 or not isinstance(user, dict):
        raise ConnectError(
            "not_wordpress", f"WordPress did not confirm the user (HTTP {me.status_code})."
        )
    info.wp_user_id = user.get("id")
    info.display_name = str(user.get("name") or username)
    # 3. Is Fluent Support active, and is this user one of its agents?
    if "fluent-support/v2" not in namespaces:
        raise ConnectError(
            "no_plugin",
            "Fluent Support is not active on this site. Activate the plugin and try again.",
        )
    agent = _get(session, f"{base_url}{SUPPORT}/me", timeout=timeout, auth=auth)
    agent_data = _json(agent)
    person = agent_data.get("person") if isinstance(agent_data, dict) else None
    if (
        agent.status_code in (401, 403)
        or not isinstance(person, dict)
        or person.get("person_type") != "agent"
    ):
        raise ConnectError(
            "not_agent",
            f"{info.display_name} is not a Fluent Support agent on this site. Add them under "
            "Fluent Support → Settings → Support Staff.",
            field_name="username",
        )
    info.agent_person_id = person.get("id")
    info.permissions = [str(p) for p in agent_data.get("permissions") or []]
    # 4. FluentCRM is optional.
    info.has_crm = "fluent-crm/v2" in namespaces
    if info.has_crm:
        crm = _get(
            session,
            f"{base_url}{CRM}/subscribers",
            timeout=timeout,
            auth=auth,
            params={"per_page": 1},
        )
        info.crm_access = crm.status_code == 200
        if not info.crm_access:
            info.notes.append("FluentCRM is active, but this user may not read its contacts.")
    else:
        info.notes.append(
            "FluentCRM is not active here; contacts will be looked up on your other sites."
        )
    return info


def _offset_zone(offset) -> str:
    """WordPress sites set to a UTC offset instead of a city have no zone name."""
    try:
        hours = float(offset)
    except (TypeError, ValueError):
        return "UTC"
    if hours == 0 or hours != int(hours):
        return "UTC"
    # Etc/GMT zones have inverted signs: UTC+2 is Etc/GMT-2.
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(int(hours))}"
