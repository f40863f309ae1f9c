"""Every page and fragment carries the security headers, and our own markup never needs what the
Content-Security-Policy forbids: no inline script, no event-handler attributes, no javascript:
URLs. Every POST is CSRF-protected."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string

from tests.customers.helpers import OLIVIA, customer_by_email

HTMX = {"HTTP_HX_REQUEST": "true"}


def pages(site, ticket_id: int, customer_id: int) -> list[tuple[str, str, dict]]:
    thread = [site.slug, ticket_id]
    panel_query = f"?ticket={ticket_id}"
    return [
        ("inbox", "/", {}),
        ("inbox-one-site", f"/?site={site.slug}", {}),
        ("inbox-rows", f"/?site={site.slug}&status=closed", HTMX),
        ("inbox-counts", reverse("tickets:counts"), HTMX),
        ("thread", reverse("tickets:thread", args=thread), {}),
        ("thread-conversation", reverse("tickets:conversation", args=thread), HTMX),
        ("thread-nav", reverse("tickets:thread_nav", args=thread), HTMX),
        ("panel", reverse("customers:panel", args=[site.slug, customer_id]) + panel_query, HTMX),
        ("panel-page", reverse("customers:panel", args=[site.slug, customer_id]), {}),
        (
            "contact",
            reverse("customers:contact", args=[site.slug, customer_id]) + panel_query,
            HTMX,
        ),
        ("customers", reverse("customers:directory"), {}),
        ("customer", reverse("customers:customer", args=[site.slug, customer_id]), {}),
        ("customer-edit", reverse("customers:edit", args=[site.slug, customer_id]), {}),
        ("customer-delete", reverse("customers:delete", args=[site.slug, customer_id]), {}),
        ("new-ticket", reverse("customers:new_ticket"), {}),
        ("queues", reverse("queues:overview"), {}),
        ("queues-stats", reverse("queues:stats"), HTMX),
        ("sites", reverse("sites:list"), {}),
        ("site-connect", reverse("sites:connect"), {}),
        ("site-edit", reverse("sites:edit", args=[site.slug]), {}),
        ("site-remove", reverse("sites:remove", args=[site.slug]), {}),
        ("saved-replies", reverse("workflow:replies"), {}),
        ("saved-reply-new", reverse("workflow:reply_create"), {}),
        ("reply-picker", f"{reverse('workflow:reply_pick')}?site={site.slug}", HTMX),
        ("sla", reverse("workflow:sla"), {}),
        ("snoozed", reverse("workflow:snoozed"), {}),
        ("password", reverse("password_change"), {}),
        ("not-found", "/no/such/page/", {}),
    ]


PAGE_IDS = [name for name, _, _ in pages(type("S", (), {"pk": 1, "slug": "s"})(), 1, 1)]


@pytest.fixture
def seeded(agent_client, acme, sim):
    olivia = customer_by_email(sim.acme, OLIVIA)
    ticket_id = sim.acme.site.store.tickets_by_customer[olivia["id"]][0]
    agent_client.get(reverse("sites:list"))
    return {name: (path, headers) for name, path, headers in pages(acme, ticket_id, olivia["id"])}


def csp_directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


class MarkupAudit(HTMLParser):
    """Collects what a strict CSP would block, and how each POST form carries its CSRF token."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self.js_urls: list[str] = []
        self.body_csrf_header = False
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and not found.get("src") and found.get("type") != "application/json":
            self.inline_scripts += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            url_attr = name in ("href", "src", "action", "formaction", "hx-get", "hx-post")
            if url_attr and (value or "").strip().lower().startswith(("javascript:", "vbscript:")):
                self.js_urls.append(f"<{tag} {name}={value!r}>")
        if tag == "body" and "X-CSRFToken" in (found.get("hx-headers") or ""):
            self.body_csrf_header = True
        if tag == "form" and (found.get("method") or "").lower() == "post":
            self._form = {"hx": bool(found.get("hx-post")), "token": False, "attrs": found}
            self.forms.append(self._form)
        token = found.get("name") == "csrfmiddlewaretoken" and found.get("value")
        if tag == "input" and self._form is not None and token:
            self._form["token"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


@pytest.mark.parametrize("name", PAGE_IDS)
def test_every_page_sends_the_security_headers(agent_client, seeded, name):
    path, headers = seeded[name]
    response = agent_client.get(path, **headers)

    assert response.status_code < 500
    csp = csp_directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]
    for directive in ("script-src", "default-src"):
        for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "data:", "*"):
            assert unsafe not in csp.get(directive, [])
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    )
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("name", PAGE_IDS)
def test_our_markup_needs_no_inline_script_or_event_handlers(agent_client, seeded, name):
    path, headers = seeded[name]
    audit = MarkupAudit()
    audit.feed(agent_client.get(path, **headers).content.decode())

    assert audit.inline_scripts == 0
    assert audit.handlers == []
    assert audit.js_urls == []


@pytest.mark.parametrize("name", PAGE_IDS)
def test_every_post_form_carries_a_csrf_token(agent_client, seeded, name):
    path, headers = seeded[name]
    html = agent_client.get(path, **headers).content.decode()
    audit = MarkupAudit()
    audit.feed(html)
    if headers:
        # A fragment is swapped into a full page whose <body> sends the token with htmx.
        audit.body_csrf_header = True

    for form in audit.forms:
        assert form["token"] or (form["hx"] and audit.body_csrf_header), form["attrs"]


def test_the_body_sends_the_csrf_token_with_every_htmx_request(agent_client, seeded):
    audit = MarkupAudit()
    audit.feed(agent_client.get("/").content.decode())
    assert audit.body_csrf_header


def test_login_page_sends_the_headers_too(client, db):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "target",
    ["close", "reply", "property", "connect", "bulk", "logout", "snooze", "reply_create"],
)
def test_a_post_without_a_csrf_token_is_refused(user, acme, sim, target):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    ticket_id = next(t["id"] for t in sim.acme.site.tickets.values() if t["status"] == "active")
    thread = [acme.slug, ticket_id]
    path, data = {
        "close": (reverse("tickets:close", args=thread), {}),
        "reply": (reverse("tickets:reply", args=thread), {"text": "Forged"}),
        "property": (
            reverse("tickets:property", args=thread),
            {"name": "priority", "value": "critical"},
        ),
        "connect": (reverse("sites:connect"), {"base_url": sim.beta.base_url}),
        "bulk": (reverse("tickets:bulk"), {"action": "close", "t": [f"{acme.pk}:{ticket_id}"]}),
        "logout": (reverse("logout"), {}),
        "snooze": (reverse("workflow:snooze", args=thread), {"until": "tomorrow"}),
        "reply_create": (reverse("workflow:reply_create"), {"title": "x", "body": "y"}),
    }[target]
    sim.acme.site.clear_log()

    response = strict.post(path, data, HTTP_HX_REQUEST="true")

    assert response.status_code == 403
    assert sim.acme.site.count("POST") == 0
    assert sim.acme.site.tickets[ticket_id]["status"] == "active"


POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def test_the_policy_and_opener_headers_read_the_same_on_every_django(agent_client):
    # Django 6 sends the policy itself, 5.2 through dashboard/csp.py: one text on both.
    response = agent_client.get("/")

    assert response["Content-Security-Policy"] == POLICY
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), geolocation=()"


def test_a_template_nonce_reaches_the_header(rf, settings):
    # A page that needs an inline script names the nonce placeholder (Django 6's CSP.NONCE) in
    # SECURE_CSP and writes {{ csp_nonce }}; the header then allows exactly that nonce.
    settings.SECURE_CSP = {**settings.SECURE_CSP, "script-src": ["'self'", "<CSP_NONCE_SENTINEL>"]}
    middleware_path = next(
        m for m in settings.MIDDLEWARE if m.endswith("csp.ContentSecurityPolicyMiddleware")
    )
    middleware_class = import_string(middleware_path)

    def view(request):
        return HttpResponse(
            Template('<script nonce="{{ csp_nonce }}"></script>').render(RequestContext(request))
        )

    response = middleware_class(view)(rf.get("/"))

    nonce = re.fullmatch(r'<script nonce="([\w-]{16,})"></script>', response.content.decode())[1]
    assert csp_directives(response["Content-Security-Policy"])["script-src"] == [
        "'self'",
        f"'nonce-{nonce}'",
    ]


def test_a_page_without_a_nonce_sends_no_nonce(rf, settings):
    settings.SECURE_CSP = {**settings.SECURE_CSP, "script-src": ["'self'", "<CSP_NONCE_SENTINEL>"]}
    middleware_path = next(
        m for m in settings.MIDDLEWARE if m.endswith("csp.ContentSecurityPolicyMiddleware")
    )
    middleware_class = import_string(middleware_path)

    response = middleware_class(lambda request: HttpResponse("plain"))(rf.get("/"))

    assert csp_directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]
