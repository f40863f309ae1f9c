"""Uploading a file for a reply or note: the plugin's ``ticket_file_upload`` route.

What the real plugin does (captures ``seq_attachments_*``, REAL-API.md "Attachments", and its
UploaderController): one file per request in the multipart field ``file``, with
``is_agent=yes`` and the ``ticket_id`` the reply will go to (an upload made without it is
silently dropped by the reply). The answer is ``{"attachments": ["<32-hex file_hash>"]}``; the
upload stays invisible until a reply or note names the hash in its ``attachments``.

The plugin checks two things, and they are checked here first so the agent hears at once:
the size (``max_file_size``, 2 MB by default, as KB <= 2048) and the type, which WordPress
reads from the file's name (wp_check_filetype_and_ext), not from what the browser claims.
Its refusals are 422 ``{"file": {"max" | "mimetypes": message}}``.
"""

from __future__ import annotations

import re

from dashboard.fluent import errors
from dashboard.fluent.client import SUPPORT, FluentClient

MAX_FILE_MB = 2
MAX_BYTES = MAX_FILE_MB * 1024 * 1024
# The accepted groups (Photos, CSV, PDF/Docs, Zip) as WordPress names them by extension. JSON
# is in the plugin's list but not in WordPress's, so a .json file is refused by the site.
ACCEPTED_EXTENSIONS = {
    **dict.fromkeys(("jpg", "jpeg", "jpe"), "image/jpeg"),
    "gif": "image/gif",
    "png": "image/png",
    "webp": "image/webp",
    **dict.fromkeys(("txt", "asc", "c", "cc", "h", "srt"), "text/plain"),
    "csv": "text/csv",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "zip": "application/zip",
}
TYPES_HINT = "images (PNG, JPEG, GIF, WebP), CSV, text, PDF, Word, Excel (.xls) or Zip"
HASH = re.compile(r"^[0-9a-f]{32}$")


def file_type(name: str) -> str:
    """The type the site will give this file, or "" if it will refuse it."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ACCEPTED_EXTENSIONS.get(extension, "")


def upload_problem(name: str, size: int) -> str:
    """Why the site would refuse this file, in the agent's words; "" when it would take it."""
    if size <= 0:
        return f"{name} is empty."
    if size > MAX_BYTES:
        return (
            f"{name} is {size / 1024 / 1024:.1f} MB; files can be up to {MAX_FILE_MB} MB. "
            "Share a bigger file by link instead."
        )
    if not file_type(name):
        return f"{name} cannot be attached: the site takes {TYPES_HINT}."
    return ""


def file_upload(client: FluentClient, *, ticket_id: int, name: str, content: bytes) -> str:
    """Upload one file for a reply or note on ``ticket_id``; answers its ``file_hash``."""
    # Reference: POST /ticket_file_upload (multipart: file, is_agent, ticket_id) -> {"attachments":
    # [hash]} (captures seq_attachments_4_upload_png, seq_attachments_5_upload_csv; refused type
    # seq_attachments_badtype_1_upload_html -> 422 {"file": {"mimetypes": ...}}).
    data = client.send(
        "POST",
        f"{SUPPORT}/ticket_file_upload",
        form={"is_agent": "yes", "ticket_id": str(int(ticket_id))},
        files={"file": (name, content, file_type(name) or "application/octet-stream")},
    )
    hashes = (data or {}).get("attachments") if isinstance(data, dict) else None
    if not isinstance(hashes, list) or len(hashes) != 1 or not HASH.match(str(hashes[0])):
        raise errors.BadReplyError(
            "The site answered the upload without the file's reference.", site_label=client.label
        )
    return str(hashes[0])
