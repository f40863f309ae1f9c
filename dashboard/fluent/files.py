"""Attachment files: find one in its ticket and fetch its bytes from the plugin's signed link.

The plugin gives an attachment one link, ``secureUrl`` =
``<site>/index.php?fst_file=<hash>&secure_sign=<md5(id . UTC "YmdH")>``, valid until the end of
the current UTC hour, for anyone who holds it (REAL-API.md "Attachments"). So a link in a
cached ticket goes stale on the hour: the ticket is re-read fresh when its link was signed for
another hour, and once more if the site still refuses the link (403, e.g. clocks apart).

The link is only ever fetched from the site's own host, without credentials (it needs none),
and without following redirects: a ticket's data must never make us fetch an arbitrary URL.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import requests

from dashboard.fluent import errors, trace
from dashboard.fluent.address import guard
from dashboard.fluent.client import USER_AGENT, FluentClient
from dashboard.fluent.models import Attachment, Thread
from dashboard.fluent.tickets import ticket_get

CHUNK_BYTES = 64 * 1024
# The first bytes of each raster format a preview may show: the site's word for a file's type
# is whatever the uploader's browser claimed, so a preview also checks what the bytes are.
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)

# Files are fetched without credentials, through the same address guard as every other call.
_file_session = guard(requests.Session())


def current_sign(attachment_id: int, now: datetime | None = None) -> str:
    """The sign the plugin accepts right now for this attachment."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return hashlib.md5(f"{attachment_id}{moment:%Y%m%d%H}".encode()).hexdigest()  # noqa: S324


def link_is_current(attachment: Attachment, now: datetime | None = None) -> bool:
    """Whether the attachment's link was signed for the current UTC hour."""
    query = parse_qs(urlsplit(attachment.secure_url).query)
    return query.get("secure_sign", [""])[0] == current_sign(attachment.id, now)


def _port(scheme: str, port: int | None) -> int | None:
    return port or {"http": 80, "https": 443}.get(scheme)


def same_host(url: str, base_url: str) -> bool:
    """Whether ``url`` is an http(s) URL on the site's own host and port."""
    try:
        link, site = urlsplit(url), urlsplit(base_url)
        link_port, site_port = _port(link.scheme, link.port), _port(site.scheme, site.port)
    except ValueError:
        return False
    return (
        link.scheme in ("http", "https")
        and bool(link.hostname)
        and link.hostname == site.hostname
        and link_port == site_port
        and not link.username
        and not link.password
    )


def attachment_find(thread: Thread, attachment_id: int) -> Attachment | None:
    """The attachment with this id on the opening message or on any response."""
    for attachment in thread.ticket.attachments:
        if attachment.id == attachment_id:
            return attachment
    for response in thread.responses:
        for attachment in response.attachments:
            if attachment.id == attachment_id:
                return attachment
    return None


def attachment_get(
    client: FluentClient, *, ticket_id: int, attachment_id: int, refresh: bool = False
) -> Attachment:
    """The attachment as the ticket lists it now, with a link signed for this hour if the site
    can give one. Read from the cache when that copy's link is still good."""
    thread = ticket_get(client, ticket_id=ticket_id, refresh=refresh)
    found = attachment_find(thread, attachment_id)
    if not refresh and (found is None or not link_is_current(found)):
        thread = ticket_get(client, ticket_id=ticket_id, refresh=True)
        found = attachment_find(thread, attachment_id)
    if found is None:
        raise errors.NotFoundError("That file is not on this ticket.", site_label=client.label)
    return found


@dataclass
class FileStream:
    """An open download: the attachment, its first bytes (already read) and the rest."""

    attachment: Attachment
    first: bytes
    rest: Iterator[bytes]
    response: requests.Response

    def chunks(self) -> Iterator[bytes]:
        try:
            if self.first:
                yield self.first
            yield from self.rest
        finally:
            self.response.close()

    def close(self) -> None:
        self.response.close()

    @property
    def image_type(self) -> str:
        """The raster type the bytes start with, or "" (WebP: RIFF....WEBP)."""
        if self.first[:4] == b"RIFF" and self.first[8:12] == b"WEBP":
            return "image/webp"
        for signature, kind in IMAGE_SIGNATURES:
            if self.first.startswith(signature):
                return kind
        return ""


def _fetch(client: FluentClient, attachment: Attachment) -> requests.Response:
    url = attachment.secure_url
    if not same_host(url, client.credential.base_url):
        raise errors.BadReplyError(
            "The site gave a link to this file on another address; it was not followed.",
            site_label=client.label,
        )
    started = time.perf_counter()
    try:
        # No credentials: the signed link needs none, and a file request carries no secret.
        response = _file_session.get(
            url,
            headers={"User-Agent": USER_AGENT},
            timeout=client.timeout,
            stream=True,
            allow_redirects=False,
        )
    except requests.RequestException:
        trace.record(client.credential.key, time.perf_counter() - started, hit=False, failed=True)
        raise errors.UnavailableError(
            "The site could not be reached to fetch this file.", site_label=client.label
        ) from None
    trace.record(client.credential.key, time.perf_counter() - started, hit=False)
    return response


def attachment_open(client: FluentClient, *, ticket_id: int, attachment_id: int) -> FileStream:
    """Start fetching an attachment's bytes, re-reading the ticket once if the link is refused."""
    attachment = attachment_get(client, ticket_id=ticket_id, attachment_id=attachment_id)
    response = _fetch(client, attachment)
    if response.status_code == 403:
        response.close()
        attachment = attachment_get(
            client, ticket_id=ticket_id, attachment_id=attachment_id, refresh=True
        )
        response = _fetch(client, attachment)
    if response.status_code != 200:
        status = response.status_code
        response.close()
        if status == 404:
            raise errors.NotFoundError(
                "The site no longer has this file.", site_label=client.label, status=status
            )
        raise errors.UnavailableError(
            f"The site did not hand over this file (HTTP {status}).",
            site_label=client.label,
            status=status,
        )
    rest = response.iter_content(CHUNK_BYTES)
    try:
        first = next(rest, b"")
    except requests.RequestException:
        response.close()
        raise errors.UnavailableError(
            "The site stopped sending this file.", site_label=client.label
        ) from None
    return FileStream(attachment=attachment, first=first, rest=rest, response=response)
