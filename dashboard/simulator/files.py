"""Fluent Support attachments: uploads, attaching them to replies and tickets, signed file links.

What the real plugin does (captures ``seq_attachments_*``, REAL-API.md "Attachments"):

- ``POST /ticket_file_upload`` (multipart, field ``file``, plus ``is_agent`` and ``ticket_id``)
  stores the file as an ``in-active`` attachment and answers its 32-hex ``file_hash``;
- a reply naming hashes attaches only the in-active uploads made with that ticket's id; a new
  ticket attaches any in-active upload it names, as the customer's;
- attachment objects hide ``full_url`` and ``file_path``: ``secureUrl`` is the only link, signed
  with ``md5(id . gmdate("YmdH"))``, so it is valid until the end of the current UTC hour;
- ``GET /index.php?fst_file=<hash>&secure_sign=<sign>`` serves the bytes inline with the stored
  type, with or without credentials; a wrong or old sign is a 403 WordPress error page.
"""

from __future__ import annotations

import re
import struct
import uuid
import zlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import serialize as s
from .data import Store, md5

if TYPE_CHECKING:
    from .app import Reply, Request, SimulatedSite

# The plugin's default accepted groups: Photos, CSV, PDF/Docs, Zip, JSON.
ACCEPTED_TYPES = frozenset(
    {
        "image/gif", "image/ief", "image/jpeg", "image/webp", "image/pjpeg", "image/ktx",
        "image/png", "application/csv", "application/txt", "text/csv", "text/plain",
        "text/comma-separated-values", "text/anytext", "application/excel",
        "application/vnd.ms-excel", "application/vnd.msexcel", "application/octet-stream",
        "application/pdf", "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/zip", "application/json", "text/json",
    }
)  # fmt: skip
REFUSED_TYPE = {"file": {"mimetypes": "Only Photos, CSV, PDF/Docs, Zip, JSON files are allowed."}}
FILE_REQUIRED = {"file": {"required": "The file field is required."}}
TEMP_DIR = "/var/www/html/wp-content/uploads/fluent-support/temp_files"
UPLOAD_DIR = "/var/www/html/wp-content/uploads/fluent-support"
# The order the plugin's attachment objects list their keys in.
PUBLIC_KEYS = (
    "id", "ticket_id", "person_id", "conversation_id", "file_type", "settings", "title",
    "file_hash", "driver", "status", "file_size", "created_at", "updated_at",
)  # fmt: skip
WP_DIE_HEADERS = {
    "Expires": "Wed, 11 Jan 1984 05:00:00 GMT",
    "Cache-Control": "no-cache, must-revalidate, max-age=0, no-store, private",
}


def _reply(status: int, body: Any = None, **kwargs: Any) -> Reply:
    from .app import Reply

    return Reply(status, body, **kwargs)


def sign(attachment_id: int, at: datetime) -> str:
    """The plugin's secure sign: md5 of the id and the UTC hour (no secret)."""
    return md5(f"{attachment_id}{at.astimezone(UTC).strftime('%Y%m%d%H')}")


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


def public(row: dict[str, Any], site: SimulatedSite, base_url: str) -> dict[str, Any]:
    """An attachment as the REST answers show it: ids as strings, no full_url or file_path."""
    out: dict[str, Any] = {}
    for key in PUBLIC_KEYS:
        value = row[key]
        if key in ("ticket_id", "person_id", "conversation_id") and value is not None:
            value = str(value)
        elif key in ("created_at", "updated_at"):
            value = site.clock.iso(value)
        elif key == "settings":
            value = dict(value)
        out[key] = value
    out["secureUrl"] = (
        f"{base_url}/index.php?fst_file={row['file_hash']}"
        f"&secure_sign={sign(row['id'], site.current_time())}"
    )
    return out


def of_ticket(site: SimulatedSite, ticket_id: int, base_url: str) -> list[dict[str, Any]]:
    """The opening message's files: active, on the ticket, on no conversation."""
    rows = [
        row
        for row in site.store.attachments.values()
        if row["ticket_id"] == ticket_id
        and row["conversation_id"] is None
        and row["status"] in ("active", "inline")
    ]
    return [public(row, site, base_url) for row in rows]


def of_response(site: SimulatedSite, response_id: int, base_url: str) -> list[dict[str, Any]]:
    rows = [r for r in site.store.attachments.values() if r["conversation_id"] == response_id]
    return [public(row, site, base_url) for row in rows]


def attach_to_response(
    site: SimulatedSite, ticket: dict[str, Any], response: dict[str, Any], hashes: Any, at: datetime
) -> list[dict[str, Any]]:
    """Attach the named uploads made for this ticket; any other hash is silently ignored."""
    wanted = {str(h) for h in s.as_list(hashes)}
    rows = [
        row
        for row in site.store.attachments.values()
        if row["file_hash"] in wanted
        and row["ticket_id"] == ticket["id"]
        and row["status"] == "in-active"
    ]
    for row in rows:
        activate(
            row,
            ticket_id=ticket["id"],
            person_id=response["person_id"],
            conversation_id=response["id"],
            at=at,
        )
    return rows


def attach_to_new_ticket(
    site: SimulatedSite, ticket: dict[str, Any], hashes: Any, at: datetime
) -> list[dict[str, Any]]:
    """A new ticket takes any in-active upload it names, as the customer's file."""
    wanted = {str(h) for h in s.as_list(hashes)}
    rows = [
        row
        for row in site.store.attachments.values()
        if row["file_hash"] in wanted and row["status"] == "in-active"
    ]
    for row in rows:
        activate(
            row,
            ticket_id=ticket["id"],
            person_id=ticket["customer_id"],
            conversation_id=None,
            at=at,
        )
    return rows


def upload(site: SimulatedSite, request: Request) -> Reply:
    """POST /ticket_file_upload: one file in ``file``; answers the new upload's hash."""
    upload = request.body.get("file")
    if not isinstance(upload, dict) or not upload.get("filename"):
        return _reply(422, FILE_REQUIRED)
    file_type = str(upload.get("content_type") or "application/octet-stream").split(";")[0]
    if file_type.strip().lower() not in ACCEPTED_TYPES:
        return _reply(422, REFUSED_TYPE)
    ticket_id = s.to_int(request.body.get("ticket_id")) or None
    row = create(
        site.store,
        title=file_name(str(upload["filename"])),
        file_type=file_type.strip().lower(),
        content=upload.get("content") or b"",
        person_id=request.user.person_id,
        ticket_id=ticket_id,
        at=site.current_time(),
    )
    return _reply(200, {"attachments": [row["file_hash"]]})


def _wp_die(status: int, title: str, message: str) -> Reply:
    page = (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8" />\n'
        f'<title>{title}</title>\n</head>\n<body id="error-page">\n'
        f'\t<div class="wp-die-message">{message}</div></body>\n</html>\n'
    )
    return _reply(
        status,
        raw=page.encode(),
        content_type="text/html; charset=UTF-8",
        headers=dict(WP_DIE_HEADERS),
        allow=False,
    )


def serve(site: SimulatedSite, query: dict[str, Any]) -> Reply:
    """GET /index.php?fst_file=&secure_sign=: the bytes, inline, for anyone holding the link."""
    file_hash = str(query.get("fst_file") or "")
    if not file_hash:
        return _wp_die(400, "Bad Request", "Invalid Attachment Hash")
    row = next((r for r in site.store.attachments.values() if r["file_hash"] == file_hash), None)
    if row is None:
        return _wp_die(404, "Not Found", "Invalid Attachment Hash")
    if str(query.get("secure_sign") or "") != sign(row["id"], site.current_time()):
        return _wp_die(
            403,
            "Forbidden",
            "Sorry, Your secure sign is invalid, Please reload the previous page and get new "
            "signed url",
        )
    return _reply(
        200,
        raw=row["content"],
        content_type=row["file_type"],
        headers={"Content-Disposition": f'inline; filename="{row["title"]}"'},
        allow=False,
    )


# --------------------------------------------------------------------------- seed files
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
