"""A real HTTP client for the dashboard: log in like a browser, time each request, read the
``Server-Timing`` header the dashboard sets on every answer."""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, field

import requests

_TIMING_PART = re.compile(r'([\w-]+)\s*(?:;\s*dur=([\d.]+))?\s*(?:;\s*desc="?([^",]*)"?)?')
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
_HX_TAG = re.compile(r"<[a-zA-Z][^>]*\bhx-get=\"[^\"]*\"[^>]*>", re.S)
_ATTR = re.compile(r'\s(hx-get|hx-trigger|hx-target|id)="([^"]*)"')


@dataclass
class ServerTiming:
    app_ms: float | None = None
    upstream_ms: float | None = None
    wait_ms: float | None = None  # the request thread waiting on sites (answers read)
    upstream_calls: int | None = None
    cache_hits: int | None = None

    @classmethod
    def parse(cls, header: str) -> ServerTiming:
        """Read ``app;dur=X, upstream;dur=Y, wait;dur=W, upstream-calls;desc="N",
        cache-hits;desc="M"``."""
        timing = cls()
        for part in header.split(","):
            match = _TIMING_PART.match(part.strip())
            if not match:
                continue
            name, duration, description = match.groups()
            if name == "app" and duration:
                timing.app_ms = float(duration)
            elif name == "upstream" and duration:
                timing.upstream_ms = float(duration)
            elif name == "wait" and duration:
                timing.wait_ms = float(duration)
            elif name == "upstream-calls" and description and description.isdigit():
                timing.upstream_calls = int(description)
            elif name == "cache-hits" and description and description.isdigit():
                timing.cache_hits = int(description)
        return timing


@dataclass
class Sample:
    """One timed request: what the client saw and what the server and the sites said."""

    path: str
    status: int
    wall_ms: float
    size: int  # the body as the browser reads it (decompressed)
    timing: ServerTiming
    text: str = field(repr=False, default="")
    # Calls the simulated sites logged while the request ran (their own request log).
    site_calls: int = 0
    routes: list[str] = field(default_factory=list)
    # What crossed the network: the gzipped body when the dashboard compressed it.
    wire_size: int = 0
    # The longest any site took to answer one of those calls (L plus the site's own work).
    slowest_call_ms: float | None = None


class DashboardClient:
    """One logged-in browser: a ``requests.Session`` holding the session and CSRF cookies."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "SupportDashboardBenchmark/1"
        # What every browser sends: pages are measured as they travel, compressed.
        self.session.headers["Accept-Encoding"] = "gzip"

    def login(self, username: str, password: str) -> None:
        """GET the login form, POST it back with its CSRF token, keep the session cookie."""
        form = self.session.get(f"{self.base_url}/login/", timeout=30)
        self._plain_http_cookies()
        match = _CSRF_INPUT.search(form.text)
        if form.status_code != 200 or match is None:
            raise RuntimeError(f"login form not served (HTTP {form.status_code})")
        answer = self.session.post(
            f"{self.base_url}/login/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": match.group(1),
                "next": "",
            },
            allow_redirects=False,
            timeout=30,
        )
        self._plain_http_cookies()
        if answer.status_code != 302 or "sessionid" not in self.session.cookies:
            raise RuntimeError(f"login refused for {username} (HTTP {answer.status_code})")

    def _plain_http_cookies(self) -> None:
        # With DEBUG off the dashboard marks its cookies Secure, as it should behind the host's
        # TLS proxy. The benchmark speaks plain HTTP to gunicorn on loopback (the proxy hop is
        # not what is measured), so the client keeps sending the cookies over it.
        for cookie in self.session.cookies:
            cookie.secure = False

    def clone(self) -> DashboardClient:
        """The same logged-in user on a new connection (another tab, maybe another worker)."""
        twin = DashboardClient(self.base_url)
        twin.session.cookies.update(self.session.cookies)
        twin._plain_http_cookies()
        return twin

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)

    def get(self, path: str, *, headers: dict[str, str] | None = None) -> Sample:
        """GET ``path``; ``headers`` are what htmx would send for a fragment."""
        started = time.perf_counter()
        response = self.session.get(
            f"{self.base_url}{path}", headers=headers or {}, allow_redirects=False, timeout=60
        )
        body = response.content
        wall_ms = (time.perf_counter() - started) * 1000.0
        # The session slides its idle clock now and then, and the answer sets the cookie again,
        # Secure: keep sending it over the loopback's plain HTTP.
        if "Set-Cookie" in response.headers:
            self._plain_http_cookies()
        return Sample(
            path=path,
            status=response.status_code,
            wall_ms=wall_ms,
            size=len(body),
            wire_size=_wire_size(response, body),
            timing=ServerTiming.parse(response.headers.get("Server-Timing", "")),
            text=body.decode("utf-8", "replace"),
        )


def _wire_size(response: requests.Response, body: bytes) -> int:
    """Bytes on the wire: a compressed answer states its length; a plain one is its body."""
    length = response.headers.get("Content-Length", "")
    if response.headers.get("Content-Encoding") and length.isdigit():
        return int(length)
    return len(body)


@dataclass(frozen=True)
class Fragment:
    """A request htmx makes by itself as soon as an element shows, with the headers it sends."""

    url: str
    headers: tuple[tuple[str, str], ...] = ()


def lazy_fragments(page: str, *, current_url: str = "") -> list[Fragment]:
    """What the page asks htmx to load as soon as it shows (``hx-trigger`` load or revealed):
    the requests a browser makes right after the page itself, in document order."""
    found: list[Fragment] = []
    for tag in _HX_TAG.findall(page):
        attrs = dict(_ATTR.findall(tag))
        trigger = attrs.get("hx-trigger", "")
        triggers = [part.strip().split(" ")[0] for part in trigger.split(",")]
        if not any(word in ("load", "revealed", "intersect") for word in triggers):
            continue
        url = html.unescape(attrs.get("hx-get", ""))
        if not url.startswith("/") or any(f.url == url for f in found):
            continue
        element_id = attrs.get("id", "")
        target = attrs.get("hx-target", "this")
        target_id = element_id if target == "this" else target[1:] if target[:1] == "#" else ""
        headers = [("HX-Request", "true")]
        if target_id:
            headers.append(("HX-Target", target_id))
        if element_id:
            headers.append(("HX-Trigger", element_id))
        if current_url:
            headers.append(("HX-Current-URL", current_url))
        found.append(Fragment(url, tuple(headers)))
    return found
