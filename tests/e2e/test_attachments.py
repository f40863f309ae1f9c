"""Journey: open a ticket with attachments, see the image preview, download a file.

Screenshots go to /tmp/shots/attachments/."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

SHOTS = Path("/tmp/shots/attachments")


def test_agent_sees_the_image_preview_and_downloads_a_file(logged_in_page, live_server, acme, sim):
    page = logged_in_page
    site = sim.acme.site
    files = {a["title"]: a for a in site.store.attachments.values()}
    ticket_id = files["screenshot.png"]["ticket_id"]
    page.goto(live_server.url + reverse("tickets:thread", args=[acme.slug, ticket_id]))

    preview = page.get_by_role("img", name="Preview of screenshot.png")
    expect(preview).to_be_visible()
    # The picture really loaded (through the dashboard, from the site's signed link).
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=preview.element_handle()
    )
    assert preview.evaluate("img => img.naturalWidth") == 160
    # The .svg is listed for download but never shown as a picture.
    expect(page.get_by_role("link", name="diagram.svg", exact=True)).to_be_visible()
    expect(page.get_by_role("img", name="Preview of diagram.svg")).to_have_count(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "thread-1440.png"), full_page=True)

    with page.expect_download() as waiting:
        page.get_by_role("link", name="invoice-1043.pdf", exact=True).click()
    download = waiting.value
    assert download.suggested_filename == "invoice-1043.pdf"
    assert Path(download.path()).read_bytes() == files["invoice-1043.pdf"]["content"]
