"""FluentCRM contact writes: create, update, delete, the status change and the segment editor.

These routes carry most of the plugin's quirks: see REAL-API.md, "FluentCRM contact actions",
and the `seq_crm_*` captures the contract tests replay."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from .. import serialize as s
from ..rest import Reply, Request
from ..store import md5, slugify
from .common import NO_MODEL, UNSUBSCRIBED_LIKE, bench, contact_row, crash, ints
from .segments import link_segments, unlink_segments

if TYPE_CHECKING:
    from ..state import SiteState


STATUSES = (
    "subscribed", "pending", "unsubscribed", "transactional", "bounced", "complained", "spammed",
)  # fmt: skip
PROPERTIES = frozenset({"status", "contact_type", "avatar", "company_id"})


def _segments(site: SiteState, kind: str) -> dict[int, dict[str, Any]]:
    return site.store.crm_tags if kind == "Tag" else site.store.crm_lists


def sync_segments(site: SiteState, request: Request) -> Reply:
    """POST /subscribers/sync-segments: the admin profile's tag and list editor."""
    started = time.perf_counter()
    kind = "Tag" if str(request.param("type") or "") == "tags" else "Lists"
    by_id = str(request.param("find_by") or "") == "id"
    segments = _segments(site, kind)

    def resolve(values: Any) -> list[int]:
        # Unknown slugs or ids are ignored, exactly as the plugin's whereIn does.
        wanted = [str(v) for v in s.as_list(values)]
        if by_id:
            return [i for i in ints(wanted) if i in segments]
        return [sid for sid, seg in segments.items() if seg["slug"] in wanted]

    attach, detach = resolve(request.param("attach")), resolve(request.param("detach"))
    contacts = []
    for cid in ints(request.param("subscribers")):
        contact = site.store.contacts.get(cid)
        if contact is None:
            return crash("Call to a member function attachTags() on null", 293)
        link_segments(site, contact, kind, attach)
        unlink_segments(contact, kind, detach)
        contacts.append(contact)
    site.store.version += 1
    return Reply(
        200,
        {
            "message": "Successfully updated the subscriber.",
            "subscribers": [contact_row(site, request, c) for c in contacts],
            "__bench": bench(started),
        },
    )


def _put_segment_ids(site: SiteState, kind: str, values: Any) -> list[int]:
    """PUT /subscribers/{id}'s attach values: ids kept as they are (even unknown ones, which
    the plugin links but never shows), titles or slugs of 3+ characters looked up and an
    unknown one created."""
    segments = _segments(site, kind)
    out: list[int] = []
    for value in s.as_list(values):
        text = str(value).strip()
        if text.isdigit():
            if int(text) in segments:
                out.append(int(text))
            continue
        if len(text) < 3:
            continue
        found = next(
            (sid for sid, seg in segments.items() if text in (seg["title"], seg["slug"])), None
        )
        if found is None:
            found = max(segments, default=0) + 1
            now = site.current_time()
            segments[found] = {
                "id": found,
                "title": text,
                "slug": slugify(text),
                "description": None,
                "created_at": now,
                "updated_at": now,
            }
            if kind == "Lists":
                segments[found]["is_public"] = 0
        out.append(found)
    return out


def subscriber_update(site: SiteState, request: Request) -> Reply:
    """PUT /subscribers/{id}: flat fields, attach/detach ids, a status without its hooks."""
    started = time.perf_counter()
    contact = site.store.contacts.get(int(request.args["id"]))
    if contact is None:
        return Reply(404, dict(NO_MODEL))
    if isinstance(request.body.get("subscriber"), str):
        # The admin form's JSON string only works form-encoded; as JSON it crashes first.
        return crash("Cannot unset string offsets", 499)
    touched: set[str] = set()
    for kind, verb, key in (
        ("Tag", "attach", "attach_tags"),
        ("Lists", "attach", "attach_lists"),
        ("Tag", "detach", "detach_tags"),
        ("Lists", "detach", "detach_lists"),
    ):
        if key not in request.body:
            continue
        touched.add("tags" if kind == "Tag" else "lists")
        if verb == "attach":
            link_segments(site, contact, kind, _put_segment_ids(site, kind, request.body[key]))
        else:
            unlink_segments(contact, kind, ints(request.body[key]))
    dirty = False
    status = request.body.get("status")
    if isinstance(status, str) and status in STATUSES and status != contact["status"]:
        contact["status"] = status
        contact["updated_at"] = site.current_time()
        dirty = True
    site.store.version += 1
    row = contact_row(site, request, contact)
    # The answer loads only the relations the request touched.
    for relation in {"tags", "lists"} - touched:
        row.pop(relation)
    return Reply(
        200,
        {
            "message": "Subscriber successfully updated",
            "contact": row,
            "isDirty": dirty,
            "values": [],
            "__bench": bench(started),
        },
    )


def subscribers_property(site: SiteState, request: Request) -> Reply:
    """PUT /subscribers/subscribers-property: the bulk status change the profile uses."""
    started = time.perf_counter()
    ids = request.param("subscribers")
    if not ids:
        return Reply(422, {"subscriber_ids": {"required": "The subscriber_ids field is required."}})
    prop = str(request.param("property") or "")
    value = request.param("value")
    if prop not in PROPERTIES:
        return Reply(422, {"message": "Column is not valid"})
    if prop == "status" and value not in STATUSES:
        return Reply(422, {"message": "Value is not valid"})
    for cid in ints(ids):
        contact = site.store.contacts.get(cid)
        if contact is None or contact.get(prop) == value:
            continue
        contact[prop] = value
        contact["updated_at"] = site.current_time()
        if prop == "status" and value in UNSUBSCRIBED_LIKE:
            # Only the public unsubscribe page stores a reason; an admin change stores blanks.
            contact["unsubscribe_reason"] = ""
            contact["unsubscribe_date"] = ""
    site.store.version += 1
    return Reply(200, {"message": "Subscribers successfully updated", "__bench": bench(started)})


def subscriber_create(site: SiteState, request: Request) -> Reply:
    """POST /subscribers: 200 (not 201), the email unique case-insensitively."""
    started = time.perf_counter()
    email = str(request.param("email") or "").strip()
    errors: dict[str, Any] = {}
    if not email:
        errors["email"] = {"required": "The email field is required."}
    elif not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        errors["email"] = {"email": "The email must be a valid email address."}
    elif site.store.contact_by_email(email) is not None:
        errors["email"] = {"unique": "Provided email already assigned to another subscriber."}
    if not request.param("status"):
        errors["status"] = {"required": "The status field is required."}
    if errors:
        return Reply(422, errors)
    status = str(request.param("status"))
    now = site.current_time()
    cid = max(site.store.contacts, default=0) + 1
    contact: dict[str, Any] = dict.fromkeys(s.CONTACT_COLUMNS)
    contact.update(
        {
            "id": cid,
            "hash": md5(email.lower()),
            "first_name": str(request.param("first_name") or "") or None,
            "last_name": str(request.param("last_name") or "") or None,
            "email": email,
            "total_points": 0,
            "life_time_value": 0,
            "status": status if status in STATUSES else "subscribed",
            "contact_type": "lead",
            "created_at": now,
            "updated_at": now,
            "tag_ids": [],
            "list_ids": [],
            "custom_values": {},
            "stats": {"emails": 0, "opens": 0, "clicks": 0},
        }
    )
    site.store.contacts[cid] = contact
    site.store.contact_notes[cid] = []
    tags = [t for t in ints(request.param("tags")) if t in site.store.crm_tags]
    lists = [x for x in ints(request.param("lists")) if x in site.store.crm_lists]
    link_segments(site, contact, "Tag", tags)
    link_segments(site, contact, "Lists", lists)
    site.store.version += 1
    row = contact_row(site, request, contact)
    if not request.param("tags"):
        row.pop("tags")
    if not request.param("lists"):
        row.pop("lists")
    return Reply(
        200,
        {
            "message": "Successfully added the subscriber.",
            "contact": row,
            "action_type": "created",
            "__bench": bench(started),
        },
    )


def subscriber_delete(site: SiteState, request: Request) -> Reply:
    cid = int(request.args["id"])
    site.store.contacts.pop(cid, None)
    site.store.contact_notes.pop(cid, None)
    site.store.version += 1
    return Reply(200, {"message": "Selected Subscriber has been deleted successfully"})
