"""Journey: attach files to a reply by picker, by drop and by paste, watch one upload, remove
one, send, and find the files under the reply. Screenshots go to /tmp/shots/composer-files/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dashboard.simulator.attachments import png

# What the thread shows after a send is checked here: the agent stays on the ticket.
pytestmark = pytest.mark.usefixtures("stays_after_send")

SHOTS = Path("/tmp/shots/composer-files")
UPLOAD_ROUTE = "/fluent-support/v2/ticket_file_upload"

DROP = """(composer) => {
  const files = new DataTransfer();
  files.items.add(new File(["order,total\\n1043,49.00\\n"], "dropped.csv", {type: "text/csv"}));
  for (const type of ["dragover", "drop"]) {
    const init = {dataTransfer: files, bubbles: true, cancelable: true};
    composer.dispatchEvent(new DragEvent(type, init));
  }
}"""
PASTE = """async (field) => {
  const bytes = Uint8Array.from(atob(field.dataset.png), (c) => c.charCodeAt(0));
  const files = new DataTransfer();
  files.items.add(new File([bytes], "image.png", {type: "image/png"}));
  field.focus();
  const init = {clipboardData: files, bubbles: true, cancelable: true};
  field.dispatchEvent(new ClipboardEvent("paste", init));
}"""


def ticket_of(sim_site) -> int:
    return next(t["id"] for t in sim_site.site.tickets.values() if t["status"] in ("new", "active"))


def test_agent_attaches_by_picker_and_drop_removes_one_and_sends(
    logged_in_page, live_server, acme, sim, tmp_path
):
    page = logged_in_page
    site = sim.acme.site
    ticket_id = ticket_of(sim.acme)
    page.goto(live_server.url + reverse("tickets:thread", args=[acme.slug, ticket_id]))
    composer = page.locator("#composer")
    files = page.get_by_role("list", name="Attached files")
    page.get_by_label("Message", exact=True).fill("The screenshot and the order export.")

    # A slow site: the chip shows the upload under way, then the file's size when it is done.
    site.set_latency(1500, route=UPLOAD_ROUTE)
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(png())
    stray = tmp_path / "notes.txt"
    stray.write_text("not for the customer\n")
    composer.locator("input[type=file]").set_input_files([str(shot), str(stray)])
    chip = files.get_by_role("listitem").filter(has_text="screenshot.png")
    expect(chip.get_by_role("progressbar", name="Uploading screenshot.png")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "uploading-1440.png"))
    site.set_latency(0, route=UPLOAD_ROUTE)
    site.release_hanging()
    expect(chip.get_by_role("progressbar")).to_be_hidden()
    expect(chip).to_contain_text(f"{len(png())} B")

    # Dropped on the composer: uploaded the same way.
    composer.evaluate(DROP)
    expect(files.get_by_role("listitem").filter(has_text="dropped.csv")).to_be_visible()
    expect(files.locator("input[name=attachments]")).to_have_count(3)

    # The stray file is taken off before sending.
    files.get_by_role("button", name="Remove notes.txt").click()
    expect(files.get_by_role("listitem")).to_have_count(2)
    # A type the site refuses is explained at once, and nothing else changes.
    bad = tmp_path / "page.html"
    bad.write_text("<p>hi</p>")
    uploads_before = site.count("POST", UPLOAD_ROUTE)
    composer.locator("input[type=file]").set_input_files(str(bad))
    expect(composer.get_by_role("alert")).to_contain_text("page.html cannot be attached")
    assert site.count("POST", UPLOAD_ROUTE) == uploads_before
    expect(files.get_by_role("listitem")).to_have_count(2)

    page.screenshot(path=str(SHOTS / "ready-1440.png"))

    composer.get_by_role("button", name="Send", exact=True).click()
    expect(composer.get_by_role("status")).to_contain_text("Reply sent.")
    expect(files.get_by_role("listitem")).to_have_count(0)
    reply = page.locator("#conversation li.message").filter(
        has_text="The screenshot and the order export."
    )
    expect(reply.get_by_role("link", name="screenshot.png", exact=True)).to_be_visible()
    expect(reply.get_by_role("link", name="dropped.csv", exact=True)).to_be_visible()
    expect(reply.get_by_role("link", name="notes.txt", exact=True)).to_have_count(0)
    page.screenshot(path=str(SHOTS / "sent-1440.png"), full_page=True)
    attached = sorted(
        a["title"]
        for a in site.store.attachments.values()
        if a["status"] == "active" and a["ticket_id"] == ticket_id and a["conversation_id"]
    )
    assert "notes.txt" not in attached and {"screenshot.png", "dropped.csv"} <= set(attached)


def test_agent_pastes_a_screenshot_into_a_note(logged_in_page, live_server, acme, sim):
    import base64

    page = logged_in_page
    site = sim.acme.site
    ticket_id = ticket_of(sim.acme)
    page.goto(live_server.url + reverse("tickets:thread", args=[acme.slug, ticket_id]))
    composer = page.locator("#composer")
    composer.get_by_text("Internal note").click()
    field = page.get_by_label("Message", exact=True)
    field.fill("What the customer sees.")
    field.evaluate(
        "(field, data) => { field.dataset.png = data; }", base64.b64encode(png()).decode()
    )
    field.evaluate(PASTE)
    files = page.get_by_role("list", name="Attached files")
    chip = files.get_by_role("listitem").filter(has_text="pasted-")
    expect(chip.locator("input[name=attachments]")).to_have_count(1)
    # Pasting an image leaves the text as it was.
    expect(field).to_have_value("What the customer sees.")
    composer.get_by_role("button", name="Add note").click()
    expect(composer.get_by_role("status")).to_contain_text("Note added.")
    note = page.locator("#conversation li.message-note").filter(has_text="What the customer sees.")
    # The pasted picture is shown under the note, as a preview beside its download link.
    expect(note.get_by_role("img", name=re.compile(r"^Preview of pasted-.*\.png$"))).to_be_visible()
    (row,) = [a for a in site.store.attachments.values() if a["title"].startswith("pasted-")]
    assert row["content"] == png() and row["status"] == "active"
