"""A site whose every writable field holds an XSS vector, browsed in Chromium: nothing executes,
nothing reaches the DOM as active content, and the text reads as plain text."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from dashboard.simulator.hostile import VECTORS
from tests.conftest import connect

SHOTS = Path("/tmp/shots/hostile")

# Recorded before any page script runs: CSP violations, and alert/confirm/prompt calls (an
# injected handler that ran would call one of them; a real dialog is caught separately).
WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push({
    directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample,
  });
});
window.__calls = [];
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (...args) => { window.__calls.push(name + ': ' + String(args[0])); return null; };
}
"""

# Anything in the DOM that could run: handlers, script URLs, frames, foreign scripts.
ACTIVE_CONTENT = """
() => {
  const found = [];
  const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'srcdoc',
                    'poster', 'background'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`<${el.tagName} ${name}>`);
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
      if (urlAttrs.includes(name) &&
          (value.startsWith('javascript:') || value.startsWith('vbscript:') ||
           value.startsWith('data:text/html'))) {
        found.push(`<${el.tagName} ${name}=${attr.value}>`);
      }
      if (name === 'srcdoc') found.push(`<${el.tagName} srcdoc>`);
    }
  }
  for (const el of document.querySelectorAll('iframe, frame, object, embed, base, applet')) {
    found.push(`<${el.tagName}>`);
  }
  for (const el of document.querySelectorAll('meta[http-equiv]')) {
    found.push(`<meta http-equiv=${el.getAttribute('http-equiv')}>`);
  }
  for (const el of document.querySelectorAll('script')) {
    const src = el.getAttribute('src') || '';
    if (!src.startsWith('/static/')) {
      found.push(`<script src=${src}> ${el.textContent.slice(0, 40)}`);
    }
  }
  return found;
}
"""


@pytest.fixture
def watched(logged_in_page, live_server):
    """The logged-in page with every watch in place before the next navigation."""
    page = logged_in_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(WATCH)
    # Nothing leaves the machine: a vector that tries to load evil.test fails at once.
    local = re.compile(r"^https?://(localhost|127\.0\.0\.1)[:/]")
    page.route(
        "**/*",
        lambda route: route.continue_() if local.match(route.request.url) else route.abort(),
    )
    page.dialogs = dialogs
    return page


def assert_inert(page, where: str) -> None:
    page.wait_for_load_state("networkidle")
    calls = page.evaluate("window.__calls || []")
    violations = page.evaluate("window.__violations || []")
    active = page.evaluate(ACTIVE_CONTENT)
    assert page.dialogs == [], f"{where}: a dialog opened: {page.dialogs}"
    assert calls == [], f"{where}: injected code ran: {calls}"
    scripty = [
        v
        for v in violations
        if v["directive"].startswith(("script-src", "default-src", "object-src", "frame-src"))
        or v["blocked"] in ("inline", "eval")
    ]
    assert scripty == [], f"{where}: active content reached the DOM: {scripty}"
    assert active == [], f"{where}: active content in the DOM: {active}"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def hostile_tickets(sim_site, count: int = 4) -> list[int]:
    """Tickets whose title, content, replies or notes hold vectors: the first ones seeded."""
    store = sim_site.site.store
    chosen: list[int] = list(store.tickets)[:2]
    for kind in ("response", "note"):
        rows = [r for r in store.responses.values() if r["conversation_type"] == kind]
        for row in rows[:3]:
            if row["ticket_id"] not in chosen:
                chosen.append(row["ticket_id"])
    return chosen[: count + 2]


@pytest.fixture
def hostile_labs(user, hostile):
    return connect(user, hostile)


def test_inbox_and_search_render_every_vector_as_text(watched, live_server, hostile_labs):
    page = watched
    base = live_server.url
    search = "<img src=x onerror=alert(1)>"
    for name, url in [
        ("inbox-all", f"{base}/"),
        ("inbox-site", f"{base}/?site={hostile_labs.slug}&status=all"),
        ("inbox-search", f"{base}/?{urlencode({'site': hostile_labs.pk, 'q': search})}"),
        ("inbox-search-script", f"{base}/?{urlencode({'q': VECTORS[0]})}"),
    ]:
        page.goto(url)
        expect(page.locator("main")).to_be_visible()
        assert_inert(page, name)
    page.goto(f"{base}/?site={hostile_labs.slug}&status=all")
    # A vector in a title reads as its literal text.
    expect(page.locator(".row-title").first).to_be_visible()
    shot(page, "inbox")


def test_threads_with_hostile_titles_bodies_notes_and_tags_stay_inert(
    watched, live_server, hostile_labs, hostile
):
    page = watched
    for index, ticket_id in enumerate(hostile_tickets(hostile)):
        page.goto(f"{live_server.url}/sites/{hostile_labs.slug}/tickets/{ticket_id}/")
        expect(page.locator("#conversation")).to_be_visible()
        # The customer panel and its FluentCRM contact load after the page.
        expect(page.locator(".customer-panel section.cp-crm")).to_have_attribute(
            "data-crm-state", re.compile(r"^(?!loading).+")
        )
        # Open the composer as an agent would: type, switch to a note, back to a reply.
        textarea = page.locator("#composer-text")
        textarea.click()
        textarea.fill("Checking this ticket")
        page.locator("label.mode-note").click()
        page.locator("label.mode-reply").click()
        # The properties and the tag list.
        properties = page.locator("#properties")
        properties.scroll_into_view_if_needed()
        properties.hover()
        for tag in page.locator("#properties .tag-list li").all()[:3]:
            if tag.is_visible():
                tag.hover()
        for details in page.locator("#conversation details.quoted").all()[:3]:
            details.locator("summary").click()
        for message in page.locator("#conversation .message-body").all()[:6]:
            if message.is_visible():  # older messages may be folded away
                message.hover()
        assert_inert(page, f"thread {ticket_id}")
        if index < 2:
            shot(page, f"thread-{ticket_id}")


def test_customers_pages_with_hostile_names_and_fields_stay_inert(
    watched, live_server, hostile_labs, hostile
):
    page = watched
    base = live_server.url
    customer_id = next(
        cid for cid in hostile.site.customers if hostile.site.store.tickets_by_customer.get(cid)
    )
    ticket_id = hostile.site.store.tickets_by_customer[customer_id][0]
    pages = [
        ("customers", f"{base}/customers/"),
        ("customers-site", f"{base}/customers/?site={hostile_labs.slug}"),
        ("customers-search", f"{base}/customers/?{urlencode({'q': '<script>'})}"),
        ("customer", f"{base}/customers/{hostile_labs.slug}/{customer_id}/"),
        ("customer-edit", f"{base}/customers/{hostile_labs.slug}/{customer_id}/edit/"),
        ("panel", f"{base}/customers/panel/{hostile_labs.slug}/{customer_id}/?ticket={ticket_id}"),
        (
            "contact",
            f"{base}/customers/contact/{hostile_labs.slug}/{customer_id}/?ticket={ticket_id}",
        ),
        ("new-ticket", f"{base}/customers/new-ticket/?site={hostile_labs.slug}&customer_q=a"),
    ]
    for name, url in pages:
        page.goto(url)
        expect(page.locator("main")).to_be_visible()
        assert_inert(page, name)
        if name in ("customers-site", "customer"):
            shot(page, name)


def test_queues_snoozed_and_saved_replies_stay_inert(
    watched, live_server, user, hostile_labs, hostile
):
    from dashboard.workflow import services
    from dashboard.workflow.models import SavedReply

    for ticket_id in hostile_tickets(hostile, 2):
        services.snooze_ticket(
            user=user,
            site=hostile_labs,
            ticket_id=ticket_id,
            until=None,
            wake_on_reply=True,
            ticket=None,
        )
    SavedReply.objects.create(owner=user, title=VECTORS[0][:120], body=VECTORS[8])
    page = watched
    base = live_server.url

    page.goto(f"{base}/queues/")
    expect(page.locator(".figure-skeleton")).to_have_count(0)
    assert_inert(page, "queues")
    shot(page, "queues")

    page.goto(f"{base}/workflow/snoozed/")
    expect(page.locator("main")).to_be_visible()
    assert_inert(page, "snoozed")
    shot(page, "snoozed")

    page.goto(f"{base}/workflow/replies/")
    expect(page.locator("main")).to_contain_text("<script>alert(1)</script>")
    assert_inert(page, "saved replies")
