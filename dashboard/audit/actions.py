"""Every route that writes and what its audit row says; every other route and why it is not
recorded.

The middleware records a row for each unsafe request (POST, PUT, PATCH, DELETE) to a route
named in ``WRITES``. ``tests/audit/test_registry.py`` walks every URL pattern of the project
and fails on a name found in neither ``WRITES`` nor ``NOT_AUDITED``, so a new write route cannot
be forgotten.

A row's detail comes from ``details.py``: named form fields only, each checked to be a number or
one of a few known words, never a message's text, a title, a password or a token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest

from dashboard.audit import details
from dashboard.audit.details import Post, checked
from dashboard.audit.models import Outcome

# How a row finds its site.
SITE_ID = "site_id"  # the site in the URL (one of the user's connections)
OWN_SITE = "own_site"  # the sites app: the user's connection the URL names, read before the view
TEAM_SITE = "team_site"  # the sites app: the team site the URL names, read before the view
NEW_SITE = "new_site"  # the connection the request made (else the site it was made for)
POSTED_SITE = "posted_site"  # the site chosen in the form
PER_TICKET_SITE = "per_ticket_site"  # one row per site of the selected tickets
NO_SITE = ""

# Each action's code, as stored, and its name on the audit page.
ACTIONS = {
    "reply": "Reply",
    "reply_close": "Reply and close",
    "note": "Internal note",
    "response_edit": "Message edited",
    "response_delete": "Message deleted",
    "property": "Property changed",
    "close": "Ticket closed",
    "reopen": "Ticket re-opened",
    "tag_add": "Tag added",
    "tag_remove": "Tag removed",
    "bulk": "Bulk action",
    "ticket_create": "Ticket created",
    "customer_edit": "Customer edited",
    "customer_delete": "Customer deleted",
    "contact_segments": "Contact tags and lists",
    "contact_status": "Contact status changed",
    "contact_note": "Contact note added",
    "contact_create": "Contact created",
    "snooze": "Ticket snoozed",
    "wake": "Ticket woken",
    "site_connect": "Site connected",
    "site_edit": "Site connection changed",
    "site_verify": "Site connection checked",
    "site_remove": "Site connection removed",
    "team_site_edit": "Team site changed",
    "team_site_remove": "Team site removed",
    "saved_reply_create": "Saved reply created",
    "saved_reply_edit": "Saved reply edited",
    "saved_reply_delete": "Saved reply deleted",
    "signature": "Signature saved",
    "sla": "SLA targets saved",
    "preferences": "Preferences saved",
    "password_change": "Password changed",
    "user_add": "User added",
    "user_role": "Role changed",
    "user_active": "User activated or deactivated",
}


@dataclass(frozen=True)
class Route:
    """What one write route's rows say, read from the request (never from its text)."""

    action: str | Callable[[Post], str]
    object_kind: str = ""
    object_kwarg: str = ""  # the URL argument naming the object
    object_field: str = ""  # or the form field naming it
    site: str = SITE_ID
    upstream: bool = True  # the write goes to a WordPress site
    detail: Callable[[HttpRequest, dict], str] | None = None
    # False for a POST that writes nothing: a confirmation step, a form shown again.
    writes: Callable[[Post], bool] | None = None
    # Why a view said a write was refused (see notes.note) -> the outcome it means.
    problems: dict[str, Outcome] = field(default_factory=dict)

    def code(self, post: Post) -> str:
        return self.action(post) if callable(self.action) else self.action


# What a failed site check (dashboard.fluent.discovery.ConnectError.kind) means.
CONNECT_PROBLEMS = {
    "auth": Outcome.REFUSED,
    "not_agent": Outcome.REFUSED,
    "not_in_team": Outcome.REFUSED,
    "invalid_url": Outcome.INVALID,
    "scheme": Outcome.INVALID,
    "insecure": Outcome.INVALID,
    "duplicate": Outcome.INVALID,
    "password_required": Outcome.INVALID,
}

TICKET = {"object_kind": "ticket", "object_kwarg": "ticket_id"}
RESPONSE = {"object_kind": "response", "object_kwarg": "response_id"}
CUSTOMER = {"object_kind": "customer", "object_kwarg": "customer_id"}
CONTACT = {"object_kind": "contact", "object_kwarg": "contact_id"}
SAVED_REPLY = {"object_kind": "saved_reply", "object_kwarg": "pk", "site": NO_SITE}
SITE = {"object_kind": "site", "upstream": False, "problems": CONNECT_PROBLEMS}
USER = {
    "object_kind": "user",
    "object_kwarg": "pk",
    "site": NO_SITE,
    "upstream": False,
    "problems": {"refused": Outcome.REFUSED},
}

WRITES: dict[str, Route] = {
    "tickets:reply": Route(details.reply_action, **TICKET, detail=details.reply_detail),
    "tickets:response_edit": Route("response_edit", **RESPONSE),
    "tickets:response_delete": Route("response_delete", **RESPONSE),
    "tickets:property": Route("property", **TICKET, detail=details.property_detail),
    "tickets:close": Route("close", **TICKET),
    "tickets:reopen": Route("reopen", **TICKET),
    "tickets:tag_add": Route("tag_add", **TICKET, detail=details.tag_detail),
    "tickets:tag_remove": Route(
        "tag_remove", **TICKET, detail=lambda request, kwargs: f"tag #{kwargs.get('tag_id')}"
    ),
    # Deleting asks first: that answer writes nothing.
    "tickets:bulk": Route(
        "bulk",
        object_kind="tickets",
        site=PER_TICKET_SITE,
        writes=lambda post: post.get("action") != "delete" or checked(post.get("confirm")),
    ),
    "tickets:preferences": Route(
        "preferences",
        object_kind="preferences",
        site=NO_SITE,
        upstream=False,
        detail=details.preferences_detail,
    ),
    # "Find" and "Use this site" show the form again; only "Create ticket" writes.
    "customers:new_ticket": Route(
        "ticket_create",
        object_kind="ticket",
        site=POSTED_SITE,
        detail=details.new_ticket_detail,
        writes=lambda post: post.get("intent") == "create",
    ),
    "customers:edit": Route("customer_edit", **CUSTOMER),
    "customers:delete": Route("customer_delete", **CUSTOMER),
    "customers:crm_segments": Route("contact_segments", **CONTACT, detail=details.segments_detail),
    # Changing the status asks for a confirmation first: that answer writes nothing.
    "customers:crm_status": Route(
        "contact_status",
        **CONTACT,
        detail=details.contact_status_detail,
        writes=lambda post: checked(post.get("confirm")),
    ),
    "customers:crm_add_note": Route("contact_note", **CONTACT),
    "customers:crm_create": Route(
        "contact_create",
        object_kind="customer",
        object_field="customer",
        detail=details.contact_create_detail,
    ),
    "workflow:snooze": Route("snooze", **TICKET, upstream=False, detail=details.snooze_detail),
    "workflow:wake": Route("wake", **TICKET, upstream=False),
    "workflow:reply_create": Route("saved_reply_create", **SAVED_REPLY, upstream=False),
    "workflow:reply_edit": Route("saved_reply_edit", **SAVED_REPLY, upstream=False),
    "workflow:reply_delete": Route("saved_reply_delete", **SAVED_REPLY, upstream=False),
    "workflow:signature_update": Route("signature", object_kind="signature", upstream=False),
    "workflow:sla_save": Route(
        "sla", object_kind="sla_targets", upstream=False, detail=details.sla_detail
    ),
    "sites:connect": Route("site_connect", **SITE, site=NEW_SITE),
    "sites:join": Route("site_connect", **SITE, site=NEW_SITE),
    "sites:edit": Route("site_edit", **SITE, site=OWN_SITE),
    "sites:verify": Route("site_verify", **SITE, site=OWN_SITE),
    "sites:remove": Route("site_remove", **SITE, site=OWN_SITE),
    # Admins only: anyone else is refused (403).
    "sites:team_settings": Route("team_site_edit", **SITE, site=TEAM_SITE),
    "sites:team_delete": Route("team_site_remove", **SITE, site=TEAM_SITE),
    "password_change": Route(
        "password_change", object_kind="account", site=NO_SITE, upstream=False
    ),
    # The Team page (admins): a refusal (the last admin, oneself) is noted by the view, since
    # without JavaScript it answers with a redirect either way.
    "team:add": Route(
        "user_add",
        **{**USER, "object_kwarg": ""},  # the new user's id is noted by the view
        detail=details.new_user_detail,
    ),
    "team:role": Route("user_role", **USER, detail=details.role_detail),
    "team:active": Route("user_active", **USER, detail=details.active_detail),
}

READS = "Reads only: it answers GET and changes nothing."

# Routes that are not recorded, and why. Reads are here too, so that every route is a decision.
NOT_AUDITED: dict[str, str] = {
    "login": "Signing in changes nothing; failures are counted by the login throttle.",
    "logout": "Ends the session; changes nothing.",
    "tickets:compose_preview": "Renders the composer's text as it would be sent; nothing is "
    "sent or stored.",
    "tickets:leave": "Presence: tells the site the agent left the ticket, which the plugin "
    "forgets within a minute anyway.",
    "tickets:upload": "Stages a file on the site for a reply or note; the message that carries "
    "it is recorded, with its number of files.",
    **dict.fromkeys(
        [
            "healthz",
            "tickets:inbox",
            "tickets:counts",
            "tickets:changes",
            "tickets:thread",
            "tickets:conversation",
            "tickets:thread_nav",
            "tickets:presence",
            "tickets:prefetch_next",
            "tickets:attachment",
            "tickets:attachment_preview",
            "customers:directory",
            "customers:panel",
            "customers:contact",
            "customers:crm_notes",
            "customers:crm_activity",
            "customers:crm_options",
            "customers:customer_options",
            "customers:customer",
            "queues:overview",
            "queues:stats",
            "queues:export",
            "reports:reports",
            "reports:mine",
            "reports:export",
            "workflow:replies",
            "workflow:reply_pick",
            "workflow:signatures",
            "workflow:sla",
            "workflow:snoozed",
            "workflow:waiting_count",
            "sites:list",
            "audit:entries",
            "audit:export",
            "team:list",
        ],
        READS,
    ),
}

# Whole namespaces left out: the admin keeps its own history of changes (LogEntry).
NOT_AUDITED_NAMESPACES = {"admin": "Django's admin records its changes in its own history."}


def label(code: str) -> str:
    return ACTIONS.get(code, code.replace("_", " ").capitalize())
