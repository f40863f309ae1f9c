"""Fluent Support attachments: uploads, attaching them to replies and tickets, signed file links.

What the real plugin does (captures ``seq_attachments_*``, REAL-API.md "Attachments"):

- ``POST /ticket_file_upload`` (multipart, field ``file``, plus ``is_agent`` and ``ticket_id``)
  stores the file as an ``in-active`` attachment and answers its 32-hex ``file_hash``; a file
  over 2 MB or of a type outside the accepted groups is a 422 ``{"file": {rule: message}}``;
- a reply naming hashes attaches only the in-active uploads made with that ticket's id; a new
  ticket attaches any in-active upload it names, as the customer's;
- attachment objects hide ``full_url`` and ``file_path``: ``secureUrl`` is the only link, signed
  with ``md5(id . gmdate("YmdH"))``, so it is valid until the end of the current UTC hour;
- ``GET /index.php?fst_file=<hash>&secure_sign=<sign>`` serves the bytes inline with the stored
  type, with or without credentials; a wrong or old sign is a 403 WordPress error page.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import serialize as s
from .attachments import activate, create, detect_type, file_name, sign
from .rest import Reply, Request

if TYPE_CHECKING:
    from .state import SiteState


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
# The plugin's default max_file_size is 2 (MB), checked as the file's size in KB <= 2 * 1024.
MAX_FILE_MB = 2
TOO_BIG = (
    f"The file cannot be more than {MAX_FILE_MB:.1f}MB. Please upload somewhere like "
    "Dropbox/Google Drive and paste the link in the response"
)
FILE_REQUIRED = {"file": {"required": "The file field is required."}}
# The order the plugin's attachment objects list their keys in.
PUBLIC_KEYS = (
    "id", "ticket_id", "person_id", "conversation_id", "file_type", "settings", "title",
    "file_hash", "driver", "status", "file_size", "created_at", "updated_at",
)  # fmt: skip
WP_DIE_HEADERS = {
    "Expires": "Wed, 11 Jan 1984 05:00:00 GMT",
    "Cache-Control": "no-cache, must-revalidate, max-age=0, no-store, private",
}


def public(row: dict[str, Any], site: SiteState, base_url: str) -> dict[str, Any]:
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


def of_ticket(site: SiteState, ticket_id: int, base_url: str) -> list[dict[str, Any]]:
    """The opening message's files: active, on the ticket, on no conversation."""
    rows = [
        row
        for row in site.store.attachments.values()
        if row["ticket_id"] == ticket_id
        and row["conversation_id"] is None
        and row["status"] in ("active", "inline")
    ]
    return [public(row, site, base_url) for row in rows]


def of_response(site: SiteState, response_id: int, base_url: str) -> list[dict[str, Any]]:
    rows = [r for r in site.store.attachments.values() if r["conversation_id"] == response_id]
    return [public(row, site, base_url) for row in rows]


def attach_to_response(
    site: SiteState, ticket: dict[str, Any], response: dict[str, Any], hashes: Any, at: datetime
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
    site: SiteState, ticket: dict[str, Any], hashes: Any, at: datetime
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


def upload(site: SiteState, request: Request) -> Reply:
    """POST /ticket_file_upload: one file in ``file``; answers the new upload's hash.

    The type is WordPress's reading of the file (its name, and for a picture its bytes), not
    what the browser claimed; every failed rule is listed, size first (UploaderController).
    """
    upload = request.body.get("file")
    if not isinstance(upload, dict) or not upload.get("filename"):
        return Reply(422, FILE_REQUIRED)
    content = upload.get("content") or b""
    file_type = detect_type(str(upload["filename"]), content)
    refused: dict[str, str] = {}
    if len(content) / 1024 > MAX_FILE_MB * 1024:
        refused["max"] = TOO_BIG
    if file_type not in ACCEPTED_TYPES:
        refused["mimetypes"] = REFUSED_TYPE["file"]["mimetypes"]
    if refused:
        return Reply(422, {"file": refused})
    ticket_id = s.to_int(request.body.get("ticket_id")) or None
    row = create(
        site.store,
        title=file_name(str(upload["filename"])),
        file_type=file_type,
        content=content,
        person_id=request.user.person_id,
        ticket_id=ticket_id,
        at=site.current_time(),
    )
    return Reply(200, {"attachments": [row["file_hash"]]})


def _wp_die(status: int, title: str, message: str) -> Reply:
    page = (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8" />\n'
        f'<title>{title}</title>\n</head>\n<body id="error-page">\n'
        f'\t<div class="wp-die-message">{message}</div></body>\n</html>\n'
    )
    return Reply(
        status,
        raw=page.encode(),
        content_type="text/html; charset=UTF-8",
        headers=dict(WP_DIE_HEADERS),
        allow=False,
    )


def serve(site: SiteState, query: dict[str, Any]) -> Reply:
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
    return Reply(
        200,
        raw=row["content"],
        content_type=row["file_type"],
        headers={"Content-Disposition": f'inline; filename="{row["title"]}"'},
        allow=False,
    )
