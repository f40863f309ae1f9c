"""Journeys in Chromium: formatting a reply with the toolbar and the keys, previewing it,
sending it and seeing the formatting in the thread; setting a signature, seeing it in the
composer and changing it for one reply. Screenshots go to /tmp/shots/composer/."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.test_thread import contents, open_ticket, thread

# What the thread shows after a send is checked here: the agent stays on the ticket.
pytestmark = pytest.mark.usefixtures("stays_after_send")

SHOTS = Path("/tmp/shots/composer")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_format_with_the_toolbar_and_keys_preview_and_send(logged_in_page, live_server, acme, sim):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme)
    page.goto(thread(live_server, acme, ticket_id))
    field = page.locator("#composer-text")
    field.click()

    # Ctrl+B with nothing selected: bold markers around a placeholder that typing replaces.
    page.keyboard.press("Control+b")
    page.keyboard.type("Good news")
    expect(field).to_have_value("**Good news**")
    page.keyboard.press("End")
    page.keyboard.type(", ")
    page.keyboard.press("Control+i")
    page.keyboard.type("Zoë")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("C:\\orders {{order}} <b>as typed</b>")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    # Ctrl+K: a link; the URL is selected, so typing replaces it.
    page.keyboard.press("Control+k")
    page.keyboard.type("https://docs.example.com/refunds")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    # The toolbar: a list from two typed lines, then a quote.
    page.keyboard.type("first step")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("second step")
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Shift+ArrowUp")
    page.get_by_role("button", name="Bulleted list").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("you wrote this")
    page.get_by_role("button", name="Quote").click()
    expect(field).to_have_value(
        "**Good news**, *Zoë*\n\nC:\\orders {{order}} <b>as typed</b>\n\n"
        "[link text](https://docs.example.com/refunds)\n\n- first step\n- second step\n\n"
        "> you wrote this"
    )

    # Preview: rendered on the server, the text hidden meanwhile, back with the same button.
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#composer-preview")
    expect(preview.locator("strong")).to_have_text("Good news")
    expect(preview.locator("em")).to_have_text("Zoë")
    expect(preview).to_contain_text("C:\\orders {{order}} <b>as typed</b>")
    expect(preview.locator("li")).to_have_count(2)
    expect(preview.locator("blockquote")).to_have_text("you wrote this")
    expect(field).to_be_hidden()
    expect(page.get_by_role("button", name="Bold")).to_be_disabled()
    shot(page, "preview")
    page.get_by_role("button", name="Preview").click()
    expect(field).to_be_visible()
    expect(field).to_be_focused()

    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#composer .composer-status")).to_contain_text("Reply sent.")
    last = page.locator("#conversation > li").last
    expect(last.locator(".message-body strong")).to_have_text("Good news")
    expect(last.locator(".message-body em")).to_have_text("Zoë")
    expect(last.locator(".message-body li")).to_have_count(2)
    expect(last.locator(".message-body blockquote")).to_contain_text("you wrote this")
    expect(last.get_by_role("link", name="link text")).to_have_attribute(
        "href", "https://docs.example.com/refunds"
    )
    expect(last).to_contain_text("C:\\orders {{order}} <b>as typed</b>")
    shot(page, "sent")
    (row,) = contents(sim.acme, ticket_id, "Good news")
    assert "<strong>Good news</strong>" in row["content"]
    assert "<b>" not in row["content"]


def test_edit_a_formatted_message_as_markdown(logged_in_page, live_server, acme, sim):
    page = logged_in_page
    ticket_id = open_ticket(sim.acme)
    page.goto(thread(live_server, acme, ticket_id))
    page.locator("#composer-text").fill("Please try **this** first.")
    page.get_by_role("button", name="Send", exact=True).click()
    last = page.locator("#conversation > li").last
    expect(last.locator(".message-body strong")).to_have_text("this")
    last.get_by_role("link", name="Edit").click()
    editing = last.locator(".edit-form textarea")
    expect(editing).to_have_value("Please try **this** first.")
    editing.press("End")
    editing.press("Shift+Home")
    editing.press("Control+i")
    last.get_by_role("button", name="Save").click()
    expect(last.locator(".message-body em > strong")).to_have_text("this")
    (row,) = contents(sim.acme, ticket_id, "Please try")
    assert row["content"].startswith("<p><em>Please try <strong>this</strong> first.</em>")


def test_set_a_signature_see_it_in_the_composer_and_change_it_for_one_reply(
    logged_in_page, live_server, acme, sim
):
    page = logged_in_page
    page.goto(live_server.url + reverse("sites:list"))
    page.get_by_role("link", name="Signatures").click()
    page.get_by_label(f"Signature on {acme.label}").fill("Jordan Doe\n**Acme** support")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".signature-card [role=status]")).to_have_text("Saved.")
    shot(page, "signatures")

    ticket_id = open_ticket(sim.acme)
    page.goto(thread(live_server, acme, ticket_id))
    signature = page.locator("#composer-signature")
    expect(signature).to_have_value("Jordan Doe\n**Acme** support")

    # A note never carries it: the block goes away in note mode.
    page.keyboard.press("n")
    expect(signature).to_be_hidden()
    page.locator("#composer-text").fill("Checked the logs.")
    page.get_by_role("button", name="Add note").click()
    last_note = page.locator("#conversation > li.message-note").last
    expect(last_note).to_contain_text("Checked the logs.")
    (note,) = contents(sim.acme, ticket_id, "Checked the logs.")
    assert "Jordan" not in note["content"]

    # A reply with the signature changed for this one message.
    page.locator("#composer label.mode-reply").click()
    expect(signature).to_be_visible()
    page.locator("#composer-text").fill("Refund sent.")
    signature.fill("Jordan Doe (out until Monday)\n**Acme** support")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#composer-preview")).to_contain_text("out until Monday")
    page.get_by_role("button", name="Send", exact=True).click()
    last = page.locator("#conversation > li").last
    expect(last).to_contain_text("Jordan Doe (out until Monday)")
    expect(last.locator(".message-body strong")).to_have_text("Acme")
    # The next reply starts again from the saved signature.
    expect(page.locator("#composer-signature")).to_have_value("Jordan Doe\n**Acme** support")
    (reply,) = contents(sim.acme, ticket_id, "Refund sent.")
    assert reply["content"].endswith(
        "<p>Jordan Doe (out until Monday)<br>\n<strong>Acme</strong> support</p>"
    )
