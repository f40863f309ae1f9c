"""Every page and state that matters, checked by axe-core in light and dark mode and at phone
width: no serious or critical violation, nothing wider than a 390 px screen. Screenshots of each
state go to /tmp/a11y-shots/ (1440 px and 390 px wide)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from dashboard.workflow.models import SavedReply
from tests.e2e.axe import assert_accessible

SHOTS = Path("/tmp/a11y-shots")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@dataclass
class World:
    page: Page
    url: str
    acme: object
    academy: object
    sim: object

    def goto(self, path: str) -> None:
        self.page.goto(self.url + path)

    def ticket(self) -> int:
        """An open Acme ticket with a conversation and a customer."""
        site = self.sim.acme.site
        for ticket in site.tickets.values():
            replies = site.store.responses_by_ticket.get(ticket["id"], [])
            if ticket["status"] in ("new", "active") and len(replies) >= 2:
                return ticket["id"]
        raise AssertionError("no open ticket with replies in the seed")

    def customer(self) -> int:
        return self.sim.acme.site.tickets[self.ticket()]["customer_id"]

    def thread(self) -> None:
        self.goto(f"/sites/{self.acme.slug}/tickets/{self.ticket()}/")
        expect(self.page.locator(".customer-panel .cp-name")).to_be_visible()
        # The FluentCRM contact loads after the panel: wait for it, so every check sees it.
        expect(self.page.locator(".customer-panel section.cp-crm")).to_be_visible()

    def inbox(self, query: str = "") -> None:
        self.goto("/" + query)
        expect(self.page.locator(".count .skeleton")).to_have_count(0)  # counts arrived


def _inbox_bulk(w: World) -> None:
    w.inbox(f"?site={w.acme.pk}")
    checks = w.page.locator(".row-check")
    checks.nth(0).check()
    checks.nth(1).check()
    expect(w.page.locator(".selected-count")).to_contain_text("2")


def _thread_note(w: World) -> None:
    w.thread()
    w.page.keyboard.press("n")
    expect(w.page.locator("#composer")).to_have_class("composer is-note")


def _thread_files(w: World) -> None:
    """The composer with an uploaded file's chip and a refused file's message."""
    w.thread()
    picker = w.page.locator("#composer input[type=file]")
    picker.set_input_files(files=[{"name": "orders.csv", "mimeType": "text/csv", "buffer": b"a\n"}])
    expect(w.page.locator("#composer input[name=attachments]")).to_have_count(1)
    picker.set_input_files(files=[{"name": "page.html", "mimeType": "text/html", "buffer": b"x"}])
    expect(w.page.locator("[data-file-message]")).to_be_visible()


def _thread_preview(w: World) -> None:
    w.thread()
    w.page.locator("#composer-text").fill("**Bold**, *italic*, `code`\n\n- a list\n\n> a quote")
    w.page.get_by_role("button", name="Preview").click()
    expect(w.page.locator("#composer-preview strong")).to_have_text("Bold")


def _snooze_menu(w: World) -> None:
    w.thread()
    w.page.locator(".snooze-menu > summary").click()
    expect(w.page.locator(".snooze-panel")).to_be_visible()


def _saved_reply_picker(w: World) -> None:
    w.thread()
    w.page.locator(".sr-picker > summary").click()
    expect(w.page.get_by_label("Search saved replies")).to_be_visible()
    expect(w.page.locator(".sr-item")).to_have_count(2)


def _shortcuts(w: World) -> None:
    w.inbox()
    w.page.keyboard.press("?")
    expect(w.page.locator("#shortcuts")).to_be_visible()


def _account_menu(w: World) -> None:
    w.inbox()
    w.page.locator(".user-menu > summary").click()
    expect(w.page.locator(".user-menu .menu")).to_be_visible()


def _customer(w: World) -> None:
    w.goto(f"/customers/{w.acme.slug}/{w.customer()}/")


def _reports_table(w: World) -> None:
    w.goto("/reports/")
    w.page.locator('[data-chart="hours"] summary').click()
    expect(w.page.locator('[data-table="hours"] table')).to_be_visible()


def _with_role(role: str, path: str) -> Callable[[World], None]:
    """The page as a user of another role sees it (the Team page, a refusal)."""

    def state(w: World) -> None:
        from django.contrib.auth import get_user_model

        from dashboard.accounts import roles

        roles.set_role(get_user_model().objects.get(username="agent"), getattr(roles, role))
        w.goto(path)

    return state


def _audit(w: World) -> None:
    """The audit trail with a row of every outcome (each has its own colours to check)."""
    from django.contrib.auth import get_user_model

    from dashboard.audit.models import AuditEntry, Outcome
    from tests.audit.helpers import grant_audit

    grant_audit(get_user_model().objects.get(username="agent"))
    for outcome in Outcome:
        AuditEntry.objects.create(
            username="agent",
            action="property",
            action_label="Property changed",
            site_url=w.acme.base_url,
            site_label=w.acme.label,
            object_kind="ticket",
            object_id=str(w.ticket()),
            ticket_id=w.ticket(),
            detail="Priority: critical",
            outcome=outcome,
            status=200,
        )
    w.goto("/audit/")


STATES: dict[str, Callable[[World], None]] = {
    "inbox-all-sites": lambda w: w.inbox(),
    "inbox-one-site": lambda w: w.inbox(f"?site={w.acme.pk}"),
    "inbox-filtered": lambda w: w.inbox("?priority=critical&waiting=1"),
    "inbox-bulk-selection": _inbox_bulk,
    "thread-reply": lambda w: w.thread(),
    "thread-note": _thread_note,
    "thread-files": _thread_files,
    "thread-preview": _thread_preview,
    "snooze-menu": _snooze_menu,
    "saved-reply-picker": _saved_reply_picker,
    "shortcuts-dialog": _shortcuts,
    "account-menu": _account_menu,
    "customers": lambda w: w.goto("/customers/"),
    "customer": _customer,
    "new-ticket": lambda w: w.goto(f"/customers/new-ticket/?site={w.acme.pk}"),
    "queues": lambda w: w.goto("/queues/"),
    "reports": lambda w: w.goto("/reports/?compare=1"),
    "reports-table-open": _reports_table,
    "my-stats": lambda w: w.goto("/reports/mine/"),
    "sites": lambda w: w.goto("/sites/"),
    "site-connect": lambda w: w.goto("/sites/connect/"),
    "saved-replies": lambda w: w.goto("/workflow/replies/"),
    "saved-reply-form": lambda w: w.goto("/workflow/replies/new/"),
    "sla-settings": lambda w: w.goto("/workflow/sla/"),
    "signatures": lambda w: w.goto("/workflow/signatures/"),
    "snoozed": lambda w: w.goto("/workflow/snoozed/"),
    "password-change": lambda w: w.goto("/account/password/"),
    "preferences": lambda w: w.goto("/account/preferences/"),
    "not-found": lambda w: w.goto("/no-such-page/"),
    "team": _with_role("ADMIN", "/team/"),
    "team-add": _with_role("ADMIN", "/team/new/"),
    "role-refused": _with_role("AGENT", "/queues/"),
    "audit": _audit,
}


def overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def check_everywhere(page: Page, name: str) -> None:
    """axe in light and dark mode at desktop width, then again at phone width, where nothing
    may be wider than the screen. The state (open menus, dialogs) stays as it was set up."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page, f"{name} in {scheme} mode at 1440 px")
    page.emulate_media(color_scheme="light")
    page.screenshot(path=str(SHOTS / f"{name}-1440.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert overflow(page) <= 0, f"{name} is {overflow(page)} px wider than a 390 px screen"
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page, f"{name} in {scheme} mode at 390 px")
    page.emulate_media(color_scheme="light")
    page.screenshot(path=str(SHOTS / f"{name}-390.png"))  # the screen, as a phone shows it


@pytest.mark.parametrize("name", list(STATES))
def test_page_has_no_serious_violations_and_fits_a_phone(
    name, logged_in_page, live_server, acme, academy, sim, user
):
    SavedReply.objects.create(owner=user, title="Refund approved", body="Hi {customer_first_name}")
    SavedReply.objects.create(owner=user, title="Shipping delays", body="Parcels are late.")
    world = World(logged_in_page, live_server.url, acme, academy, sim)
    STATES[name](world)
    check_everywhere(logged_in_page, name)


def test_login_page_has_no_serious_violations_and_fits_a_phone(page, live_server):
    page.goto(f"{live_server.url}/login/")
    check_everywhere(page, "login")


# Narrow screens: menus and pickers are bottom sheets.

POPOVERS = {
    "snooze-menu": (_snooze_menu, ".snooze-panel"),
    "saved-reply-picker": (_saved_reply_picker, ".sr-popover"),
    "account-menu": (_account_menu, ".user-menu .menu"),
}


@pytest.mark.parametrize("name", list(POPOVERS))
def test_popover_opens_as_a_bottom_sheet_on_a_phone(
    name, logged_in_page, live_server, acme, academy, sim, user
):
    SavedReply.objects.create(owner=user, title="Refund approved", body="Hi {customer_first_name}")
    SavedReply.objects.create(owner=user, title="Shipping delays", body="Parcels are late.")
    page = logged_in_page
    page.set_viewport_size(PHONE)
    open_it, selector = POPOVERS[name]
    open_it(World(page, live_server.url, acme, academy, sim))
    box = page.locator(selector).bounding_box()
    assert box is not None
    assert (round(box["x"]), round(box["width"])) == (0, PHONE["width"]), box
    assert round(box["y"] + box["height"]) == PHONE["height"], box
    assert overflow(page) <= 0


# Keyboard: skip links, visible focus, focus back where it was.


def focused(page: Page) -> str:
    """A short description of the focused element, for assertion messages."""
    return page.evaluate(
        "(() => { const e = document.activeElement; return e.tagName"
        " + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || '').trim().slice(0, 40); })()"
    )


def test_skip_link_reaches_the_first_ticket_within_three_tabs(
    logged_in_page, live_server, acme, academy, sim
):
    page = logged_in_page
    World(page, live_server.url, acme, academy, sim).inbox()
    first = page.locator(".row-title").first
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the tickets")).to_be_focused()
    page.keyboard.press("Enter")
    tabs = 1
    while tabs < 3 and not first.evaluate("e => e === document.activeElement"):
        page.keyboard.press("Tab")
        tabs += 1
    assert first.evaluate("e => e === document.activeElement"), (
        f"after {tabs} Tab presses focus is on {focused(page)}"
    )


def test_skip_link_reaches_the_conversation(logged_in_page, live_server, acme, academy, sim):
    page = logged_in_page
    World(page, live_server.url, acme, academy, sim).thread()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the conversation")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#conversation")).to_be_focused()
    page.keyboard.press("Tab")  # the next stop is inside the first message, not the sidebar
    assert page.evaluate("document.querySelector('#conversation').contains(document.activeElement)")


def test_focus_is_visible_on_every_stop_of_the_inbox(
    logged_in_page, live_server, acme, academy, sim
):
    page = logged_in_page
    World(page, live_server.url, acme, academy, sim).inbox()
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        ring = page.evaluate(
            "(() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
        )
        visible = (ring[0] != "none" and ring[1] != "0px") or ring[2] != "none"
        if not visible and focused(page).split(" ")[0] != "BODY":  # BODY: left the page
            seen.append(focused(page))
    assert not seen, f"no visible focus on: {seen}"


def test_escape_closes_the_snooze_menu_and_focus_returns_to_its_button(
    logged_in_page, live_server, acme, academy, sim
):
    page = logged_in_page
    World(page, live_server.url, acme, academy, sim).thread()
    summary = page.locator(".snooze-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".snooze-panel")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(".snooze-choice").first).to_be_focused()
    url = page.url
    page.keyboard.press("Escape")
    expect(page.locator(".snooze-panel")).to_be_hidden()
    expect(summary).to_be_focused()
    assert page.url == url  # Escape closed the menu only; it did not go back to the list


def test_closing_the_shortcuts_dialog_returns_focus_to_the_row(
    logged_in_page, live_server, acme, academy, sim
):
    page = logged_in_page
    World(page, live_server.url, acme, academy, sim).inbox()
    page.keyboard.press("j")
    first = page.locator(".row").first
    expect(first).to_be_focused()
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()
    expect(first).to_be_focused()

    # Opened from the account menu, closing it lands on the menu's button.
    page.locator(".user-menu > summary").click()
    page.locator("[data-shortcuts-open]").click()
    expect(page.locator("#shortcuts")).to_be_visible()
    page.get_by_role("button", name="Close").click()
    expect(page.locator(".user-menu > summary")).to_be_focused()


# Touch screens: big targets, no keyboard hints.


@pytest.fixture
def phone(browser, live_server, user, password):
    """A logged-in touch phone (coarse pointer, no hover) 390 px wide."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


CONTROLS = (
    "button, summary, select, textarea, input:not([type=hidden]), .btn, .tab, .view,"
    " .menu a, .row-title, .primary-nav a, .brand"
)

SMALL_TARGETS = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter((e) => e.checkVisibility() && !e.closest('.visually-hidden, .skip-links'))
  .map((e) => [e, e.getBoundingClientRect()])
  .filter(([e, r]) => r.width > 1 && r.height > 1)  // hidden for sight, its label is the target
  .filter(([e, r]) => {
    const box = e.matches('input[type=checkbox], input[type=radio]') ? 24 : 44;
    return r.height < box - 0.5;
  })
  .map(([e, r]) => e.tagName + '.' + e.className + ' "' + (e.textContent || e.name || '').trim()
       .slice(0, 30) + '" ' + Math.round(r.width) + 'x' + Math.round(r.height))"""


@pytest.mark.parametrize("where", ["inbox", "thread", "thread-files", "customer"])
def test_touch_targets_are_big_enough_and_keyboard_hints_hidden(
    where, phone, live_server, acme, academy, sim
):
    world = World(phone, live_server.url, acme, academy, sim)
    {
        "inbox": world.inbox,
        "thread": world.thread,
        "thread-files": lambda: _thread_files(world),
        "customer": lambda: _customer(world),
    }[where]()
    assert phone.evaluate("matchMedia('(pointer: coarse)').matches")
    small = phone.evaluate(SMALL_TARGETS, CONTROLS)
    assert not small, f"targets under 44 px on a phone ({where}): {small}"
    hints = phone.locator("kbd:visible").count()
    assert hints == 0, f"{hints} keyboard hints shown on a touch screen ({where})"


# The DEBUG footer.


def test_debug_footer_sits_after_the_content_and_covers_nothing(
    logged_in_page, live_server, acme, academy, sim, settings
):
    settings.DEBUG = True
    page = logged_in_page
    page.set_viewport_size(PHONE)
    World(page, live_server.url, acme, academy, sim).thread()
    footer = page.locator(".debug-footer")
    expect(footer).to_contain_text("upstream:")
    # Both edges in one go: the page may still be settling (presence, panel) between two calls.
    top, bottom = footer.evaluate(
        "e => [e.getBoundingClientRect().top,"
        " document.getElementById('main').getBoundingClientRect().bottom]"
    )
    assert top >= bottom - 0.5, f"the footer starts at {top} px, over the page ending at {bottom}"


def test_tables_keep_their_column_names_on_a_phone(logged_in_page, live_server, acme, academy):
    page = logged_in_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/workflow/sla/")
    for name in ("First response within (hours)", "Next reply within (hours)"):
        label = page.get_by_text(name).first
        expect(label).to_be_visible()
        assert label.bounding_box()["width"] > 40, f"the {name!r} label is hidden on a phone"

    page.goto(f"{live_server.url}/customers/")
    expect(page.locator(".cd-label").first).to_be_visible()

    # Queues' tables scroll inside their own box, headers and all, never the page.
    page.goto(f"{live_server.url}/queues/")
    tables = page.locator(".table-scroll")
    expect(tables.first).to_be_visible()
    for index in range(tables.count()):
        box = tables.nth(index)
        expect(box).to_have_css("overflow-x", "auto")
        expect(box.locator("thead th").first).to_be_visible()
    assert overflow(page) <= 0


def test_every_avatar_and_site_badge_colour_is_readable(page, live_server):
    # Which colour a person or site gets depends on its id, so the journeys above meet only
    # some of them: put every one on a page and let axe measure the initials on each.
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        """() => {
          const box = document.createElement('div');
          box.id = 'tones';
          for (let tone = 0; tone < 12; tone++) {
            box.insertAdjacentHTML('beforeend',
              `<span class="avatar avatar-sm tone-${tone}">AB</span>` +
              `<span class="site-badge tone-${tone}">ACME</span>`);
          }
          document.body.prepend(box);
        }"""
    )
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page, f"every tone in {scheme} mode")


def test_inbox_views_and_status_tabs_are_all_on_screen_on_a_phone(
    logged_in_page, live_server, acme, academy, sim
):
    page = logged_in_page
    page.set_viewport_size(PHONE)
    World(page, live_server.url, acme, academy, sim).inbox()
    off_screen = page.evaluate(
        """() => Array.from(document.querySelectorAll('.view, .tab'))
          .filter((e) => { const r = e.getBoundingClientRect();
                           return r.left < 0 || r.right > window.innerWidth + 0.5; })
          .map((e) => e.textContent.trim().replace(/\\s+/g, ' '))"""
    )
    assert not off_screen, f"cut off at the screen's edge: {off_screen}"
