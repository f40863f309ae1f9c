"""Every page kind against every way a WordPress site can fail: no 5xx from the dashboard, a
message that names the site and says what to do, the last cached answer shown as stale, and
replies that are never lost and never posted twice."""

from __future__ import annotations

import html as html_lib
import re
import socket
from dataclasses import dataclass

import pytest
from django.urls import reverse

from dashboard.sites.models import Site, TeamSite
from tests.customers.helpers import OLIVIA, customer_by_email
from tests.queues.helpers import figure
from tests.tickets.test_thread import open_composer, rows_of, textarea, url

HTMX = {"HTTP_HX_REQUEST": "true"}
LABEL = "Acme Store"
RESPONSES = "/fluent-support/v2/tickets/*/responses"

# What each fault looks like to the person, as the error taxonomy words it.
WORDING = {
    "status_500": "The site answered with a server error (500).",
    "status_502": "The site answered with a server error (502).",
    "invalid_json": "The site did not answer with JSON",
    "timeout": "The site did not answer within 2 s.",
    "slow": "The site did not answer within 2 s.",
    "reset": "The site could not be reached.",
    "refused": "The site could not be reached.",
    "revoked_401": "WordPress refused the stored",
    "forbidden_403": "This WordPress user is not allowed to do that.",
    "plugin_missing_404": "The site has no such route; is the plugin active?",
}
# Pages that put a fault in their own words (a reasonable choice: the words are more precise).
PAGE_WORDING = {
    ("panel", "forbidden_403"): (
        "need the Fluent Support permission “Access private data” on Acme Store; "
        "ask a WordPress administrator for it."
    ),
    ("customers", "forbidden_403"): (
        "Customers on Acme Store need the Fluent Support permission “Access private data”; "
        "ask a WordPress administrator for it."
    ),
    # The contact panel reads the customer, then FluentCRM: the first read's 2 s timeout leaves
    # the second less than the rest of the page's deadline.
    ("contact", "timeout"): "Acme Store: The site did not answer within the page's 4 s deadline.",
    ("contact", "slow"): "Acme Store: The site did not answer within the page's 4 s deadline.",
}
GUIDANCE = ("Retry", "Reconnect", "try again", "administrator", "is the plugin active?")
FAULTS = list(WORDING)
STALE_FAULTS = ["status_500", "status_502", "reset", "invalid_json", "timeout"]


@dataclass
class Target:
    """What the matrix needs to know about the seeded data: a ticket of Olivia's on Acme."""

    ticket_id: int
    customer_id: int
    title: str
    email: str


@pytest.fixture
def target(sim) -> Target:
    olivia = customer_by_email(sim.acme, OLIVIA)
    ticket_id = sim.acme.site.store.tickets_by_customer[olivia["id"]][0]
    ticket = sim.acme.site.tickets[ticket_id]
    return Target(ticket_id, olivia["id"], ticket["title"], OLIVIA)


def page_request(kind: str, site: Site, target: Target) -> tuple[str, dict]:
    """The URL (and headers) the browser uses for one page kind."""
    query = f"?ticket={target.ticket_id}"
    return {
        "inbox_one": (f"/?site={site.slug}", {}),
        "inbox_all": ("/", {}),
        "thread": (reverse("tickets:thread", args=[site.slug, target.ticket_id]), {}),
        "panel": (
            reverse("customers:panel", args=[site.slug, target.customer_id]) + query,
            HTMX,
        ),
        "contact": (
            reverse("customers:contact", args=[site.slug, target.customer_id]) + query,
            HTMX,
        ),
        "customers": (f"{reverse('customers:directory')}?site={site.slug}", {}),
        "queues": (reverse("queues:stats"), HTMX),
    }[kind]


PAGES = ["inbox_one", "inbox_all", "thread", "panel", "contact", "customers", "queues"]


def plain_text(html: str) -> str:
    """What a person reads: tags dropped, entities decoded, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", html))
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ([:;,.])", r"\1", text)


def closed_port() -> int:
    """A local port nobody listens on: connecting to it is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def inject(sim_site, site: Site | None, fault: str) -> None:
    if fault == "slow":
        sim_site.site.set_latency(5000)
    elif fault == "timeout":
        sim_site.site.add_fault("timeout", seconds=3)
    elif fault == "refused":
        TeamSite.objects.filter(pk=site.team_site_id).update(
            base_url=f"http://127.0.0.1:{closed_port()}"
        )
    else:
        sim_site.site.add_fault(fault)


# The matrix: every page kind against every fault


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("kind", PAGES)
def test_a_failing_site_gets_a_named_message_with_guidance_never_a_5xx(
    agent_client, acme, sim, target, kind, fault
):
    inject(sim.acme, acme, fault)
    path, headers = page_request(kind, acme, target)

    response = agent_client.get(path, **headers)

    assert response.status_code < 500
    html = response.content.decode()
    text = plain_text(html)
    expected = PAGE_WORDING.get((kind, fault), f"{LABEL}: {WORDING[fault]}")
    assert expected in text
    assert any(word in text for word in GUIDANCE)
    if fault == "revoked_401":
        acme.refresh_from_db()
        assert acme.needs_reconnect
        assert reverse("sites:edit", args=[acme.slug]) in html
        assert "Reconnect" in text


@pytest.mark.parametrize("fault", STALE_FAULTS)
@pytest.mark.parametrize("kind", PAGES)
def test_a_site_failing_after_a_good_read_shows_the_cached_answer_marked_stale(
    agent_client, acme, sim, target, kind, fault
):
    path, headers = page_request(kind, acme, target)
    warm = agent_client.get(path, **headers)
    assert warm.status_code == 200
    expected = cached_data(kind, warm.content.decode(), acme, target)
    assert expected
    inject(sim.acme, acme, fault)

    joiner = "&" if "?" in path else "?"
    response = agent_client.get(f"{path}{joiner}refresh=1", **headers)

    assert response.status_code == 200
    html = response.content.decode()
    assert cached_data(kind, html, acme, target) == expected
    text = plain_text(html)
    # The queues word it as "showing figures from": the same notice for numbers.
    noun = "figures" if kind == "queues" else "data"
    assert f"{LABEL}: showing {noun} from" in text and "site unreachable" in text


def cached_data(kind: str, html: str, site: Site, target: Target) -> str:
    """A piece of a page that only the site's data could have produced."""
    if kind in ("inbox_one", "inbox_all"):
        return " ".join(re.findall(r'data-key-id="\d+:\d+"', html))
    if kind == "thread":
        return target.title if html_lib.escape(target.title) in html else ""
    if kind == "panel":
        return target.email if target.email in html else ""
    if kind == "contact":
        found = re.search(r'<span class="crm-name">([^<]+)</span>', html)
        return found.group(1) if 'data-crm-state="found"' in html and found else ""
    if kind == "customers":
        return " ".join(sorted(set(re.findall(r"[\w.+-]+@example\.[\w.]+", html))))
    try:
        return figure(html, f"site:{site.pk}", "open").text
    except AssertionError:
        return ""


# Connecting a site whose probe fails


def post_connect(client, **fields):
    data = {"label": "", "base_url": "", "username": "admin", "app_password": ""}
    data.update(fields)
    return client.post(reverse("sites:connect"), data)


# Any one of these in the form's error says precisely what went wrong.
CONNECT_WORDING = {
    "status_500": ("server error", "(500)", "HTTP 500"),
    "status_502": ("server error", "(502)", "HTTP 502"),
    "invalid_json": ("not JSON", "not with JSON"),
    "timeout": ("did not answer",),
    "slow": ("did not answer",),
    "reset": ("could not be reached",),
    "refused": ("could not be reached",),
    "revoked_401": ("REST API refuses requests",),
    "forbidden_403": ("REST API refuses requests",),
    "plugin_missing_404": ("has no routes at /wp-json/",),
}
# These faults answer with a JSON error body, so "it answered with a web page" would be false.
JSON_FAULTS = ("revoked_401", "forbidden_403", "plugin_missing_404")


@pytest.mark.parametrize("fault", FAULTS)
def test_connect_probe_that_fails_says_why_and_saves_nothing(agent_client, user, sim, fault):
    admin = sim.acme.site.users["admin"]
    base_url = sim.acme.base_url
    if fault == "refused":
        base_url = f"http://127.0.0.1:{closed_port()}"
    else:
        inject(sim.acme, None, fault)

    response = post_connect(
        agent_client, base_url=base_url, username="admin", app_password=admin.app_password
    )

    assert response.status_code == 422
    text = plain_text(response.content.decode())
    assert any(words.lower() in text.lower() for words in CONNECT_WORDING[fault]), text
    if fault in JSON_FAULTS:
        assert "web page" not in text
    assert admin.app_password not in response.content.decode()
    assert not Site.objects.filter(owner=user).exists()


# Writes under faults: never lost, never posted twice


def post_reply(client, site, ticket_id, fields, *, text):
    data = {"text": text, "action": "reply", "mode": "reply", **fields}
    return client.post(url("reply", site, ticket_id), data, **HTMX)


def posted(sim_site, ticket_id: int, needle: str) -> int:
    return sum(1 for row in rows_of(sim_site, ticket_id) if needle in row["content"])


@pytest.mark.parametrize("fault", ["status_500", "reset", "timeout", "revoked_401"])
def test_a_reply_under_a_fault_keeps_its_text_and_is_never_posted_twice(
    agent_client, acme, sim, target, fault
):
    ticket_id = target.ticket_id
    fields = open_composer(agent_client, acme, ticket_id)
    message = f"Reply under {fault}, sent once."
    seconds = 3 if fault == "timeout" else None
    sim.acme.site.add_fault(fault, route=RESPONSES, method="POST", seconds=seconds)

    response = post_reply(agent_client, acme, ticket_id, fields, text=message)

    assert response.status_code < 500
    html = response.content.decode()
    assert textarea(html) == message
    assert f"{LABEL}" in plain_text(html)
    assert posted(sim.acme, ticket_id, message) <= 1

    # The site recovers and the agent sends the same form again.
    sim.acme.site.clear_faults()
    retry = post_reply(agent_client, acme, ticket_id, fields, text=message)

    assert retry.status_code < 500
    assert posted(sim.acme, ticket_id, message) <= 1
    if fault in ("status_500", "revoked_401"):
        # The site refused outright, so nothing was applied and the retry is what posts it.
        assert posted(sim.acme, ticket_id, message) == 1
    if posted(sim.acme, ticket_id, message) == 0:
        assert textarea(retry.content.decode()) == message
