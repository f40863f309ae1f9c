"""FluentCRM contact notes: the list with its form fields, add, update and delete."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from .. import serialize as s
from .. import wptext
from ..rest import Reply, Request
from .common import NO_MODEL, NS, bench, crash, smartcodes

if TYPE_CHECKING:
    from ..state import SiteState


NOTE_TYPES = [
    ("note", "Note"), ("call", "Call"), ("email", "Email"), ("meeting", "Meeting"),
    ("quote_sent", "Quote: Sent"), ("quote_accepted", "Quote: Accepted"),
    ("quote_refused", "Quote: Refused"), ("invoice_sent", "Invoice: Sent"),
    ("invoice_part_paid", "Invoice: Part Paid"), ("invoice_paid", "Invoice: Paid"),
    ("invoice_refunded", "Invoice: Refunded"), ("transaction", "Transaction"),
    ("feedback", "Feedback"), ("tweet", "Tweet"), ("facebook_post", "Facebook Post"),
]  # fmt: skip


def subscriber_notes(site: SiteState, request: Request) -> Reply:
    started = time.perf_counter()
    # The plugin does not look the contact up: an unknown one simply has no notes.
    cid = int(request.args["id"])
    page = max(1, s.to_int(request.query.get("page"), 1) or 1)
    per_page = max(1, s.to_int(request.query.get("per_page"), 15) or 15)
    search = str(request.query.get("search") or "").strip().lower()
    notes = sorted(site.store.contact_notes.get(cid, []), key=lambda n: -n["id"])
    if search:
        notes = [n for n in notes if search in n["title"].lower()]
    rows = []
    for note in notes[(page - 1) * per_page : page * per_page]:
        row = _note_row(site, note)
        author = site.store.user_by_person(note["created_by"])
        row["added_by"] = (
            {
                "ID": note["created_by"],
                "first_name": author.first_name,
                "last_name": author.last_name,
                # WordPress's display name: the full name when set, else the login.
                "display_name": author.full_name.strip() or author.username,
            }
            if author
            else None
        )
        rows.append(row)
    path = f"/wp-json{NS}/subscribers/{cid}/notes"
    fields = {
        "type": {
            "type": "input-option",
            "label": "Type",
            "id": "fc_note_type",
            "name": "type",
            "options": [{"id": key, "label": label} for key, label in NOTE_TYPES],
        },
        "created_at": {
            "type": "input-date",
            "data_type": "datetime",
            "name": "created_at",
            "label": "Date Time",
            "id": "fc_note_title",
            "value_format": "yyyy-MM-dd HH:mm:ss",
            "help": "keep blank for current time",
        },
        "title": {
            "type": "input-text",
            "name": "title",
            "label": "Title",
            "id": "fc_note_title",
            "placeholder": "Your Note Title",
        },
        "description": {
            "type": "wp-editor",
            "name": "description",
            "label": "Description",
            "id": "fc_note_desc",
        },
    }
    return Reply(
        200,
        {
            "notes": s.crm_page(rows, len(notes), page, per_page, path),
            "fields": {"fields": fields},
            "__bench": bench(started),
        },
    )


def _note_input(request: Request) -> tuple[dict[str, str], Reply | None]:
    note = request.body.get("note")
    note = note if isinstance(note, dict) else {}
    fields = {key: str(note.get(key) or "") for key in ("title", "description", "type")}
    missing = {
        key: {"required": f"The {key} field is required."}
        for key, value in fields.items()
        if not value.strip()
    }
    fields["created_at"] = str(note.get("created_at") or "")
    return fields, (Reply(422, missing) if missing else None)


def _clean(fields: dict[str, str], contact: dict[str, Any] | None) -> dict[str, str]:
    description = fields["description"]
    if contact is not None:
        description = smartcodes(description, contact)
    # The recorded site stores a "<" that opens no tag as "&lt;" (its smartcode pass parses
    # the text as HTML first), where wp_kses_post alone would swallow "< b <b>" as one tag.
    description = re.sub(r"<(?![A-Za-z/!?])", "&lt;", description)
    description = wptext.unslash(wptext.kses(description))
    return {
        "title": wptext.sanitize_text_field(wptext.unslash(fields["title"])),
        "description": description,
        "type": wptext.sanitize_text_field(fields["type"]),
    }


def _all_notes(site: SiteState) -> dict[int, dict[str, Any]]:
    return {n["id"]: n for notes in site.store.contact_notes.values() for n in notes}


def _note_row(site: SiteState, note: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": note["id"],
        "subscriber_id": str(note["subscriber_id"]),
        "parent_id": note["parent_id"],
        "created_by": str(note["created_by"]),
        "status": note["status"],
        "type": note["type"],
        "is_private": str(note["is_private"]),
        "title": note["title"],
        "description": note["description"],
        "created_at": site.clock.local(note["created_at"]),
        "updated_at": site.clock.local(note["updated_at"]),
    }


def note_add(site: SiteState, request: Request) -> Reply:
    started = time.perf_counter()
    contact = site.store.contacts.get(int(request.args["id"]))
    if contact is None:
        return Reply(404, dict(NO_MODEL))
    fields, error = _note_input(request)
    if error is not None:
        return error
    now = site.current_time()
    user = request.user
    note = {
        "id": max(_all_notes(site), default=0) + 1,
        "subscriber_id": contact["id"],
        "parent_id": None,
        "created_by": user.person_id if user else 0,
        "status": "open",
        "is_private": 1,
        **_clean(fields, contact),
        "created_at": now,
        "updated_at": now,
    }
    site.store.contact_notes.setdefault(contact["id"], []).append(note)
    site.store.version += 1
    answer = {
        "title": note["title"],
        "description": note["description"],
        "type": note["type"],
        "created_at": site.clock.local(now),
        "subscriber_id": contact["id"],
        "updated_at": site.clock.local(now),
        "created_by": note["created_by"],
        "id": note["id"],
    }
    return Reply(
        200, {"note": answer, "message": "Note successfully added", "__bench": bench(started)}
    )


def note_update(site: SiteState, request: Request) -> Reply:
    """PUT …/notes/{note}: the note is found by its id alone, whichever contact the path names."""
    started = time.perf_counter()
    note = _all_notes(site).get(int(request.args["note"]))
    fields, error = _note_input(request)
    if error is not None:
        return error
    if note is None:
        return crash("Call to a member function fill() on null", 804)
    note.update(_clean(fields, site.store.contacts.get(note["subscriber_id"])))
    note["updated_at"] = site.current_time()
    site.store.version += 1
    return Reply(
        200,
        {
            "note": _note_row(site, note),
            "message": "Note successfully updated",
            "__bench": bench(started),
        },
    )


def note_delete(site: SiteState, request: Request) -> Reply:
    started = time.perf_counter()
    nid = int(request.args["note"])
    for notes in site.store.contact_notes.values():
        notes[:] = [n for n in notes if n["id"] != nid]
    site.store.version += 1
    return Reply(200, {"message": "Note successfully deleted", "__bench": bench(started)})
