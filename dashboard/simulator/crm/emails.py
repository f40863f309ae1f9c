"""FluentCRM emails to one contact: the list, sending one, its preview, URL metrics and the
tracked links in sent emails."""

from __future__ import annotations

import re
import time
import uuid
from typing import TYPE_CHECKING, Any

from .. import serialize as s
from ..rest import Reply, Request
from ..store import md5
from .common import NO_MODEL, NS, bench, contact_row, smartcodes

if TYPE_CHECKING:
    from ..state import SiteState


def _page_args(request: Request) -> tuple[int, int]:
    page = max(1, s.to_int(request.query.get("page"), 1) or 1)
    per_page = max(1, s.to_int(request.query.get("per_page"), 15) or 15)
    return page, per_page


def emails_index(site: SiteState, request: Request) -> Reply:
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
    return Reply(
        200,
        {"emails": s.crm_page(data, len(rows), page, per_page, path), "__bench": bench(started)},
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


def email_template_mock(site: SiteState, request: Request) -> Reply:
    started = time.perf_counter()
    mock = {
        "id": "", "title": "Custom Email to Contact", "status": "published", "template_id": "",
        "email_subject": "", "email_pre_header": "", "email_body": "", "utm_status": 0,
        "utm_source": "", "utm_medium": "", "utm_campaign": "", "utm_term": "",
        "utm_content": "", "design_template": "simple",
        "settings": {"template_config": _template_config()},
    }  # fmt: skip
    return Reply(200, {"email_mock": mock, "__bench": bench(started)})


def email_send(site: SiteState, request: Request) -> Reply:
    """POST …/emails/send: a one-off campaign email, listed at once as sent."""
    started = time.perf_counter()
    contact = site.store.contacts.get(int(request.args["id"]))
    if contact is None:
        return Reply(404, dict(NO_MODEL))
    campaign = request.body.get("campaign")
    campaign = campaign if isinstance(campaign, dict) else {}
    subject = str(campaign.get("email_subject") or "")
    if not subject or not campaign.get("email_body"):
        return Reply(422, {"message": "Subject and email body are required"})
    if contact["status"] not in ("subscribed", "transactional"):
        return Reply(422, {"message": "Subscriber's status need to be subscribed."})
    everyone = [e for c in site.store.contacts.values() for e in c.get("emails", [])]
    email_id = max((e["id"] for e in everyone), default=0) + 1
    body = smartcodes(str(campaign.get("email_body") or ""), contact)
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
    return Reply(
        200, {"message": "Custom Email has been successfully sent", "__bench": bench(started)}
    )


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def _email_by_id(site: SiteState, email_id: int) -> tuple[dict, dict] | None:
    for contact in site.store.contacts.values():
        for email in contact.get("emails", []):
            if email["id"] == email_id:
                return contact, email
    return None


def email_preview(site: SiteState, request: Request) -> Reply:
    """GET /campaigns/emails/{id}/preview: the email row with its campaign, and the rendered
    email with the clicks its links have had."""
    started = time.perf_counter()
    found = _email_by_id(site, int(request.args["email"]))
    if found is None:
        return Reply(422, {"message": "Email not found"})
    contact, email = found
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
    return Reply(
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
            "__bench": bench(started),
        },
    )


def track_click(site: SiteState, query: dict[str, Any]) -> Reply | None:
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
    return Reply(
        307,
        raw=b"",
        content_type="text/html; charset=UTF-8",
        headers={"X-Redirect-By": "WordPress", "Location": link["url"]},
        allow=False,
    )


def tracking_events(site: SiteState, request: Request) -> Reply:
    return Reply(422, {"message": "Event Tracker is not enabled", "error_code": "not_enabled"})


def url_metrics(site: SiteState, request: Request) -> Reply:
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
    return Reply(
        200,
        {
            "urlMetrics": s.crm_page(chunk, len(rows), page, per_page, path),
            "__bench": bench(started),
        },
    )
