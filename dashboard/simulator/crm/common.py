"""What every FluentCRM controller shares: the namespace, the plugin's crash answer, and a
contact serialised with its tags and lists."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from .. import serialize as s
from ..rest import Reply, Request

if TYPE_CHECKING:
    from ..state import SiteState


NS = "/fluent-crm/v2"
NO_MODEL = {"message": "No query results for model [FluentCrm\\App\\Models\\Subscriber]."}
NUMERIC_STRINGS = frozenset({"total_points", "life_time_value", "is_public"})
# Statuses whose detail carries unsubscribe_reason and unsubscribe_date.
UNSUBSCRIBED_LIKE = frozenset({"unsubscribed", "bounced", "complained"})
CONTROLLER = "/var/www/html/wp-content/plugins/fluent-crm/app/Http/Controllers/"


def bench(started: float) -> float:
    return time.perf_counter() - started


def crash(message: str, line: int) -> Reply:
    """WordPress's critical-error answer for an uncaught PHP error inside the plugin."""
    file = CONTROLLER + "SubscriberController.php"
    return Reply(
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


def ints(values: Any) -> list[int]:
    out = []
    for value in s.as_list(values):
        number = s.to_int(value)
        if number is not None:
            out.append(number)
    return out


def _pivot(site: SiteState, contact: dict, object_id: int, kind: str) -> dict[str, Any]:
    # The pivot row is written when the segment is attached (seeded ones with the contact).
    at = contact.get("pivot_at", {}).get((kind, object_id), contact["created_at"])
    stamp = site.clock.local(at)
    return {
        "subscriber_id": str(contact["id"]),
        "object_id": str(object_id),
        "object_type": f"FluentCrm\\App\\Models\\{kind}",
        "created_at": stamp,
        "updated_at": stamp,
    }


def local_row(site: SiteState, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if hasattr(value, "astimezone"):
            out[key] = site.clock.local(value)
        elif key in NUMERIC_STRINGS and value is not None:
            out[key] = str(value)
        else:
            out[key] = value
    return out


def contact_tags(site: SiteState, contact: dict[str, Any]) -> list[dict[str, Any]]:
    tags = site.store.crm_tags
    return [
        local_row(site, tags[t]) | {"pivot": _pivot(site, contact, t, "Tag")}
        for t in contact["tag_ids"]
        if t in tags
    ]


def contact_lists(site: SiteState, contact: dict[str, Any]) -> list[dict[str, Any]]:
    lists = site.store.crm_lists
    return [
        local_row(site, lists[x]) | {"pivot": _pivot(site, contact, x, "Lists")}
        for x in contact["list_ids"]
        if x in lists
    ]


def _photo(request: Request) -> str:
    return f"{request.base_url}/wp-content/plugins/fluent-crm/assets/images/avatar.png"


def contact_row(
    site: SiteState, request: Request, contact: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in s.CONTACT_COLUMNS:
        value = contact.get(key)
        if hasattr(value, "astimezone"):
            out[key] = site.clock.local(value)
        elif key in NUMERIC_STRINGS and value is not None:
            out[key] = str(value)
        else:
            out[key] = value
    out.update(extra)
    out["full_name"] = s.full_name(contact)
    out["photo"] = _photo(request)
    out["tags"] = contact_tags(site, contact)
    out["lists"] = contact_lists(site, contact)
    return out


def smartcodes(text: str, contact: dict[str, Any]) -> str:
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
