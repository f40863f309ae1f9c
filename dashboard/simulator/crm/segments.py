"""FluentCRM tags and lists: their indexes, deleting a tag, and linking them to a contact."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from .. import serialize as s
from ..rest import Reply, Request
from .common import NS, bench, local_row

if TYPE_CHECKING:
    from ..state import SiteState


def link_segments(site: SiteState, contact: dict[str, Any], kind: str, ids: list[int]) -> None:
    """Link segments; the pivot remembers when, the contact's updated_at does not change."""
    key = "tag_ids" if kind == "Tag" else "list_ids"
    pivots = contact.setdefault("pivot_at", {})
    for object_id in ids:
        if object_id not in contact[key]:
            contact[key].append(object_id)
            pivots[(kind, object_id)] = site.current_time()


def unlink_segments(contact: dict[str, Any], kind: str, ids: list[int]) -> None:
    key = "tag_ids" if kind == "Tag" else "list_ids"
    contact[key] = [x for x in contact[key] if x not in ids]
    for object_id in ids:
        contact.get("pivot_at", {}).pop((kind, object_id), None)


def segment_search(rows: list[dict[str, Any]], request: Request) -> list[dict[str, Any]]:
    """The typeahead's ?search=: a substring of the title (or slug), case-insensitive."""
    search = str(request.query.get("search") or "").strip().lower()
    if not search:
        return rows
    return [r for r in rows if search in r["title"].lower() or search in r["slug"].lower()]


def tags_index(site: SiteState, request: Request) -> Reply:
    started = time.perf_counter()
    page = max(1, s.to_int(request.query.get("page"), 1) or 1)
    per_page = max(1, s.to_int(request.query.get("per_page"), 15) or 15)
    contacts = site.store.contacts.values()
    tags = segment_search(sorted(site.store.crm_tags.values(), key=lambda t: -t["id"]), request)
    counts = str(request.query.get("exclude_counts") or "") != "true"
    rows = [
        local_row(site, tag)
        | (
            {"subscribersCount": sum(1 for c in contacts if tag["id"] in c["tag_ids"])}
            if counts
            else {}
        )
        for tag in tags[(page - 1) * per_page : page * per_page]
    ]
    body: dict[str, Any] = {
        "tags": s.crm_page(rows, len(tags), page, per_page, f"/wp-json{NS}/tags")
    }
    if str(request.query.get("all_tags") or "") == "true":
        body["all_tags"] = [
            {"id": str(t["id"]), "title": t["title"], "slug": t["slug"]}
            for t in sorted(site.store.crm_tags.values(), key=lambda t: t["id"])
        ]
    body["__bench"] = bench(started)
    return Reply(200, body)


def lists_index(site: SiteState, request: Request) -> Reply:
    contacts = site.store.contacts.values()
    page = max(1, s.to_int(request.query.get("page"), 1) or 1)
    per_page = max(1, s.to_int(request.query.get("per_page"), 500) or 500)
    counts = str(request.query.get("exclude_counts") or "") != "true"
    found = segment_search(sorted(site.store.crm_lists.values(), key=lambda x: -x["id"]), request)
    rows = []
    for item in found[(page - 1) * per_page : page * per_page]:
        row = local_row(site, item)
        if counts:
            members = [c for c in contacts if item["id"] in c["list_ids"]]
            row["totalCount"] = len(members)
            row["subscribersCount"] = sum(1 for c in members if c["status"] == "subscribed")
        rows.append(row)
    body: dict[str, Any] = {"lists": rows, "pagination": {"total": len(found)}}
    if str(request.query.get("all_lists") or "") == "true":
        body["all_lists"] = [
            {"id": str(x["id"]), "title": x["title"], "slug": x["slug"]}
            for x in sorted(site.store.crm_lists.values(), key=lambda x: x["id"])
        ]
    return Reply(200, body)


def tag_delete(site: SiteState, request: Request) -> Reply:
    tid = int(request.args["tag"])
    site.store.crm_tags.pop(tid, None)
    for contact in site.store.contacts.values():
        unlink_segments(contact, "Tag", [tid])
    site.store.version += 1
    return Reply(200, {"message": "Successfully removed the tag."})
