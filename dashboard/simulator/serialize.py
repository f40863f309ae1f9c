"""Turn stored rows into the JSON shapes the plugins answer, type quirks included.

GET answers give foreign keys and counts as strings (the database driver's way), freshly
created rows give ints; model timestamps are UTC ISO-8601 while a few ticket columns and every
FluentCRM date are naive site-local times. These helpers keep those rules in one place.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from .store import md5

TICKET_COLUMNS = (
    "id", "customer_id", "agent_id", "mailbox_id", "product_id", "product_source", "privacy",
    "priority", "client_priority", "status", "title", "slug", "hash", "content_hash",
    "message_id", "source", "content", "secret_content", "last_agent_response",
    "last_customer_response", "waiting_since", "response_count", "first_response_time",
    "total_close_time", "resolved_at", "closed_by", "created_at", "updated_at",
)  # fmt: skip
# Columns the database driver hands back as strings on a read.
STRING_INT_COLUMNS = frozenset(
    {
        "customer_id", "agent_id", "mailbox_id", "product_id", "response_count",
        "first_response_time", "total_close_time", "closed_by", "ticket_id", "person_id",
        "serial", "user_id", "created_by", "source_id", "tag_id", "subscriber_id", "object_id",
        "total_points", "life_time_value", "is_public",
    }
)  # fmt: skip
LOCAL_COLUMNS = frozenset(
    {"last_agent_response", "last_customer_response", "resolved_at", "last_response_at"}
)
PERSON_COLUMNS = (
    "id", "first_name", "last_name", "email", "title", "avatar", "person_type", "status",
    "ip_address", "last_ip_address", "address_line_1", "address_line_2", "city", "zip",
    "state", "country", "note", "hash", "user_id", "description", "remote_uid",
    "last_response_at", "created_at", "updated_at",
)  # fmt: skip
RESPONSE_COLUMNS = (
    "id", "serial", "ticket_id", "person_id", "conversation_type", "content", "source",
    "content_hash", "message_id", "is_important", "created_at", "updated_at",
)  # fmt: skip
CONTACT_COLUMNS = (
    "id", "user_id", "hash", "contact_owner", "company_id", "prefix", "first_name",
    "last_name", "email", "timezone", "address_line_1", "address_line_2", "postal_code",
    "city", "state", "country", "ip", "latitude", "longitude", "total_points",
    "life_time_value", "phone", "status", "contact_type", "source", "avatar", "date_of_birth",
    "created_at", "last_activity", "updated_at",
)  # fmt: skip


class Clock:
    """Formats instants the two ways WordPress does, in the site's timezone."""

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)

    @staticmethod
    def iso(value: datetime | None) -> str | None:
        if value is None:
            return None
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")

    def local(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        return value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S")


def as_db(value: Any) -> Any:
    """A value as the database driver returns it on a read: ints become strings."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value


def column(row: dict[str, Any], key: str, clock: Clock, fresh: bool = False) -> Any:
    value = row.get(key)
    if isinstance(value, datetime):
        return clock.local(value) if key in LOCAL_COLUMNS else clock.iso(value)
    if key in STRING_INT_COLUMNS and not fresh:
        return as_db(value)
    return value


def photo_url(first: str, last: str, email: str) -> str:
    name = quote(f"{first}+{last}", safe="")
    fallback = quote(f"https://ui-avatars.com/api/{name}/128", safe="")
    return f"https://www.gravatar.com/avatar/{md5(email.strip().lower())}?s=128&d={fallback}"


def full_name(row: dict[str, Any]) -> str:
    return f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()


def person(row: dict[str, Any], clock: Clock, *extra_keys: str, **extra: Any) -> dict[str, Any]:
    """The full wp_fs_persons row as the plugin's Person model serialises it."""
    out = {key: column(row, key, clock) for key in PERSON_COLUMNS}
    out["id"] = row["id"]
    for key in extra_keys:
        out[key] = None
    out.update(extra)
    out["full_name"] = full_name(row)
    out["photo"] = photo_url(row["first_name"] or "", row["last_name"] or "", row["email"] or "")
    return out


def person_brief(row: dict[str, Any], *, agent: bool = False) -> dict[str, Any]:
    """The trimmed person the tickets list embeds (select of a few columns)."""
    if agent:
        out = {
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "email": row["email"],
            "avatar": row["avatar"],
            "id": row["id"],
        }
    else:
        out = {
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "email": row["email"],
            "id": row["id"],
            "avatar": row["avatar"],
        }
    out["full_name"] = full_name(row)
    out["photo"] = photo_url(row["first_name"] or "", row["last_name"] or "", row["email"] or "")
    return out


def simple(row: dict[str, Any], clock: Clock, keys: tuple[str, ...] | None = None) -> dict:
    """Any other model row (mailbox, product, tag): dates converted, ints as stored."""
    out = {}
    for key, value in row.items():
        if keys is not None and key not in keys:
            continue
        if isinstance(value, datetime):
            out[key] = clock.iso(value)
        elif key in ("created_by",) and value is not None:
            out[key] = str(value)
        else:
            out[key] = value
    return out


def ticket_columns(
    row: dict[str, Any], clock: Clock, fresh: frozenset[str] = frozenset()
) -> dict[str, Any]:
    return {key: column(row, key, clock, key in fresh) for key in TICKET_COLUMNS}


def response_row(row: dict[str, Any], clock: Clock) -> dict[str, Any]:
    return {key: column(row, key, clock) for key in RESPONSE_COLUMNS} | {"id": row["id"]}


def ticket_tag(tag: dict[str, Any], ticket_id: int, clock: Clock) -> dict[str, Any]:
    out = simple(tag, clock)
    out["pivot"] = {"source_id": str(ticket_id), "tag_id": str(tag["id"])}
    return out


def laravel_page(
    items: list[Any], total: int, page: int, per_page: int, path: str
) -> dict[str, Any]:
    """Laravel's LengthAwarePaginator, with its link window and trailing-slash page URLs."""
    last = max(1, math.ceil(total / per_page)) if per_page else 1

    def url(number: int) -> str:
        return f"{path}/?page={number}"

    links: list[dict[str, Any]] = [
        {
            "url": url(page - 1) if page > 1 else None,
            "label": "pagination.previous",
            "active": False,
        }
    ]
    for number in _window(page, last):
        if number is None:
            links.append({"url": None, "label": "...", "active": False})
        else:
            links.append({"url": url(number), "label": str(number), "active": number == page})
    links.append(
        {"url": url(page + 1) if page < last else None, "label": "pagination.next", "active": False}
    )
    start = (page - 1) * per_page
    return {
        "current_page": page,
        "data": items,
        "first_page_url": url(1),
        "from": start + 1 if items else None,
        "last_page": last,
        "last_page_url": url(last),
        "links": links,
        "next_page_url": url(page + 1) if page < last else None,
        "path": path,
        "per_page": per_page,
        "prev_page_url": url(page - 1) if page > 1 else None,
        "to": start + len(items) if items else None,
        "total": total,
    }


def _window(page: int, last: int) -> list[int | None]:
    # Laravel shows every page up to 13 and otherwise a slider with "..." gaps.
    if last <= 13:
        return list(range(1, last + 1))
    if page <= 7:
        return [*range(1, 11), None, last - 1, last]
    if page > last - 7:
        return [1, 2, None, *range(last - 9, last + 1)]
    return [1, 2, None, *range(page - 3, page + 4), None, last - 1, last]


def crm_page(items: list[Any], total: int, page: int, per_page: int, path: str) -> dict[str, Any]:
    """FluentCRM's own paginator: relative page URLs, last_page 0 when empty."""
    last = math.ceil(total / per_page) if per_page else 0
    start = (page - 1) * per_page
    return {
        "total": total,
        "per_page": per_page,
        "current_page": page,
        "last_page": last,
        "next_page_url": f"{path}?page={page + 1}" if page < last else None,
        "prev_page_url": f"{path}?page={page - 1}" if page > 1 else None,
        "from": start + 1 if items else None,
        "to": start + len(items) if items else None,
        "data": items,
    }


_STRIP_TAGS = re.compile(
    r"</?(?:script|style|iframe|object|embed|form|input|button|meta|link|base)\b[^>]*>", re.I
)
_EVENT_ATTR = re.compile(r"""\s+on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_BAD_URL = re.compile(r"""(href|src)\s*=\s*(["']?)\s*(?:javascript|vbscript|data):""", re.I)
_PARAGRAPH = re.compile(r"(<p\b[^>]*>.*?</p>)", re.I | re.S)


def kses(html: str) -> str:
    """Roughly what wp_kses_post does: dangerous tags go (text stays), so do event handlers."""
    cleaned = _STRIP_TAGS.sub("", html)
    cleaned = _EVENT_ATTR.sub("", cleaned)
    return _BAD_URL.sub(r"\1=\2", cleaned)


def kses_autop(html: str) -> str:
    """Roughly what wp_kses_post + wpautop do to posted content.

    Dangerous tags are removed but their text is kept, event attributes and script URLs are
    dropped, loose text is wrapped in paragraphs and every paragraph ends with a newline.
    """
    cleaned = kses(html)
    parts = []
    for chunk in _PARAGRAPH.split(cleaned):
        if not chunk.strip():
            continue
        if _PARAGRAPH.fullmatch(chunk):
            parts.append(chunk + "\n")
        else:
            parts.append(f"<p>{chunk.strip()}</p>\n")
    return "".join(parts)


def to_int(value: Any, default: int | None = None) -> int | None:
    """A query or body value as an int, as PHP's (int) cast reads it loosely."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def as_list(value: Any) -> list[Any]:
    """A PHP-style parameter (scalar, ``a[]=`` list or ``a[0]=`` map) as a list."""
    if value is None or value == "":
        return []
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return value
    return [value]
