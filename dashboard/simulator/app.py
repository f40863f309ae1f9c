"""The simulated site: state, controls (latency, faults, log) and the WSGI entry point.

Requests flow like they do through WordPress: find the REST route (or answer
`rest_no_route`), run its permission check (401/403 `rest_forbidden`), then the handler.
Latency and faults are applied before any of that, so they behave like a slow or broken host.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import ipaddress
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy as email_policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

from . import crm, crm_writes, files, support, wp
from .data import ADMIN_APP_PASSWORD, ADMIN_USERNAME, Store, User, add_response, build_store
from .serialize import Clock

FAULT_KINDS = (
    "status_500",
    "status_502",
    "invalid_json",
    "html_200",
    "timeout",
    "reset",
    "revoked_401",
    "forbidden_403",
    "plugin_missing_404",
)
# Long enough to outlast any client timeout; released early by reset(), clear_faults(), stop.
DEFAULT_TIMEOUT_SECONDS = 300.0
VIEWER_TTL_SECONDS = 60.0


@dataclass(frozen=True)
class LoggedRequest:
    """One request the site answered (or dropped: status 0)."""

    method: str
    path: str
    query: str
    status: int
    user: str | None
    started_at: float
    duration_ms: float


@dataclass
class Fault:
    kind: str
    route: str | None
    method: str | None
    rate: float
    seconds: float | None
    rng: random.Random


@dataclass
class Reply:
    """A handler's answer: JSON body unless `raw` is given."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json; charset=UTF-8"
    allow: bool = True  # whether the route's Allow header belongs on this answer


@dataclass
class Request:
    method: str
    path: str  # after /wp-json, e.g. /fluent-support/v2/tickets
    query: dict[str, Any]
    body: dict[str, Any]
    user: User | None
    base_url: str
    args: dict[str, str]

    def param(self, name: str, default: Any = None) -> Any:
        if name in self.body:
            return self.body[name]
        return self.query.get(name, default)


class DropConnection(ConnectionAbortedError):
    """Raised to close the client's connection without any answer."""


def php_parse(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Parse `a[b][]=1` style keys into nested dicts and lists, like PHP's $_GET."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        match = re.match(r"^([^\[]+)((?:\[[^\]]*\])*)$", key)
        if not match:
            out[key] = value
            continue
        parts = [match.group(1), *re.findall(r"\[([^\]]*)\]", match.group(2))]
        node: Any = out
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if isinstance(node, list):
                if last:
                    node.append(value)
                    break
                child: Any = [] if parts[index + 1] == "" else {}
                node.append(child)
                node = child
                continue
            if last:
                node[part] = value
            else:
                want_list = parts[index + 1] == ""
                existing = node.get(part)
                if not isinstance(existing, (dict, list)):
                    existing = [] if want_list else {}
                    node[part] = existing
                node = existing
    return out


class SimulatedSite:
    """One WordPress site with Fluent Support and (optionally) FluentCRM, in memory."""

    def __init__(
        self,
        seed: int = 1,
        name: str = "Acme Store",
        crm: bool = True,
        support: bool = True,
        tickets: int = 150,
        customers: int = 60,
        contacts: int = 80,
        hostile: bool = False,
        timezone: str = "America/New_York",
        now: datetime | None = None,
        admin_username: str = ADMIN_USERNAME,
        admin_password: str = ADMIN_APP_PASSWORD,
    ) -> None:
        self.seed = seed
        self.name = name
        self.crm_enabled = crm
        self.support_enabled = support
        self.hostile = hostile
        self.timezone = timezone
        self.clock = Clock(timezone)
        # The monotonic clock used for "now" after construction and for viewer expiry; tests
        # may replace it to move time forward without sleeping.
        self.monotonic: Callable[[], float] = time.monotonic
        origin = (now or datetime.now(UTC)).astimezone(UTC)
        self.now = origin.replace(microsecond=0)
        # The precise start, read together with the monotonic clock (before the seed data is
        # built, which takes a while), so the running clock matches real time to the second.
        self._origin = origin
        self._started = self.monotonic()
        self._sizes = {"tickets": tickets, "customers": customers, "contacts": contacts}
        self._admin = (admin_username, admin_password)
        self.lock = threading.RLock()
        self._log_lock = threading.Lock()
        self.request_log: list[LoggedRequest] = []
        self._faults: list[Fault] = []
        self._latency_default_ms = 0.0
        self._latency_routes: list[tuple[str, float]] = []
        self._release = threading.Event()
        self._store = self._build()
        self.viewers: dict[int, dict[int, float]] = {}
        self._sort_cache: dict[tuple[str, bool], tuple[int, list[int]]] = {}

    # ----------------------------------------------------------------- data access
    def _build(self) -> Store:
        return build_store(
            seed=self.seed,
            name=self.name,
            now=self.now,
            tickets=self._sizes["tickets"],
            customers=self._sizes["customers"],
            contacts=self._sizes["contacts"],
            hostile=self.hostile,
            admin_username=self._admin[0],
            admin_password=self._admin[1],
        )

    @property
    def store(self) -> Store:
        return self._store

    @property
    def users(self) -> dict[str, User]:
        return self._store.users

    @property
    def tickets(self) -> dict[int, dict[str, Any]]:
        return self._store.tickets

    @property
    def responses(self) -> dict[int, dict[str, Any]]:
        return self._store.responses

    @property
    def customers(self) -> dict[int, dict[str, Any]]:
        return self._store.customers

    @property
    def agents(self) -> dict[int, dict[str, Any]]:
        return self._store.agents

    @property
    def contacts(self) -> dict[int, dict[str, Any]]:
        return self._store.contacts

    def current_time(self) -> datetime:
        """The seed's `now` plus real time elapsed since construction, to the second."""
        elapsed = max(0.0, self.monotonic() - self._started)
        return (self._origin + timedelta(seconds=elapsed)).replace(microsecond=0)

    # ----------------------------------------------------------------- controls
    def reset(self) -> None:
        """Back to the seed: data, viewers, latency, faults and the request log."""
        with self.lock:
            # The clock keeps running across resets: a site's time never goes backwards, so
            # a write after a reset is always newer than anything a client saw before it.
            self._store = self._build()
            self.viewers = {}
            self._sort_cache = {}
        self.clear_faults()
        self._latency_default_ms = 0.0
        self._latency_routes = []
        self.clear_log()

    def set_latency(self, ms: float, route: str | None = None) -> None:
        """Delay answers by `ms`; `route` is a glob over the path after /wp-json."""
        if route is None:
            self._latency_default_ms = float(ms)
        else:
            self._latency_routes = [(r, v) for r, v in self._latency_routes if r != route]
            self._latency_routes.append((route, float(ms)))

    def add_fault(
        self,
        kind: str,
        route: str | None = None,
        method: str | None = None,
        rate: float = 1.0,
        seconds: float | None = None,
    ) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        seed = f"{self.seed}-{kind}-{route}-{method}-{len(self._faults)}"
        self._faults.append(
            Fault(
                kind, route, method.upper() if method else None, rate, seconds, random.Random(seed)
            )
        )

    def clear_faults(self) -> None:
        self._faults = []
        self.release_hanging()

    def release_hanging(self) -> None:
        """Wake every request held by a `timeout` fault or a latency delay."""
        old = self._release
        self._release = threading.Event()
        old.set()

    def clear_log(self) -> None:
        with self._log_lock:
            self.request_log = []

    def count(self, method: str | None = None, route: str | None = None) -> int:
        """How many logged requests match; `route` globs the path (with or without /wp-json)."""
        total = 0
        for entry in list(self.request_log):
            if method is not None and entry.method != method.upper():
                continue
            if route is not None and not _route_matches(route, entry.path):
                continue
            total += 1
        return total

    def add_customer_reply(self, ticket_id: int, html: str) -> dict[str, Any]:
        """Add a reply from the ticket's customer, as the customer portal would."""
        with self.lock:
            ticket = self._store.tickets[ticket_id]
            row = add_response(
                self._store, ticket, ticket["customer_id"], "response", html, self.current_time()
            )
            if ticket["status"] == "closed":
                ticket["status"] = "active"
            return row

    def set_app_password(self, username: str, password: str | None) -> None:
        """Set (or with None revoke) a user's application password."""
        with self.lock:
            self._store.users[username].app_password = password or ""

    def sorted_ticket_ids(self, order_by: str, descending: bool) -> list[int]:
        """Ticket ids in the requested order, cached until the next write."""
        key = (order_by, descending)
        cached = self._sort_cache.get(key)
        if cached and cached[0] == self._store.version:
            return cached[1]
        tickets = self._store.tickets

        def sort_key(tid: int) -> tuple:
            value = tickets[tid].get(order_by)
            if isinstance(value, str):
                value = value.casefold()  # the tables' collation ignores case ("API" < "Bulk")
            return (value is not None, value if value is not None else 0)

        # MySQL's order, as recorded: NULLs first ascending and last descending, and no second
        # sort key, so equal values stay in ascending id order in both directions (a stable
        # sort of the ids, ascending first; reverse=True keeps that stability).
        if order_by == "id":
            ids = sorted(tickets, reverse=descending)
        else:
            ids = sorted(sorted(tickets), key=sort_key, reverse=descending)
        self._sort_cache[key] = (self._store.version, ids)
        return ids

    def touch(self) -> None:
        """Record that data changed (invalidates cached sort orders)."""
        self._store.version += 1

    # ----------------------------------------------------------------- WSGI
    def __call__(self, environ: dict[str, Any], start_response: Callable) -> list[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if path.startswith("/__simulator__"):
            return self._control(environ, start_response, path)
        started_at = time.time()
        started = time.perf_counter()
        method = environ.get("REQUEST_METHOD", "GET").upper()
        query_string = environ.get("QUERY_STRING", "")
        rest_path = _rest_path(path, query_string)
        status = 0
        username: str | None = None
        logged = False
        try:
            self._delay(rest_path if rest_path is not None else path)
            reply, username = self._answer(environ, method, path, rest_path, query_string)
            status = reply.status
            return self._send(start_response, reply, environ, rest_path, username is not None)
        except DropConnection:
            # Log before the connection drops: a client that sees the reset must also find
            # its request in the log.
            self._log(method, path, query_string, status, username, started_at, started)
            logged = True
            drop = environ.get("simulator.drop")
            if drop is not None:
                drop()
            raise
        finally:
            if not logged:
                self._log(method, path, query_string, status, username, started_at, started)

    def _log(self, method, path, query, status, username, started_at, started) -> None:
        entry = LoggedRequest(
            method=method,
            path=path,
            query=query,
            status=status,
            user=username,
            started_at=started_at,
            duration_ms=(time.perf_counter() - started) * 1000.0,
        )
        with self._log_lock:
            self.request_log.append(entry)

    def _delay(self, route_path: str) -> None:
        delay = self._latency_default_ms
        for pattern, ms in self._latency_routes:
            if _route_matches(pattern, route_path):
                delay = ms
        if delay > 0:
            self._release.wait(delay / 1000.0)

    def _pick_fault(self, route_path: str, method: str) -> Fault | None:
        for fault in list(self._faults):
            if fault.method is not None and fault.method != method:
                continue
            if fault.route is not None and not _route_matches(fault.route, route_path):
                continue
            if fault.rate >= 1.0 or fault.rng.random() < fault.rate:
                return fault
        return None

    def _answer(
        self,
        environ: dict[str, Any],
        method: str,
        path: str,
        rest_path: str | None,
        query_string: str,
    ) -> tuple[Reply, str | None]:
        base_url = _base_url(environ)
        fault = self._pick_fault(rest_path if rest_path is not None else path, method)
        if fault is not None and fault.kind not in ("invalid_json", "html_200"):
            reply = self._fault_reply(fault, base_url)
            if reply is not None:
                return reply, None
        if rest_path is None:
            if path in ("/", "/index.php") and "fst_file=" in query_string:
                # The plugin's signed file links, answered before any REST routing.
                file_query = php_parse(parse_qsl(query_string, keep_blank_values=True))
                with self.lock:
                    return files.serve(self, file_query), None
            if path in ("/", "/index.php") and "ns_url=" in query_string and self.crm_enabled:
                # FluentCRM's tracked links in sent emails (no auth): a redirect and a click.
                with self.lock:
                    tracked = crm_writes.track_click(
                        self, php_parse(parse_qsl(query_string, keep_blank_values=True))
                    )
                if tracked is not None:
                    return tracked, None
            return wp.html_page(self), None
        query = php_parse(parse_qsl(query_string, keep_blank_values=True))
        query.pop("rest_route", None)
        try:
            body = _read_body(environ)
        except ValueError:
            return wp.invalid_json(), None
        user = self._authenticate(environ.get("HTTP_AUTHORIZATION", ""))
        request = Request(method, rest_path, query, body, user, base_url, {})
        with self.lock:
            reply = self._dispatch(request)
        if fault is not None and fault.kind == "invalid_json" and reply.raw is None:
            text = json.dumps(reply.body, ensure_ascii=False).encode("utf-8")
            reply = Reply(200, raw=text[: max(1, len(text) // 2)], headers=reply.headers)
        if fault is not None and fault.kind == "html_200":
            # The request was handled (a write is applied), then something in front of the
            # site (a security or cache plugin, a proxy) answered with a web page instead.
            reply = wp.html_page(self)
        return reply, user.username if user else None

    def _fault_reply(self, fault: Fault, base_url: str) -> Reply | None:
        kind = fault.kind
        if kind == "timeout":
            released = self._release.wait(
                fault.seconds if fault.seconds is not None else DEFAULT_TIMEOUT_SECONDS
            )
            if released:
                raise DropConnection
            return None  # a slow answer rather than none: answer normally after the wait
        if kind == "reset":
            raise DropConnection
        if kind == "status_500":
            return wp.critical_error()
        if kind == "status_502":
            return wp.bad_gateway()
        if kind == "revoked_401":
            return wp.rest_forbidden(401)
        if kind == "forbidden_403":
            return wp.rest_forbidden(403)
        if kind == "plugin_missing_404":
            return wp.no_route()
        return None

    def _authenticate(self, header: str) -> User | None:
        if not header.lower().startswith("basic "):
            return None
        try:
            decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        username, _, password = decoded.partition(":")
        user = self._store.users.get(username)
        if user is None:
            for candidate in self._store.users.values():
                if candidate.email.lower() == username.lower():
                    user = candidate
        if user is None or not user.app_password:
            return None
        if password.replace(" ", "") != user.app_password.replace(" ", ""):
            return None
        return user

    def _dispatch(self, request: Request) -> Reply:
        routes = list(wp.ROUTES)
        if self.support_enabled:
            routes += support.ROUTES
        if self.crm_enabled:
            routes += crm.ROUTES
        for route in routes:
            match = route.pattern.fullmatch(request.path.rstrip("/") or "/")
            if match is None:
                continue
            handler = route.methods.get(request.method)
            if handler is None:
                if request.method == "HEAD" and "GET" in route.methods:
                    handler = route.methods["GET"]
                else:
                    continue
            denied = route.check(request.user)
            if denied is not None:
                return wp.rest_forbidden(denied)
            request.args = match.groupdict()
            reply = handler(self, request)
            if reply.allow:
                reply.headers.setdefault("Allow", route.allow)
            return reply
        return wp.no_route()

    def _send(
        self,
        start_response: Callable,
        reply: Reply,
        environ: dict[str, Any],
        rest_path: str | None,
        signed_in: bool,
    ) -> list[bytes]:
        base_url = _base_url(environ)
        if reply.raw is not None:
            payload = reply.raw
        else:
            payload = json.dumps(reply.body, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {}
        if rest_path is not None and reply.content_type.startswith("application/json"):
            headers.update(wp.rest_headers(base_url, signed_in))
        headers.update(reply.headers)
        headers["Content-Type"] = reply.content_type
        headers["Content-Length"] = str(len(payload))
        start_response(f"{reply.status} {_REASONS.get(reply.status, 'OK')}", list(headers.items()))
        if environ.get("REQUEST_METHOD") == "HEAD":
            return [b""]
        return [payload]

    # ----------------------------------------------------------------- HTTP controls
    def _control(self, environ: dict[str, Any], start_response: Callable, path: str) -> list:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if not _local_control(environ):
            # The controls reset data, inject faults and change passwords: only a process on
            # this machine may use them, and only by a loopback name, so that a web page
            # rebinding its own name to 127.0.0.1 cannot reach them from a browser either.
            payload = json.dumps({"error": "simulator controls answer on loopback only"})
            start_response(
                "403 Forbidden",
                [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
            )
            return [payload.encode()]
        query = php_parse(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        try:
            body = _read_body(environ)
        except ValueError:
            body = {}
        params = {**query, **body}
        action = path[len("/__simulator__") :].strip("/")
        status, out = 200, {"ok": True}
        try:
            if action == "reset" and method == "POST":
                self.reset()
            elif action == "latency" and method in ("POST", "PUT"):
                self.set_latency(float(params.get("ms", 0)), params.get("route") or None)
            elif action == "faults" and method == "POST":
                seconds = params.get("seconds")
                self.add_fault(
                    str(params["kind"]),
                    route=params.get("route") or None,
                    method=params.get("method") or None,
                    rate=float(params.get("rate", 1.0)),
                    seconds=float(seconds) if seconds not in (None, "") else None,
                )
            elif action == "faults" and method == "DELETE":
                self.clear_faults()
            elif action == "log" and method == "GET":
                out = {"requests": [entry.__dict__ for entry in list(self.request_log)]}
            elif action == "log" and method == "DELETE":
                self.clear_log()
            elif action == "count" and method == "GET":
                out = {"count": self.count(params.get("method"), params.get("route"))}
            elif action == "customer-reply" and method == "POST":
                row = self.add_customer_reply(int(params["ticket_id"]), str(params["html"]))
                out = {"ok": True, "response_id": row["id"]}
            elif action == "app-password" and method == "POST":
                self.set_app_password(str(params["username"]), params.get("password"))
            elif action in ("", "state") and method == "GET":
                out = {
                    "name": self.name,
                    "seed": self.seed,
                    # Whether a user has a password, never the password: tests and tools
                    # read passwords from the SimulatedSite object in their own process.
                    "users": {
                        u.username: {"has_app_password": bool(u.app_password), "role": u.role}
                        for u in self.users.values()
                    },
                }
            else:
                status, out = 404, {"error": f"unknown control {method} {action}"}
        except (KeyError, ValueError) as exc:
            status, out = 400, {"error": str(exc)}
        payload = json.dumps(out, default=str).encode()
        start_response(
            f"{status} {_REASONS.get(status, 'OK')}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
        )
        return [payload]


def _is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%")[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def _local_control(environ: dict[str, Any]) -> bool:
    """A loopback client that addressed the simulator by a loopback name."""
    host = environ.get("HTTP_HOST", "")
    if host.startswith("["):  # an IPv6 literal, with or without a port
        name = host[1 : host.find("]")] if "]" in host else ""
    else:
        name = host.split(":")[0]
    local_name = name.lower() == "localhost" or _is_loopback(name)
    return local_name and _is_loopback(environ.get("REMOTE_ADDR", ""))


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    307: "Temporary Redirect",
    422: "Unprocessable Entity",
    423: "Locked",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def _route_matches(pattern: str, path: str) -> bool:
    candidates = [path]
    if path.startswith("/wp-json"):
        candidates.append(path[len("/wp-json") :] or "/")
    return any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates)


def _rest_path(path: str, query_string: str) -> str | None:
    if path == "/wp-json" or path.startswith("/wp-json/"):
        return path[len("/wp-json") :] or "/"
    # WordPress also serves the REST API at /?rest_route=/... on sites without pretty links.
    if path in ("/", "/index.php") and "rest_route=" in query_string:
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            if key == "rest_route":
                return value or "/"
    return None


def _base_url(environ: dict[str, Any]) -> str:
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST")
    if not host:
        host = environ.get("SERVER_NAME", "127.0.0.1")
        port = environ.get("SERVER_PORT", "80")
        if port not in ("80", "443"):
            host = f"{host}:{port}"
    return f"{scheme}://{host}"


def _read_body(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return {}
    raw = environ["wsgi.input"].read(length)
    content_type = environ.get("CONTENT_TYPE", "")
    if "json" in content_type:
        try:
            data = json.loads(raw.decode("utf-8") or "null")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError("invalid JSON body") from exc
        return data if isinstance(data, dict) else {}
    if "multipart" in content_type:
        return _multipart(raw, content_type)
    return php_parse(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


def _multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    """A multipart/form-data body: text fields as strings, files as dicts with their bytes."""
    message = BytesParser(policy=email_policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
    )
    out: dict[str, Any] = {}
    if not message.is_multipart():
        return out
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            out[str(name)] = {
                "filename": filename,
                "content_type": part.get_content_type(),
                "content": payload,
            }
        else:
            out[str(name)] = payload.decode("utf-8", "replace")
    return out
