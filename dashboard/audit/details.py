"""The short, safe detail of each kind of write, read from named form fields only.

Each value is checked to be a number or one of a few known words before it is kept: never a
message's text, a title, a password or a token. A tag's or list's name is kept when it is short
enough to be one (they are picked from the site's own list).
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest

from dashboard.accounts.roles import BY_KEY as ROLES
from dashboard.fluent.crm import STATUS_LABELS as CONTACT_STATUSES
from dashboard.fluent.tickets import PRIORITIES
from dashboard.tickets.forms import PROPERTY_LABELS
from dashboard.tickets.loop import AfterSend
from dashboard.workflow.forms import SnoozeForm

Post = Any  # a QueryDict: request.POST


def number(value: Any) -> str:
    """A positive id as text, or "" for anything else."""
    text = str(value or "").strip()
    return text if text.isdigit() and len(text) <= 12 else ""


def word(value: Any, allowed) -> str:
    """One of a few known values, or "" for anything else."""
    text = str(value or "").strip()
    return text if text in allowed else ""


def checked(value: Any) -> bool:
    """A checkbox as Django's BooleanField reads it."""
    return str(value or "").strip().lower() not in ("", "false", "0", "off")


def reply_action(post: Post) -> str:
    action = word(post.get("action"), ("reply", "reply_close", "note"))
    if not action:
        action = "note" if post.get("mode") == "note" else "reply"
    return action


def reply_detail(request: HttpRequest, kwargs: dict) -> str:
    files = len(request.POST.getlist("attachments")) + sum(
        1 for f in request.FILES.getlist("files") if f.name or f.size
    )
    parts = [f"{files} file{'s' if files != 1 else ''}" if files else ""]
    if checked(request.POST.get("force")):
        parts.append("sent after new messages arrived")
    return ", ".join(p for p in parts if p)


def property_detail(request: HttpRequest, kwargs: dict) -> str:
    name = word(request.POST.get("name"), PROPERTY_LABELS)
    if not name:
        return ""
    raw = request.POST.get("value")
    value = word(raw, PRIORITIES) if "priority" in name else number(raw) and f"#{number(raw)}"
    return f"{PROPERTY_LABELS[name]}: {value or '(not valid)'}"


def tag_detail(request: HttpRequest, kwargs: dict) -> str:
    # A tag is picked from the site's list by id or title; a title longer than any tag's is
    # not a tag, and is not kept.
    wanted = str(request.POST.get("tag") or "").strip()
    if number(wanted):
        return f"tag #{wanted}"
    return f"tag “{wanted}”" if wanted and len(wanted) <= 60 else ""


BULK_WORDS = {
    "close": "close",
    "assign_me": "assign to themselves",
    "assign_agent": "assign to agent",
    "add_tag": "add tag",
    "delete": "delete",
}


def bulk_detail(post: Post, ticket_ids: list[int]) -> str:
    """One site's part of a bulk action: what, to how many tickets, which."""
    what = BULK_WORDS.get(word(post.get("action"), BULK_WORDS), "(not valid)")
    if what == "assign to agent" and number(post.get("agent")):
        what += f" #{number(post.get('agent'))}"
    if what == "add tag" and number(post.get("tag")):
        what += f" #{number(post.get('tag'))}"
    count = len(ticket_ids)
    numbers = f" ({', '.join(f'#{t}' for t in ticket_ids)})" if ticket_ids else ""
    return f"{what}: {count} ticket{'s' if count != 1 else ''}{numbers}"


def segments_detail(request: HttpRequest, kwargs: dict) -> str:
    post = request.POST
    action = word(post.get("action"), ("attach", "detach")) or "(not valid)"
    kind = {"tags": "tag", "lists": "list"}.get(post.get("kind", ""), "(not valid)")
    segment = number(post.get("segment"))
    title = str(post.get("title") or "").strip()
    named = f"#{segment}" if segment else (f"“{title}”" if title and len(title) <= 60 else "")
    return f"{action} {kind} {named}".strip()


def contact_status_detail(request: HttpRequest, kwargs: dict) -> str:
    return f"status: {word(request.POST.get('status'), CONTACT_STATUSES) or '(not valid)'}"


def contact_create_detail(request: HttpRequest, kwargs: dict) -> str:
    status = word(request.POST.get("status"), CONTACT_STATUSES) or "transactional"
    return f"status: {status}"


def new_ticket_detail(request: HttpRequest, kwargs: dict) -> str:
    post = request.POST
    customer = number(post.get("customer"))
    if post.get("customer_mode") == "new":
        who = "new customer"
    else:
        who = f"customer #{customer}" if customer else ""
    priority = word(post.get("priority"), PRIORITIES)
    mailbox = number(post.get("mailbox"))
    parts = [
        who,
        f"priority: {priority}" if priority else "",
        f"mailbox #{mailbox}" if mailbox else "",
    ]
    return ", ".join(p for p in parts if p)


def sla_detail(request: HttpRequest, kwargs: dict) -> str:
    post = request.POST
    mailbox = number(post.get("mailbox"))
    scope = f"mailbox #{mailbox}" if mailbox else "whole site"
    if checked(post.get("remove")):
        return f"{scope}: removed"
    first = number(post.get("first_response_hours"))
    following = number(post.get("next_reply_hours"))
    first = f"{first} h" if first else "none"
    following = f"{following} h" if following else "none"
    return f"{scope}: first response {first}, next reply {following}"


def snooze_detail(request: HttpRequest, kwargs: dict) -> str:
    when = word(request.POST.get("when"), dict(SnoozeForm.WHEN)).replace("_", " ")
    if checked(request.POST.get("wake_on_reply")) and when != "reply":
        when += ", wakes on reply"
    return when


def preferences_detail(request: HttpRequest, kwargs: dict) -> str:
    choice = word(request.POST.get("after_send"), AfterSend.values)
    return f"after send: {choice.replace('_', ' ')}" if choice else ""


# What Django's username validator lets through: an account's name, not free text.
USERNAME = re.compile(r"[\w.@+-]{1,150}")


def new_user_detail(request: HttpRequest, kwargs: dict) -> str:
    username = str(request.POST.get("username") or "").strip()
    role = word(request.POST.get("role"), ROLES)
    parts = [username if USERNAME.fullmatch(username) else "", f"role: {role}" if role else ""]
    return ", ".join(p for p in parts if p)


def role_detail(request: HttpRequest, kwargs: dict) -> str:
    return f"role: {word(request.POST.get('role'), ROLES) or '(not valid)'}"


def active_detail(request: HttpRequest, kwargs: dict) -> str:
    return {"1": "activated", "0": "deactivated"}.get(request.POST.get("active", ""), "(not valid)")
