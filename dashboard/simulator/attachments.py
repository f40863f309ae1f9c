"""Attachment rows as the plugin stores them (in-active uploads, activated on a reply or a
ticket, signed links) and the seeded files; files.py answers the routes that use them."""

from __future__ import annotations

import re
import struct
import uuid
import zlib
from datetime import UTC, datetime
from typing import Any

from .store import Store, md5

TEMP_DIR = "/var/www/html/wp-content/uploads/fluent-support/temp_files"
UPLOAD_DIR = "/var/www/html/wp-content/uploads/fluent-support"


def sign(attachment_id: int, at: datetime) -> str:
    """The plugin's secure sign: md5 of the id and the UTC hour (no secret)."""
    return md5(f"{attachment_id}{at.astimezone(UTC).strftime('%Y%m%d%H')}")


# WordPress's word for a file's type, from its extension (wp_get_mime_types, as far as these
# uploads go). JSON and SVG are not on WordPress's list, so the plugin refuses them although
# its message names JSON.
WP_TYPES = {
    **dict.fromkeys(("jpg", "jpeg", "jpe"), "image/jpeg"),
    "gif": "image/gif",
    "png": "image/png",
    "webp": "image/webp",
    "bmp": "image/bmp",
    **dict.fromkeys(("txt", "asc", "c", "cc", "h", "srt"), "text/plain"),
    "csv": "text/csv",
    **dict.fromkeys(("htm", "html"), "text/html"),
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


def detect_type(filename: str, content: bytes) -> str:
    """The type WordPress gives an upload (wp_check_filetype_and_ext): read from the file's
    name, not from what the browser claimed; an image must also be one. "" when unknown."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    kind = WP_TYPES.get(extension, "")
    if kind.startswith("image/"):
        if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
            return "image/webp"
        # A picture under another picture's extension keeps its real type; anything else
        # under a picture's name is refused.
        return next((real for sign, real in IMAGE_SIGNATURES if content.startswith(sign)), "")
    return kind


def file_name(name: str) -> str:
    """Roughly WordPress's sanitize_file_name: spaces to dashes, odd characters dropped."""
    name = re.sub(r"[\s]+", "-", name.strip())
    name = re.sub(r"[^A-Za-z0-9._-]", "", name)
    return name.strip(".-_") or "unnamed-file"


def create(
    store: Store,
    *,
    title: str,
    file_type: str,
    content: bytes,
    person_id: int,
    ticket_id: int | None,
    at: datetime,
    file_hash: str | None = None,
) -> dict[str, Any]:
    """Store one upload as the plugin does: in-active until a reply or a ticket names it."""
    aid = store.next_attachment_id
    store.next_attachment_id += 1
    file_hash = file_hash or md5(f"{uuid.uuid4()}{aid}")
    temp = f"{TEMP_DIR}/fluent_support-{md5(file_hash)}___{title}"
    row = {
        "id": aid,
        "ticket_id": ticket_id,
        "person_id": person_id,
        "conversation_id": None,
        "file_type": file_type,
        "file_path": temp,
        "full_url": "",
        "settings": {"local_temp_path": temp},
        "title": title,
        "file_hash": file_hash,
        "driver": "local",
        "status": "in-active",
        "file_size": None,
        "created_at": at,
        "updated_at": at,
        "content": content,
    }
    store.attachments[aid] = row
    return row


def activate(
    row: dict[str, Any],
    *,
    ticket_id: int,
    person_id: int,
    conversation_id: int | None,
    at: datetime,
) -> None:
    row["ticket_id"] = ticket_id
    row["person_id"] = person_id
    row["conversation_id"] = conversation_id
    row["status"] = "active"
    row["updated_at"] = at
    # The plugin moves the file into the ticket's folder; only the hidden columns change.
    row["file_path"] = f"{UPLOAD_DIR}/ticket_{ticket_id}/{row['title']}"


def png(width: int = 160, height: int = 100) -> bytes:
    """A small valid PNG (a blue-to-violet gradient), so image previews show something real."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes((52 + y, 120, 246 - y)) * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
CSV = b"order,date,amount\n1043,2026-11-02,49.00\n1044,2026-11-03,19.90\n"
HOSTILE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">'
    b'<script>alert(document.domain)</script><rect width="10" height="10"/></svg>'
)
HOSTILE_HTML = (
    b"<!doctype html><html><body><h1>Invoice</h1>"
    b"<script>alert(document.cookie)</script></body></html>"
)


def seed(store: Store) -> None:
    """A few attachments on recent tickets, so the demo and the tests have files to show.

    Chosen by position, not by chance, so the rest of the seed stays exactly as it was: the
    newest ticket's opening message has a screenshot; the newest agent reply has a PDF and a
    CSV; the newest customer reply carries an .svg and an .html file, as a mail-piped message
    could (the upload route would refuse both), for the security tests.
    """
    if not store.tickets:
        return
    newest = max(store.tickets)
    ticket = store.tickets[newest]

    def add(title: str, kind: str, content: bytes, person_id: int, tid: int, rid: int | None):
        at = store.responses[rid]["created_at"] if rid else store.tickets[tid]["created_at"]
        row = create(
            store,
            title=title,
            file_type=kind,
            content=content,
            person_id=person_id,
            ticket_id=tid,
            at=at,
            file_hash=md5(f"seed-attachment-{store.site_name}-{store.next_attachment_id}"),
        )
        activate(row, ticket_id=tid, person_id=person_id, conversation_id=rid, at=at)

    add("screenshot.png", "image/png", png(), ticket["customer_id"], newest, None)
    replies = sorted(store.responses.values(), key=lambda r: -r["id"])
    agent_reply = next(
        (
            r
            for r in replies
            if r["conversation_type"] == "response"
            and store.persons.get(r["person_id"], {}).get("person_type") == "agent"
        ),
        None,
    )
    if agent_reply is not None:
        tid, pid, rid = agent_reply["ticket_id"], agent_reply["person_id"], agent_reply["id"]
        add("invoice-1043.pdf", "application/pdf", PDF, pid, tid, rid)
        add("orders.csv", "text/csv", CSV, pid, tid, rid)
    customer_reply = next(
        (
            r
            for r in replies
            if r["conversation_type"] == "response"
            and store.persons.get(r["person_id"], {}).get("person_type") == "customer"
        ),
        None,
    )
    if customer_reply is not None:
        tid, pid = customer_reply["ticket_id"], customer_reply["person_id"]
        rid = customer_reply["id"]
        add("diagram.svg", "image/svg+xml", HOSTILE_SVG, pid, tid, rid)
        add("statement.html", "text/html", HOSTILE_HTML, pid, tid, rid)
