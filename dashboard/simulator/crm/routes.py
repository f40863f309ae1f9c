"""FluentCRM 2.9's REST route table (namespace fluent-crm/v2) and its index."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..rest import Reply, Request, Route
from ..store import User
from .common import NS
from .contact_writes import (
    subscriber_create,
    subscriber_delete,
    subscriber_update,
    subscribers_property,
    sync_segments,
)
from .contacts import (
    custom_fields,
    form_submissions,
    info_widgets,
    purchase_history,
    subscriber_show,
    subscriber_support_tickets,
    subscribers_index,
)
from .emails import (
    email_preview,
    email_send,
    email_template_mock,
    emails_index,
    tracking_events,
    url_metrics,
)
from .notes import note_add, note_delete, note_update, subscriber_notes
from .segments import lists_index, tag_delete, tags_index

if TYPE_CHECKING:
    from ..state import SiteState


def namespace_index(site: SiteState, request: Request) -> Reply:
    routes = {
        route.path: {"namespace": NS.strip("/"), "methods": route.allow.split(", ")}
        for route in ROUTES
    }
    return Reply(200, {"namespace": NS.strip("/"), "routes": routes})


def crm_policy(user: User | None) -> int | None:
    if user is None:
        return 401
    return None if user.crm_access else 403


S = NS + r"/subscribers/(?P<id>[0-9]+)"
N = S + r"/notes/(?P<note>[0-9]+)"
ROUTES = [
    Route(NS, {"GET": namespace_index}, "GET"),
    Route(
        NS + "/subscribers",
        {"GET": subscribers_index, "POST": subscriber_create},
        "GET, POST, DELETE",
        crm_policy,
    ),
    Route(NS + "/subscribers/sync-segments", {"POST": sync_segments}, "POST", crm_policy),
    Route(
        NS + "/subscribers/subscribers-property",
        {"PUT": subscribers_property},
        "PUT",
        crm_policy,
    ),
    Route(
        S,
        {"GET": subscriber_show, "PUT": subscriber_update, "DELETE": subscriber_delete},
        "GET, DELETE, PUT",
        crm_policy,
    ),
    Route(S + "/notes", {"GET": subscriber_notes, "POST": note_add}, "GET, POST", crm_policy),
    Route(N, {"PUT": note_update, "DELETE": note_delete}, "PUT, DELETE", crm_policy),
    Route(S + "/emails", {"GET": emails_index}, "GET", crm_policy),
    Route(S + "/emails/template-mock", {"GET": email_template_mock}, "GET", crm_policy),
    Route(S + "/emails/send", {"POST": email_send}, "POST", crm_policy),
    Route(S + "/info-widgets", {"GET": info_widgets}, "GET", crm_policy),
    Route(S + "/purchase-history", {"GET": purchase_history}, "GET", crm_policy),
    Route(S + "/form-submissions", {"GET": form_submissions}, "GET", crm_policy),
    Route(S + "/tracking-events", {"GET": tracking_events}, "GET", crm_policy),
    Route(S + "/url-metrics", {"GET": url_metrics}, "GET", crm_policy),
    Route(S + "/support-tickets", {"GET": subscriber_support_tickets}, "GET", crm_policy),
    Route(
        NS + r"/campaigns/emails/(?P<email>[0-9]+)/preview",
        {"GET": email_preview},
        "GET",
        crm_policy,
    ),
    Route(NS + "/tags", {"GET": tags_index}, "GET, POST", crm_policy),
    Route(NS + r"/tags/(?P<tag>[0-9]+)", {"DELETE": tag_delete}, "GET, PUT, DELETE", crm_policy),
    Route(NS + "/lists", {"GET": lists_index}, "GET, POST", crm_policy),
    Route(NS + "/custom-fields/contacts", {"GET": custom_fields}, "GET, PUT", crm_policy),
]
