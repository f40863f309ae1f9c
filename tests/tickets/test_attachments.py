"""Attachments in the thread, and their downloads and previews through the dashboard.

The simulated site seeds its newest ticket with a screenshot on the opening message, a PDF and a
CSV on an agent reply and a hostile .svg and .html on a customer reply (simulator/files.py).
"""

from __future__ import annotations

import re
from html import escape

import pytest
from django.urls import reverse

from dashboard.fluent.files import same_host
from dashboard.fluent.models import Attachment
from dashboard.simulator.attachments import HOSTILE_HTML, HOSTILE_SVG
from tests.conftest import connect


def seeded(sim_site, title: str) -> dict:
    return next(a for a in sim_site.site.store.attachments.values() if a["title"] == title)


def file_url(site, attachment: dict, name: str = "attachment") -> str:
    return reverse(f"tickets:{name}", args=[site.slug, attachment["ticket_id"], attachment["id"]])


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def file_gets(sim_site) -> list[int]:
    """Statuses of the signed-link GETs the site answered, in order."""
    return [e.status for e in sim_site.site.request_log if e.path == "/index.php"]


def ticket_gets(sim_site, ticket_id: int) -> int:
    return sim_site.site.count("GET", f"/fluent-support/v2/tickets/{ticket_id}")


def test_thread_shows_every_attachment_with_its_type_and_a_download(agent_client, acme, sim):
    screenshot = seeded(sim.acme, "screenshot.png")
    page = agent_client.get(reverse("tickets:thread", args=[acme.slug, screenshot["ticket_id"]]))
    html = page.content.decode()
    assert page.status_code == 200
    for title, label in (
        ("screenshot.png", "PNG"),
        ("invoice-1043.pdf", "PDF"),
        ("orders.csv", "CSV"),
        ("diagram.svg", "SVG"),
        ("statement.html", "HTML"),
    ):
        row = seeded(sim.acme, title)
        assert f'href="{file_url(acme, row)}" download' in html, title
        assert f">{title}</a>" in html
        assert f'<span class="attachment-type">{label}</span>' in html
    # The opening message's file sits under the opening message, the reply's under the reply.
    opening = html[html.index('id="message-opening"') :]
    opening = opening[: opening.index("</li>\n", opening.index("attachment-type"))]
    assert "screenshot.png" in opening and "invoice-1043.pdf" not in opening
    # Only the raster image gets a preview; the site's signed links never reach the page.
    previews = re.findall(r'<img src="([^"]+/preview/)"', html)
    assert previews == [file_url(acme, screenshot, "attachment_preview")]
    assert "fst_file" not in html and "secure_sign" not in html


def test_download_streams_the_file_as_an_attachment(agent_client, acme, sim):
    pdf = seeded(sim.acme, "invoice-1043.pdf")
    response = agent_client.get(file_url(acme, pdf))
    assert response.status_code == 200
    assert body_of(response) == pdf["content"]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="invoice-1043.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("title", "content"), [("statement.html", HOSTILE_HTML), ("diagram.svg", HOSTILE_SVG)]
)
def test_html_and_svg_download_as_opaque_bytes_never_rendered(
    agent_client, acme, sim, title, content
):
    row = seeded(sim.acme, title)
    response = agent_client.get(file_url(acme, row))
    assert response.status_code == 200
    assert body_of(response) == content
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{title}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


def test_svg_is_never_previewed(agent_client, acme, sim):
    svg = seeded(sim.acme, "diagram.svg")
    assert agent_client.get(file_url(acme, svg, "attachment_preview")).status_code == 404


def test_image_preview_is_inline_under_a_strict_policy(agent_client, acme, sim):
    screenshot = seeded(sim.acme, "screenshot.png")
    response = agent_client.get(file_url(acme, screenshot, "attachment_preview"))
    assert response.status_code == 200
    assert body_of(response) == screenshot["content"]
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="screenshot.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"


def test_preview_refuses_an_image_whose_bytes_are_not_an_image(agent_client, acme, sim):
    screenshot = seeded(sim.acme, "screenshot.png")
    screenshot["content"] = HOSTILE_HTML  # a page uploaded under an image/png label
    assert agent_client.get(file_url(acme, screenshot, "attachment_preview")).status_code == 404


def test_user_without_a_connection_to_the_site_is_asked_to_connect(client, other_user, acme, sim):
    pdf = seeded(sim.acme, "invoice-1043.pdf")
    client.force_login(other_user)
    sim.acme.site.clear_log()
    for name in ("attachment", "attachment_preview"):
        response = client.get(file_url(acme, pdf, name))
        assert response.status_code == 403
        assert b"invoice-1043" not in response.content
    # Nothing was read with the owner's connection on the other user's behalf.
    assert sim.acme.site.request_log == []


def test_user_whose_connection_cannot_read_the_ticket_gets_404(client, other_user, sim):
    # Maria is a limited agent: the seeded ticket belongs to another agent.
    pdf = seeded(sim.acme, "invoice-1043.pdf")
    assert sim.acme.site.tickets[pdf["ticket_id"]]["agent_id"] not in (None, 2)
    mine = connect(other_user, sim.acme, username="maria")
    client.force_login(other_user)
    sim.acme.site.clear_log()
    assert client.get(file_url(mine, pdf)).status_code == 404
    assert file_gets(sim.acme) == []


def test_a_file_not_on_the_ticket_is_404(agent_client, acme, sim):
    pdf = seeded(sim.acme, "invoice-1043.pdf")
    other_ticket = next(t for t in sim.acme.site.tickets if t != pdf["ticket_id"])
    url = reverse("tickets:attachment", args=[acme.slug, other_ticket, pdf["id"]])
    assert agent_client.get(url).status_code == 404


def test_link_signed_for_another_hour_is_read_again_before_fetching(
    agent_client, acme, sim, monkeypatch
):
    site = sim.acme.site
    pdf = seeded(sim.acme, "invoice-1043.pdf")
    thread = reverse("tickets:thread", args=[acme.slug, pdf["ticket_id"]])
    # The page is read while the site's clock is an hour off ours (the simulator's clock only
    # moves forward): the cached links carry a sign for an hour that is not the current one,
    # as a page cached before the hour turned does.
    started = site.monotonic()
    with monkeypatch.context() as patch:
        patch.setattr(site, "monotonic", lambda: started + 3600)
        assert agent_client.get(thread).status_code == 200
    site.clear_log()
    response = agent_client.get(file_url(acme, pdf))
    assert response.status_code == 200 and body_of(response) == pdf["content"]
    assert ticket_gets(sim.acme, pdf["ticket_id"]) == 1
    assert file_gets(sim.acme) == [200]


def test_link_refused_by_the_site_is_read_again_once(agent_client, acme, sim, monkeypatch):
    site = sim.acme.site
    pdf = seeded(sim.acme, "invoice-1043.pdf")
    assert (
        agent_client.get(reverse("tickets:thread", args=[acme.slug, pdf["ticket_id"]])).status_code
        == 200
    )
    # The site's hour moves on while our copy still looks current to us.
    started = site.monotonic()
    monkeypatch.setattr(site, "monotonic", lambda: started + 3600)
    site.clear_log()
    response = agent_client.get(file_url(acme, pdf))
    assert response.status_code == 200 and body_of(response) == pdf["content"]
    assert file_gets(sim.acme) == [403, 200]
    assert ticket_gets(sim.acme, pdf["ticket_id"]) == 1


def test_site_down_says_so_without_an_error_page(agent_client, acme, sim):
    pdf = seeded(sim.acme, "invoice-1043.pdf")
    sim.acme.site.add_fault("reset")
    response = agent_client.get(file_url(acme, pdf))
    assert response.status_code == 424
    text = response.content.decode()
    assert "could not be reached" in text and acme.label in text
    assert "Content-Disposition" not in response


def test_file_link_failing_while_the_ticket_reads_says_so(agent_client, acme, sim):
    pdf = seeded(sim.acme, "invoice-1043.pdf")
    sim.acme.site.add_fault("status_500", route="/index.php")
    response = agent_client.get(file_url(acme, pdf))
    assert response.status_code == 424
    assert "did not hand over this file" in response.content.decode()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://shop.test/index.php?fst_file=a", True),
        ("http://shop.test:80/index.php?fst_file=a", True),
        ("https://shop.test/index.php", False),
        ("http://evil.test/index.php", False),
        ("http://shop.test.evil.test/index.php", False),
        ("http://shop.test@evil.test/index.php", False),
        ("http://user:pw@shop.test/index.php", False),
        ("http://shop.test:8080/index.php", False),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("", False),
    ],
)
def test_only_links_on_the_sites_own_host_are_followed(url, expected):
    assert same_host(url, "http://shop.test") is expected


def test_hostile_file_names_render_as_text_and_download_safely(agent_client, user, hostile):
    site = connect(user, hostile)
    rows = list(hostile.site.store.attachments.values())
    for ticket_id in sorted({row["ticket_id"] for row in rows}):
        page = agent_client.get(reverse("tickets:thread", args=[site.slug, ticket_id]))
        assert page.status_code == 200
        html = page.content.decode()
        for row in rows:
            if row["ticket_id"] == ticket_id:
                # Shown as the text it is (a folder separator becomes "_", see Attachment.name).
                name = Attachment(id=row["id"], title=row["title"]).name
                assert f">{escape(name)}</a>" in html
    for row in rows:
        response = agent_client.get(file_url(site, row))
        assert response.status_code == 200 and body_of(response) == row["content"]
        assert response["Content-Disposition"].startswith("attachment; filename")


def test_a_file_name_with_line_breaks_cannot_split_the_header(agent_client, acme, sim):
    pdf = seeded(sim.acme, "invoice-1043.pdf")
    pdf["title"] = 'a"b\r\nSet-Cookie: sessionid=x\r\n/../c.pdf'
    response = agent_client.get(file_url(acme, pdf))
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert "\r" not in header and "\n" not in header and "/" not in header
    assert not response.cookies.get("sessionid") or response.cookies["sessionid"].value != "x"
