"""Fluent Support's reference data: ticket essentials, the signed-in agent, agents, mailboxes
and products."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import serialize as s
from ..memo import remembered
from ..rest import Reply, Request
from .common import NS, full_person, not_found, paging

if TYPE_CHECKING:
    from ..state import SiteState


PRIORITY_LABELS = {"normal": "Normal", "medium": "Medium", "critical": "Critical"}
PERMISSION_GROUPS = [
    {
        "title": "Tickets Permissions",
        "permissions": {
            "fst_view_dashboard": "View Dashboard",
            "fst_manage_own_tickets": "Manage Own Tickets",
            "fst_manage_unassigned_tickets": "Manage Unassigned Tickets",
            "fst_manage_other_tickets": "Manage Others Tickets",
            "fst_assign_agents": "Assign Agents",
            "fst_delete_tickets": "Delete Tickets & Individual Responses",
            "fst_merge_tickets": "Merge Tickets",
            "fst_split_ticket": "Split Ticket",
            "fst_draft_reply": "Draft Reply",
            "fst_approve_draft_reply": "Approve Draft Reply",
        },
    },
    {
        "title": "Workflow Permissions",
        "permissions": {
            "fst_manage_workflows": "Manage Workflows",
            "fst_run_workflows": "Run workflows",
            "fst_manage_saved_replies": "Manage Saved Replies",
        },
    },
    {
        "title": "Settings",
        "permissions": {
            "fst_manage_settings": "Manage Overall Settings",
            "fst_sensitive_data": "Access Private Data (Customers, Agents)",
        },
    },
    {
        "title": "Reporting",
        "permissions": {
            "fst_view_all_reports": "View All Reports",
            "fst_view_activity_logs": "View Activity Logs",
            "fst_agent_today_performance": "View Agent Today Performance",
        },
    },
]


def essentials(site: SiteState, request: Request) -> Reply:
    store = site.store
    agents = [
        {
            "id": p["id"],
            "first_name": p["first_name"],
            "last_name": p["last_name"],
            "full_name": s.full_name(p),
            "photo": "",
        }
        for p in sorted(store.agents.values(), key=lambda p: p["id"])
    ]
    products = [{"id": p["id"], "title": p["title"]} for p in store.products.values()]
    tags = [{"id": t["id"], "title": t["title"]} for t in store.ticket_tags.values()]
    mailboxes = [
        {"id": m["id"], "name": m["name"], "settings": dict(m["settings"])}
        for m in store.mailboxes.values()
    ]
    kind = request.query.get("type")
    if kind:
        chosen = {"agents": agents, "mailboxes": mailboxes, "ticket_tags": tags}
        return Reply(200, chosen.get(str(kind), ""))
    return Reply(
        200,
        {
            "client_priorities": dict(PRIORITY_LABELS),
            "ticket_statuses_group": {
                "open": ["new", "active"],
                "active": ["active"],
                "closed": ["closed"],
                "new": ["new"],
                "all": [],
            },
            "agents": agents,
            "changeable_ticket_statuses": {
                "active": ["active"],
                "closed": ["closed"],
                "new": ["new"],
            },
            "admin_priorities": dict(PRIORITY_LABELS),
            "enable_draft_mode": "no",
            "max_file_upload": 3,
            "support_products": products,
            "ticket_tags": tags,
            "mailboxes": mailboxes,
            "ticket_statuses": {"new": "New", "active": "Active", "closed": "Closed"},
        },
    )


def me(site: SiteState, request: Request) -> Reply:
    user = request.user
    return Reply(
        200,
        {
            "user_id": user.person_id,
            "email": user.email,
            "person": full_person(site, user.person_id),
            "permissions": list(user.permissions),
            "request": [],
        },
    )


def _person_matches(person: dict[str, Any], search: str) -> bool:
    """The plugin's person search (seq_agents_6): LIKE on first name, last name or email, or
    the first word in the first name and the rest in the last name."""
    first, last = (person["first_name"] or "").lower(), (person["last_name"] or "").lower()
    if search in first or search in last or search in (person["email"] or "").lower():
        return True
    given, _, rest = search.partition(" ")
    return bool(rest) and given in first and rest in last


def _agent_activity(site: SiteState) -> dict[int, tuple[int, set[int]]]:
    """Per agent: their replies and the tickets they wrote in, in one pass over the rows."""
    agents = site.store.agents
    replies: dict[int, int] = dict.fromkeys(agents, 0)
    touched: dict[int, set[int]] = {pid: set() for pid in agents}
    for row in site.store.responses.values():
        pid = row["person_id"]
        if pid in touched:
            touched[pid].add(row["ticket_id"])
            if row["conversation_type"] == "response":
                replies[pid] += 1
    return {pid: (replies[pid], touched[pid]) for pid in agents}


def agents_index(site: SiteState, request: Request) -> Reply:
    store = site.store
    page, per_page = paging(request)
    rows = []
    agents = sorted(store.agents.values(), key=lambda p: p["id"], reverse=True)
    search = str(request.query.get("search") or "").strip().lower()
    if search:
        agents = [a for a in agents if _person_matches(a, search)]
    activity = remembered(site, "agent_activity", lambda: _agent_activity(site))
    for agent in agents:
        user = store.user_by_person(agent["id"])
        replies, touched = activity.get(agent["id"], (0, set()))
        interactions = len(touched)
        row = s.person(agent, site.clock)
        photo = row.pop("photo")
        name = row.pop("full_name")
        row.update(
            {
                "permissions": list(user.permissions) if user else [],
                "user_profile": f"{request.base_url}/wp-admin/user-edit.php?user_id={agent['id']}",
                "replies_count": replies,
                "interactions_count": interactions,
                "telegram_chat_id": "",
                "slack_user_id": "",
                "whatsapp_number": "",
                "restrictions": {"restrictedBusinessBoxes": [], "businessBoxRestrictions": False},
                "full_name": name,
                "photo": photo,
            }
        )
        rows.append(row)
    chunk = rows[(page - 1) * per_page : page * per_page]
    path = f"{request.base_url}/wp-json{NS}/agents"
    return Reply(
        200,
        {
            "agents": s.laravel_page(chunk, len(rows), page, per_page, path),
            "permissions": PERMISSION_GROUPS,
            "businessBoxes": [
                {"id": m["id"], "name": m["name"], "settings": []} for m in store.mailboxes.values()
            ],
        },
    )


def mailboxes_index(site: SiteState, request: Request) -> Reply:
    counts: dict[int, int] = {}
    for ticket in site.store.tickets.values():
        counts[ticket["mailbox_id"]] = counts.get(ticket["mailbox_id"], 0) + 1
    rows = [
        s.simple(m, site.clock) | {"tickets_count": counts.get(m["id"], 0)}
        for m in site.store.mailboxes.values()
    ]
    return Reply(200, {"mailboxes": rows})


def mailbox_show(site: SiteState, request: Request) -> Reply:
    mid = int(request.args["id"])
    row = site.store.mailboxes.get(mid)
    if row is None:
        return not_found("MailBox", mid)
    return Reply(200, {"mailbox": s.simple(row, site.clock)})


def products_index(site: SiteState, request: Request) -> Reply:
    page, per_page = paging(request)
    rows = [
        s.simple(p, site.clock)
        for p in sorted(site.store.products.values(), key=lambda p: p["id"], reverse=True)
    ]
    chunk = rows[(page - 1) * per_page : page * per_page]
    path = f"{request.base_url}/wp-json{NS}/products"
    return Reply(200, {"products": s.laravel_page(chunk, len(rows), page, per_page, path)})


def product_show(site: SiteState, request: Request) -> Reply:
    pid = int(request.args["product_id"])
    row = site.store.products.get(pid)
    if row is None:
        return not_found("Product", pid)
    return Reply(200, {"product": s.simple(row, site.clock)})
