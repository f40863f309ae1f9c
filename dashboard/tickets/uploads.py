"""Files attached to a reply or note: uploaded to the site one by one as the agent adds them,
then named by the message that sends them (see fluent/uploads.py for the plugin's side).

Each upload goes to the site with the agent's own connection, and only for a ticket that
connection can read. The composer carries each uploaded file as one form value,
``<hash>:<size>:<name>``, so a message that fails to send is shown again with its files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.fluent import tickets as fluent_tickets
from dashboard.fluent import uploads
from dashboard.fluent.errors import InvalidInputError
from dashboard.sites.models import Site
from dashboard.sites.services import client_for

# The plugin's own composer takes at most this many files a message (max_file_upload).
MAX_FILES = 3
MAX_NAME = 200
VALUE = re.compile(r"^([0-9a-f]{32}):(\d{1,10}):(.+)$", re.DOTALL)


class UploadRefused(Exception):
    """The file cannot be attached; the message says why, in the agent's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AttachedFile:
    """An upload the site holds for the message being written."""

    file_hash: str
    name: str
    size: int

    @property
    def value(self) -> str:
        return f"{self.file_hash}:{self.size}:{self.name}"

    @property
    def size_label(self) -> str:
        return size_label(self.size)


def size_label(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def clean_name(name: str) -> str:
    """The file's own name, without any folder a browser may send, shortened if need be."""
    name = re.sub(r"[\x00-\x1f\x7f]", "", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: MAX_NAME - len(extension) - 1]}.{extension}" if dot else name[:MAX_NAME]
    return name or "file"


def parse_attached(values: list[str]) -> list[AttachedFile]:
    """The composer's files as posted back; anything malformed or repeated is left out."""
    found: dict[str, AttachedFile] = {}
    for value in values:
        match = VALUE.match(value or "")
        if match and match.group(1) not in found:
            found[match.group(1)] = AttachedFile(
                match.group(1), clean_name(match.group(3)), int(match.group(2))
            )
    return list(found.values())[:MAX_FILES]


def check_file(name: str, size: int) -> None:
    """Refuse, before anything is sent, a file the site would not take."""
    problem = uploads.upload_problem(name, size)
    if problem:
        raise UploadRefused(problem)


@dataclass(frozen=True)
class UploadLimits:
    """What the composer tells the agent and its script checks before uploading."""

    max_bytes: int = uploads.MAX_BYTES
    max_files: int = MAX_FILES
    accept: str = ",".join(f".{extension}" for extension in uploads.ACCEPTED_EXTENSIONS)
    hint: str = f"up to {uploads.MAX_FILE_MB} MB each, {MAX_FILES} a message"


LIMITS = UploadLimits()


def upload_for_ticket(site: Site, ticket_id: int, *, name: str, content: bytes) -> AttachedFile:
    """Upload one file for a message on this ticket, after the checks the site would make.

    Raises ``UploadRefused`` for a file the site would not take, and ``UpstreamError`` when
    the ticket cannot be read with this connection or the site fails."""
    name = clean_name(name)
    check_file(name, len(content))
    client = client_for(site)
    # Only for a ticket this agent's connection can read (not found and forbidden raise).
    fluent_tickets.ticket_get(client, ticket_id=ticket_id)
    try:
        file_hash = uploads.file_upload(client, ticket_id=ticket_id, name=name, content=content)
    except InvalidInputError as error:
        said = [message for messages in error.field_errors.values() for message in messages]
        raise UploadRefused(f"{name}: {' '.join(said) or error.message}") from None
    return AttachedFile(file_hash, name, len(content))
