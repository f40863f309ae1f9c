"""Pages and fragments go out gzipped to browsers that accept it; the customer's files do not."""

from __future__ import annotations

import gzip

from django.urls import reverse

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def _attachment(sim_site, title: str) -> dict:
    return next(a for a in sim_site.site.store.attachments.values() if a["title"] == title)


def test_inbox_page_is_gzipped_and_reads_back_the_same(agent_client, acme, sim):
    plain = agent_client.get("/", {"site": acme.pk})
    packed = agent_client.get("/", {"site": acme.pk}, **GZIP)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert 'class="inbox' in html
    # The same page: only the per-response CSRF masking and nonce differ in length-neutral ways.
    assert abs(len(html) - len(plain.content)) < 200
    assert len(packed.content) * 3 < len(plain.content)


def test_htmx_fragment_and_csv_export_are_gzipped(agent_client, acme, sim):
    fragment = agent_client.get(
        "/",
        {"site": acme.pk, "priority": "critical"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
        **GZIP,
    )
    assert fragment.headers["Content-Encoding"] == "gzip"
    assert b"<html" not in gzip.decompress(fragment.content)
    export = agent_client.get(reverse("queues:export"), **GZIP)
    assert export.headers["Content-Type"].startswith("text/csv")
    assert export.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(export.content).decode().splitlines()[0]


def test_attachment_downloads_and_previews_pass_through_as_they_are(agent_client, acme, sim):
    for title, name in (
        ("invoice-1043.pdf", "attachment"),
        ("screenshot.png", "attachment_preview"),
    ):
        row = _attachment(sim.acme, title)
        url = reverse(f"tickets:{name}", args=[acme.slug, row["ticket_id"], row["id"]])
        response = agent_client.get(url, **GZIP)
        assert response.status_code == 200, title
        assert "Content-Encoding" not in response.headers, title
        body = b"".join(response.streaming_content)
        assert body[:4] in (b"%PDF", b"\x89PNG"), title
