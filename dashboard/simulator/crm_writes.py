"""FluentCRM 2.9 contact writes and the contact's side reads, answered like the plugin.

Kept apart from crm.py (the reads the panel has always used) because these routes carry most
of the plugin's quirks: see REAL-API.md, "FluentCRM contact actions", and the `seq_crm_*`
captures the contract tests replay.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import TYPE_CHECKING, Any

from . import serialize as s
from . import wptext
from .data import md5, slugify

if TYPE_CHECKING:
    from .app import Reply, Request, SimulatedSite

NS = "/fluent-crm/v2"
NO_MODEL = {"message": "No query results for model [FluentCrm\\App\\Models\\Subscriber]."}
STATUSES = (
    "subscribed", "pending", "unsubscribed", "transactional", "bounced", "complained", "spammed",
)  # fmt: skip
# Statuses whose detail carries unsubscribe_reason and unsubscribe_date.
UNSUBSCRIBED_LIKE = frozenset({"unsubscribed", "bounced", "complained"})
PROPERTIES = frozenset({"status", "contact_type", "avatar", "company_id"})
CONTROLLER = "/var/www/html/wp-content/plugins/fluent-crm/app/Http/Controllers/"


def _reply(status: int, body: Any = None, **kwargs: Any) -> Reply:
    from .app import Reply

    return Reply(status, body, **kwargs)


def _bench(started: float) -> float:
    return time.perf_counter() - started


def _crash(message: str, line: int) -> Reply:
    """WordPress's critical-error answer for an uncaught PHP error inside the plugin."""
    file = CONTROLLER + "SubscriberController.php"
    return _reply(
        500,
        {
            "code": "internal_server_error",
            "message": "<p>There has been a critical error on this website.</p><p><a "
            'href="https://wordpress.org/documentation/article/faq-troubleshooting/">Learn more '
            "about troubleshooting WordPress.</a></p>",
            "data": {
                "status": 500,
                "error": {
                    "type": 1,
                    "message": f"Uncaught Error: {message} in {file}:{line}\nStack trace:\n#0 "
                    "[internal function]: FluentCrm\\App\\Http\\Controllers\\SubscriberController",
                    "file": file,
                    "line": line,
                },
            },
            "additional_errors": [],
        },
        allow=False,
    )


def _ints(values: Any) -> list[int]:
    out = []
    for value in s.as_list(values):
        number = s.to_int(value)
        if number is not None:
            out.append(number)
    return out


def _row(site: SimulatedSite, request: Request, contact: dict[str, Any], **extra: Any) -> dict:
    from .crm import contact_row

    return contact_row(site, request, contact, **extra)


def _attach(site: SimulatedSite, contact: dict[str, Any], kind: str, ids: list[int]) -> None:
    """Link segments; the pivot remembers when, the contact's updated_at does not change."""
    key = "tag_ids" if kind == "Tag" else "list_ids"
    pivots = contact.setdefault("pivot_at", {})
    for object_id in ids:
        if object_id not in contact[key]:
            contact[key].append(object_id)
            pivots[(kind, object_id)] = site.current_time()


def _detach(contact: dict[str, Any], kind: str, ids: list[int]) -> None:
    key = "tag_ids" if kind == "Tag" else "list_ids"
    contact[key] = [x for x in contact[key] if x not in ids]
    for object_id in ids:
        contact.get("pivot_at", {}).pop((kind, object_id), None)


def _segments(site: SimulatedSite, kind: str) -> dict[int, dict[str, Any]]:
    return site.store.crm_tags if kind == "Tag" else site.store.crm_lists


def sync_segments(site: SimulatedSite, request: Request) -> Reply:
    """POST /subscribers/sync-segments: the admin profile's tag and list editor."""
    started = time.perf_counter()
    kind = "Tag" if str(request.param("type") or "") == "tags" else "Lists"
    by_id = str(request.param("find_by") or "") == "id"
    segments = _segments(site, kind)

    def resolve(values: Any) -> list[int]:
        # Unknown slugs or ids are ignored, exactly as the plugin's whereIn does.
        wanted = [str(v) for v in s.as_list(values)]
        if by_id:
            return [i for i in _ints(wanted) if i in segments]
        return [sid for sid, seg in segments.items() if seg["slug"] in wanted]

    attach, detach = resolve(request.param("attach")), resolve(request.param("detach"))
    contacts = []
    for cid in _ints(request.param("subscribers")):
        contact = site.store.contacts.get(cid)
        if contact is None:
            return _crash("Call to a member function attachTags() on null", 293)
        _attach(site, contact, kind, attach)
        _detach(contact, kind, detach)
        contacts.append(contact)
    site.store.version += 1
    return _reply(
        200,
        {
            "message": "Successfully updated the subscriber.",
            "subscribers": [_row(site, request, c) for c in contacts],
            "__bench": _bench(started),
        },
    )


def _put_segment_ids(site: SimulatedSite, kind: str, values: Any) -> list[int]:
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


def subscriber_update(site: SimulatedSite, request: Request) -> Reply:
    """PUT /subscribers/{id}: flat fields, attach/detach ids, a status without its hooks."""
    started = time.perf_counter()
    contact = site.store.contacts.get(int(request.args["id"]))
    if contact is None:
        return _reply(404, dict(NO_MODEL))
    if isinstance(request.body.get("subscriber"), str):
        # The admin form's JSON string only works form-encoded; as JSON it crashes first.
        return _crash("Cannot unset string offsets", 499)
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
            _attach(site, contact, kind, _put_segment_ids(site, kind, request.body[key]))
        else:
            _detach(contact, kind, _ints(request.body[key]))
    dirty = False
    status = request.body.get("status")
    if isinstance(status, str) and status in STATUSES and status != contact["status"]:
        contact["status"] = status
        contact["updated_at"] = site.current_time()
        dirty = True
    site.store.version += 1
    row = _row(site, request, contact)
    # The answer loads only the relations the request touched.
    for relation in {"tags", "lists"} - touched:
        row.pop(relation)
    return _reply(
        200,
        {
            "message": "Subscriber successfully updated",
            "contact": row,
            "isDirty": dirty,
            "values": [],
            "__bench": _bench(started),
        },
    )


def subscribers_property(site: SimulatedSite, request: Request) -> Reply:
    """PUT /subscribers/subscribers-property: the bulk status change the profile uses."""
    started = time.perf_counter()
    ids = request.param("subscribers")
    if not ids:
        return _reply(
            422, {"subscriber_ids": {"required": "The subscriber_ids field is required."}}
        )
    prop = str(request.param("property") or "")
    value = request.param("value")
    if prop not in PROPERTIES:
        return _reply(422, {"message": "Column is not valid"})
    if prop == "status" and value not in STATUSES:
        return _reply(422, {"message": "Value is not valid"})
    for cid in _ints(ids):
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
    return _reply(200, {"message": "Subscribers successfully updated", "__bench": _bench(started)})


def subscriber_create(site: SimulatedSite, request: Request) -> Reply:
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
        return _reply(422, errors)
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
    tags = [t for t in _ints(request.param("tags")) if t in site.store.crm_tags]
    lists = [x for x in _ints(request.param("lists")) if x in site.store.crm_lists]
    _attach(site, contact, "Tag", tags)
    _attach(site, contact, "Lists", lists)
    site.store.version += 1
    row = _row(site, request, contact)
    if not request.param("tags"):
        row.pop("tags")
    if not request.param("lists"):
        row.pop("lists")
    return _reply(
        200,
        {
            "message": "Successfully added the subscriber.",
            "contact": row,
            "action_type": "created",
            "__bench": _bench(started),
        },
    )


def subscriber_delete(site: SimulatedSite, request: Request) -> Reply:
    cid = int(request.args["id"])
    site.store.contacts.pop(cid, None)
    site.store.contact_notes.pop(cid, None)
    site.store.version += 1
    return _reply(200, {"message": "Selected Subscriber has been deleted successfully"})


def tag_delete(site: SimulatedSite, request: Request) -> Reply:
    tid = int(request.args["tag"])
    site.store.crm_tags.pop(tid, None)
    for contact in site.store.contacts.values():
        _detach(contact, "Tag", [tid])
    site.store.version += 1
    return _reply(200, {"message": "Successfully removed the tag."})


# ------------------------------------------------------------------------------------ notes


def _smartcodes(text: str, contact: dict[str, Any]) -> str:
    """{{contact.field}} (with an optional |fallback) replaced by the contact's value."""

    def value(match: re.Match[str]) -> str:
        group, _, rest = match.group(1).strip().partition(".")
        field, _, fallback = rest.partition("|")
        if group != "contact":
            return match.group(0)
        name = field.strip()
        got = s.full_name(contact) if name == "full_name" else contact.get(name)
        return str(got) if got not in (None, "") else fallback

    return re.sub(r"\{\{([^{}]+)\}\}", value, text)


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
    return fields, (_reply(422, missing) if missing else None)


def _clean(fields: dict[str, str], contact: dict[str, Any] | None) -> dict[str, str]:
    description = fields["description"]
    if contact is not None:
        description = _smartcodes(description, contact)
    # The recorded site stores a "<" that opens no tag as "&lt;" (its smartcode pass parses
    # the text as HTML first), where wp_kses_post alone would swallow "< b <b>" as one tag.
    description = re.sub(r"<(?![A-Za-z/!?])", "&lt;", description)
    description = wptext.unslash(wptext.kses(description))
    return {
        "title": wptext.sanitize_text_field(wptext.unslash(fields["title"])),
        "description": description,
        "type": wptext.sanitize_text_field(fields["type"]),
    }


def _all_notes(site: SimulatedSite) -> dict[int, dict[str, Any]]:
    return {n["id"]: n for notes in site.store.contact_notes.values() for n in notes}


def _note_row(site: SimulatedSite, note: dict[str, Any]) -> dict[str, Any]:
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


def note_add(site: SimulatedSite, request: Request) -> Reply:
    started = time.perf_counter()
    contact = site.store.contacts.get(int(request.args["id"]))
    if contact is None:
        return _reply(404, dict(NO_MODEL))
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
    return _reply(
        200, {"note": answer, "message": "Note successfully added", "__bench": _bench(started)}
    )


def note_update(site: SimulatedSite, request: Request) -> Reply:
    """PUT …/notes/{note}: the note is found by its id alone, whichever contact the path names."""
    started = time.perf_counter()
    note = _all_notes(site).get(int(request.args["note"]))
    fields, error = _note_input(request)
    if error is not None:
        return error
    if note is None:
        return _crash("Call to a member function fill() on null", 804)
    note.update(_clean(fields, site.store.contacts.get(note["subscriber_id"])))
    note["updated_at"] = site.current_time()
    site.store.version += 1
    return _reply(
        200,
        {
            "note": _note_row(site, note),
            "message": "Note successfully updated",
            "__bench": _bench(started),
        },
    )


def note_delete(site: SimulatedSite, request: Request) -> Reply:
    started = time.perf_counter()
    nid = int(request.args["note"])
    for notes in site.store.contact_notes.values():
        notes[:] = [n for n in notes if n["id"] != nid]
    site.store.version += 1
    return _reply(200, {"message": "Note successfully deleted", "__bench": _bench(started)})


# ---------------------------------------------------------------------------- side reads


def _page_args(request: Request) -> tuple[int, int]:
    page = max(1, s.to_int(request.query.get("page"), 1) or 1)
    per_page = max(1, s.to_int(request.query.get("per_page"), 15) or 15)
    return page, per_page


def emails_index(site: SimulatedSite, request: Request) -> Reply:
    """GET /subscribers/{id}/emails: newest first; filter all, open, click or unopened."""
    started = time.perf_counter()
    cid = int(request.args["id"])
    contact = site.store.contacts.get(cid)
    page, per_page = _page_args(request)
    rows = sorted(contact.get("emails", []) if contact else [], key=lambda e: -e["id"])
    kind = str(request.query.get("filter") or "all")
    if kind == "open":
        rows = [e for e in rows if e["is_open"]]
    elif kind == "click":
        rows = [e for e in rows if e["click_counter"]]
    elif kind == "unopened":
        rows = [e for e in rows if not e["is_open"]]
    data = []
    for email in rows[(page - 1) * per_page : page * per_page]:
        data.append(
            {
                "id": email["id"],
                "campaign_id": str(email["campaign_id"]),
                "email_type": "campaign",
                "subscriber_id": str(cid),
                "email_subject_id": None,
                "email_address": contact["email"] if contact else "",
                "email_subject": email["email_subject"],
                "email_body": "",
                "email_headers": [],
                "is_open": "1" if email["is_open"] else "0",
                "is_parsed": "1",
                "click_counter": str(email["click_counter"]) if email["click_counter"] else None,
                "status": email.get("status", "sent"),
                "note": None,
                "scheduled_at": site.clock.local(email["created_at"]),
                "email_hash": email.get("hash")
                or str(uuid.UUID(md5(f"email-{email['id']}"), version=4)),
                "created_at": site.clock.local(email["created_at"]),
                "updated_at": site.clock.local(email.get("updated_at") or email["created_at"]),
            }
        )
    path = f"/wp-json{NS}/subscribers/{cid}/emails"
    return _reply(
        200,
        {"emails": s.crm_page(data, len(rows), page, per_page, path), "__bench": _bench(started)},
    )


def _template_config() -> dict[str, Any]:
    fonts = (
        "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif, "
        "'Apple Color Emoji', 'Segoe UI Emoji', 'Segoe UI Symbol'"
    )
    return {
        "content_width": 700, "content_padding": 20, "headings_font_family": fonts,
        "text_color": "#202020", "link_color": "", "body_bg_color": "#FAFAFA",
        "content_bg_color": "#FFFFFF", "footer_text_color": "#202020",
        "content_font_family": fonts, "paragraph_color": "", "paragraph_font_size": "",
        "paragraph_font_family": "", "paragraph_line_height": "", "headings_color": "#202020",
    }  # fmt: skip


def email_template_mock(site: SimulatedSite, request: Request) -> Reply:
    started = time.perf_counter()
    mock = {
        "id": "", "title": "Custom Email to Contact", "status": "published", "template_id": "",
        "email_subject": "", "email_pre_header": "", "email_body": "", "utm_status": 0,
        "utm_source": "", "utm_medium": "", "utm_campaign": "", "utm_term": "",
        "utm_content": "", "design_template": "simple",
        "settings": {"template_config": _template_config()},
    }  # fmt: skip
    return _reply(200, {"email_mock": mock, "__bench": _bench(started)})


def email_send(site: SimulatedSite, request: Request) -> Reply:
    """POST …/emails/send: a one-off campaign email, listed at once as sent."""
    started = time.perf_counter()
    contact = site.store.contacts.get(int(request.args["id"]))
    if contact is None:
        return _reply(404, dict(NO_MODEL))
    campaign = request.body.get("campaign")
    campaign = campaign if isinstance(campaign, dict) else {}
    subject = str(campaign.get("email_subject") or "")
    if not subject or not campaign.get("email_body"):
        return _reply(422, {"message": "Subject and email body are required"})
    if contact["status"] not in ("subscribed", "transactional"):
        return _reply(422, {"message": "Subscriber's status need to be subscribed."})
    everyone = [e for c in site.store.contacts.values() for e in c.get("emails", [])]
    email_id = max((e["id"] for e in everyone), default=0) + 1
    body = _smartcodes(str(campaign.get("email_body") or ""), contact)
    # Each link gets a row in the site's URL store (its id) and a short code for tracking.
    last_link = max((x["id"] for e in everyone for x in e.get("links", [])), default=0)
    links = [
        {"id": last_link + n, "url": url, "short": _base36(1000 + last_link + n), "count": 0}
        for n, url in enumerate(dict.fromkeys(re.findall(r'href="(https?://[^"]+)"', body)), 1)
    ]
    contact.setdefault("emails", []).append(
        {
            "id": email_id,
            "campaign_id": max((e["campaign_id"] for e in everyone), default=0) + 1,
            "email_subject": subject,
            "campaign_body": str(campaign.get("email_body") or ""),
            "body": body,
            "links": links,
            "hash": str(uuid.UUID(md5(f"email-{email_id}-{contact['id']}"), version=4)),
            "is_open": False,
            "click_counter": None,
            "status": "sent",
            "created_at": site.current_time(),
            "updated_at": site.current_time(),
        }
    )
    stats = contact.setdefault("stats", {"emails": 0, "opens": 0, "clicks": 0})
    stats["emails"] = stats.get("emails", 0) + 1
    site.store.version += 1
    return _reply(
        200, {"message": "Custom Email has been successfully sent", "__bench": _bench(started)}
    )


def info_widgets(site: SimulatedSite, request: Request) -> Reply:
    # No commerce, forms or event-tracking add-on: the recorded site answers empty widgets.
    return _reply(200, {"widgets": {"top_widgets": [], "other_widgets": [], "widgets_count": 0}})


def purchase_history(site: SimulatedSite, request: Request) -> Reply:
    return _reply(200, {"orders": {"orders": [], "total": 0}})


def form_submissions(site: SimulatedSite, request: Request) -> Reply:
    return _reply(200, {"submissions": {"data": [], "total": 0}})


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def _email_by_id(site: SimulatedSite, email_id: int) -> tuple[dict, dict] | None:
    for contact in site.store.contacts.values():
        for email in contact.get("emails", []):
            if email["id"] == email_id:
                return contact, email
    return None


def email_preview(site: SimulatedSite, request: Request) -> Reply:
    """GET /campaigns/emails/{id}/preview: the email row with its campaign, and the rendered
    email with the clicks its links have had."""
    started = time.perf_counter()
    found = _email_by_id(site, int(request.args["email"]))
    if found is None:
        return _reply(422, {"message": "Email not found"})
    contact, email = found
    from .crm import contact_row

    request.args["id"] = str(contact["id"])
    row = emails_index(site, request).body["emails"]["data"]
    info = next(r for r in row if r["id"] == email["id"]) if row else {}
    info = dict(info)
    stamp = site.clock.local(email["created_at"])
    info["campaign"] = {
        "id": email["campaign_id"], "parent_id": None, "type": "custom_email_campaign",
        "title": "Custom Email to Contact", "available_urls": None,
        "slug": "custom-email-to-contact", "status": "published", "template_id": "0",
        "email_subject": email["email_subject"], "email_pre_header": "",
        "email_body": email.get("campaign_body", ""), "recipients_count": 1, "delay": "0",
        "utm_status": "0", "utm_source": "", "utm_medium": "", "utm_campaign": "",
        "utm_term": "", "utm_content": "", "design_template": "simple", "scheduled_at": None,
        "settings": {"template_config": _template_config(), "is_transactional": "no"},
        "created_by": "1", "created_at": stamp, "updated_at": stamp,
    }  # fmt: skip
    # The email's subscriber relation: the contact's columns with the campaign id, no segments.
    subscriber = contact_row(site, request, contact, campaign_id=str(email["campaign_id"]))
    subscriber.pop("tags")
    subscriber.pop("lists")
    info["subscriber"] = subscriber
    page = (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head><meta http-equiv="Content-Type" '
        'content="text/html; charset=utf-8"></head>\n<body>'
        + email.get("body", "")
        + "</body>\n</html>\n"
    )
    return _reply(
        200,
        {
            "info": info,
            "email": {
                "to": {"email": contact["email"], "name": s.full_name(contact)},
                "from": {"name": None, "email": None},
                "reply": None,
                "subject": email["email_subject"],
                "body": page,
                "campaign_id": str(email["campaign_id"]),
                "id": email["id"],
                "subscriber_id": str(contact["id"]),
                "clicks": [
                    {"counter": str(link["count"]), "url": link["url"], "id": str(link["id"])}
                    for link in email.get("links", [])
                    if link["count"]
                ],
            },
            "__bench": _bench(started),
        },
    )


def track_click(site: SimulatedSite, query: dict[str, Any]) -> Reply | None:
    """The recipient's tracked link (/?ns_url=&mid=&fch=, no auth): 307 to the original URL,
    the email marked opened and clicked, the contact's last_activity stamped."""
    mid = s.to_int(query.get("mid"))
    found = _email_by_id(site, mid) if mid is not None else None
    if found is None:
        return None
    contact, email = found
    link = next((x for x in email.get("links", []) if x["short"] == query.get("ns_url")), None)
    if link is None or not email.get("hash", "").startswith(str(query.get("fch") or "-")):
        return None
    now = site.current_time()
    link["count"] += 1
    stats = contact.setdefault("stats", {"emails": 0, "opens": 0, "clicks": 0})
    if not email["is_open"]:
        stats["opens"] = stats.get("opens", 0) + 1
    if not email["click_counter"]:
        stats["clicks"] = stats.get("clicks", 0) + 1
    email["is_open"] = True
    email["click_counter"] = (email["click_counter"] or 0) + 1
    email["updated_at"] = now
    contact["last_activity"] = now
    site.store.version += 1
    return _reply(
        307,
        raw=b"",
        content_type="text/html; charset=UTF-8",
        headers={"X-Redirect-By": "WordPress", "Location": link["url"]},
        allow=False,
    )


def tracking_events(site: SimulatedSite, request: Request) -> Reply:
    return _reply(422, {"message": "Event Tracker is not enabled", "error_code": "not_enabled"})


def url_metrics(site: SimulatedSite, request: Request) -> Reply:
    started = time.perf_counter()
    page, per_page = _page_args(request)
    cid = int(request.args["id"])
    contact = site.store.contacts.get(cid) or {}
    counts: dict[str, int] = {}
    for email in contact.get("emails", []):
        for link in email.get("links", []):
            if link["count"]:
                counts[link["url"]] = counts.get(link["url"], 0) + link["count"]
    rows = [{"url": url, "count": str(count)} for url, count in counts.items()]
    chunk = rows[(page - 1) * per_page : page * per_page]
    path = f"/wp-json{NS}/subscribers/{cid}/url-metrics"
    return _reply(
        200,
        {
            "urlMetrics": s.crm_page(chunk, len(rows), page, per_page, path),
            "__bench": _bench(started),
        },
    )


def human_ago(delta: Any) -> str:
    """WordPress human_time_diff plus " ago": the largest unit, rounded, at least 1."""
    seconds = max(1, int(delta.total_seconds()))
    for size, unit in ((31536000, "year"), (2592000, "month"), (604800, "week"),
                       (86400, "day"), (3600, "hour"), (60, "min")):  # fmt: skip
        if seconds >= size:
            count = max(1, round(seconds / size))
            return f"{count} {unit}{'s' if count > 1 else ''} ago"
    return f"{seconds} second{'s' if seconds > 1 else ''} ago"


def segment_search(rows: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
    """The typeahead's ?search=: a substring of the title (or slug), case-insensitive."""
    search = str(request.query.get("search") or "").strip().lower()
    if not search:
        return rows
    return [r for r in rows if search in r["title"].lower() or search in r["slug"].lower()]
