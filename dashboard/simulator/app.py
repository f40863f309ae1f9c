"""The simulated site's WSGI entry point: routing, authentication, faults and the controls.

Requests flow like they do through WordPress: find the REST route (or answer
`rest_no_route`), run its permission check (401/403 `rest_forbidden`), then the handler.
Latency and faults are applied before any of that, so they behave like a slow or broken host.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from . import files, wp
from .crm import routes as crm_routes
from .crm.emails import track_click
from .rest import DropConnection, Reply, Request, php_parse, read_body
from .state import DEFAULT_TIMEOUT_SECONDS, Fault, SiteState
from .store import User
from .support import routes as support_routes


class SimulatedSite(SiteState):
    """One WordPress site with Fluent Support and (optionally) FluentCRM, answering over WSGI."""

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
        self._begin()
        try:
            route = rest_path if rest_path is not None else path
            # A read may be answered first and sent once its latency is up; a write keeps
            # waiting first, so it is applied as late as a slow site applies it.
            within = self.latency_includes_work and method == "GET"
            if not within:
                self._delay(route)
            reply, username = self._answer(environ, method, path, rest_path, query_string)
            status = reply.status
            body = self._send(start_response, reply, environ, rest_path, username is not None)
            if within:
                self._delay(route, since=started)
            return body
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
            self._end()

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
                    tracked = track_click(
                        self, php_parse(parse_qsl(query_string, keep_blank_values=True))
                    )
                if tracked is not None:
                    return tracked, None
            return wp.html_page(self), None
        query = php_parse(parse_qsl(query_string, keep_blank_values=True))
        query.pop("rest_route", None)
        try:
            body = read_body(environ)
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
            routes += support_routes.ROUTES
        if self.crm_enabled:
            routes += crm_routes.ROUTES
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
            body = read_body(environ)
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
