"""Fluent Support 2.0.1's REST route table (namespace fluent-support/v2) and its index."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import files
from ..rest import Reply, Request, Route
from ..store import User
from .common import NS, needs
from .customers import (
    customer_create,
    customer_delete,
    customer_show,
    customer_update,
    customers_index,
)
from .new_tickets import portal_response, portal_ticket_create, ticket_create
from .reference import (
    agents_index,
    essentials,
    mailbox_show,
    mailboxes_index,
    me,
    product_show,
    products_index,
)
from .report_charts import (
    group_response_growth,
    my_resolve_growth,
    my_response_growth,
    reports_day_time_stats,
    reports_resolve_growth,
    reports_response_growth,
    reports_tickets_growth,
)
from .reports import (
    mailbox_reports_summary,
    my_reports,
    my_stats,
    my_summary,
    product_reports_summary,
    reports_agents_summary,
    reports_overall,
    reports_stats,
)
from .ticket_writes import (
    bulk_actions,
    bulk_reply,
    response_create,
    response_delete,
    response_update,
    ticket_close,
    ticket_delete,
    ticket_property,
    ticket_reopen,
    ticket_tag_add,
    ticket_tag_remove,
)
from .tickets import (
    live_activity_delete,
    live_activity_get,
    ticket_custom_data,
    ticket_show,
    ticket_widgets,
    tickets_index,
)

if TYPE_CHECKING:
    from ..state import SiteState


def namespace_index(site: SiteState, request: Request) -> Reply:
    routes = {
        f"/{NS.strip('/')}{route.path[len(NS) :]}": {
            "namespace": NS.strip("/"),
            "methods": [m.strip() for m in route.allow.split(",")],
        }
        for route in ROUTES
    }
    return Reply(200, {"namespace": NS.strip("/"), "routes": routes})


def _logged_in(user: User | None) -> int | None:
    return 401 if user is None else None


T = NS + r"/tickets/(?P<ticket_id>[0-9]+)"
AGENT = needs(None)
SENSITIVE = needs("fst_sensitive_data")
SETTINGS = needs("fst_manage_settings")
REPORTS = needs("fst_view_all_reports")
ROUTES = [
    Route(NS, {"GET": namespace_index}, "GET"),
    Route(NS + "/tickets", {"GET": tickets_index, "POST": ticket_create}, "GET, POST", AGENT),
    Route(NS + "/tickets/ticket-essentials", {"GET": essentials}, "GET", AGENT),
    Route(NS + "/tickets/my_stats", {"GET": my_stats}, "GET", AGENT),
    Route(NS + "/tickets/bulk-actions", {"POST": bulk_actions}, "POST", AGENT),
    Route(NS + "/tickets/bulk-reply", {"POST": bulk_reply}, "POST", AGENT),
    Route(T, {"GET": ticket_show}, "GET", AGENT),
    Route(T + "/widgets", {"GET": ticket_widgets}, "GET", AGENT),
    Route(T + "/custom-data", {"GET": ticket_custom_data}, "GET", AGENT),
    Route(
        T + "/live_activity",
        {"GET": live_activity_get, "DELETE": live_activity_delete},
        "GET, DELETE",
        AGENT,
    ),
    Route(T + "/responses", {"POST": response_create}, "POST", AGENT),
    Route(
        T + r"/responses/(?P<response_id>[0-9]+)",
        {"PUT": response_update, "DELETE": response_delete},
        "PUT, DELETE",
        AGENT,
    ),
    Route(T + "/property", {"PUT": ticket_property}, "PUT", AGENT),
    Route(T + "/tags", {"POST": ticket_tag_add}, "POST", AGENT),
    Route(T + r"/tags/(?P<tag_id>[0-9]+)", {"DELETE": ticket_tag_remove}, "DELETE", AGENT),
    Route(T + "/close", {"POST": ticket_close}, "POST", AGENT),
    Route(T + "/delete", {"DELETE": ticket_delete}, "DELETE", AGENT),
    Route(T + "/re-open", {"POST": ticket_reopen}, "POST", AGENT),
    Route(NS + "/me", {"GET": me}, "GET", AGENT),
    Route(NS + "/ticket_file_upload", {"POST": files.upload}, "POST", AGENT),
    Route(NS + "/agents", {"GET": agents_index}, "GET, POST", SENSITIVE),
    Route(NS + "/mailboxes", {"GET": mailboxes_index}, "GET, POST", SETTINGS),
    Route(NS + r"/mailboxes/(?P<id>[0-9]+)", {"GET": mailbox_show}, "GET, PUT, DELETE", SETTINGS),
    Route(NS + "/products", {"GET": products_index}, "GET, POST", SETTINGS),
    Route(
        NS + r"/products/(?P<product_id>[0-9]+)",
        {"GET": product_show},
        "GET, POST, PUT, DELETE",
        SETTINGS,
    ),
    Route(NS + "/reports", {"GET": reports_overall}, "GET", REPORTS),
    Route(NS + "/reports/stats", {"GET": reports_stats}, "GET", REPORTS),
    Route(NS + "/reports/agents-summary", {"GET": reports_agents_summary}, "GET", REPORTS),
    Route(NS + "/reports/tickets-growth", {"GET": reports_tickets_growth}, "GET", REPORTS),
    Route(NS + "/reports/tickets-resolve-growth", {"GET": reports_resolve_growth}, "GET", REPORTS),
    Route(NS + "/reports/response-growth", {"GET": reports_response_growth}, "GET", REPORTS),
    Route(NS + "/reports/day-time-stats", {"GET": reports_day_time_stats}, "GET", REPORTS),
    *[
        Route(f"{NS}/{group}-reports/{name}", {"GET": handler}, "GET", REPORTS)
        for group in ("product", "mailbox")
        for name, handler in (
            ("tickets-growth", reports_tickets_growth),
            ("tickets-resolve-growth", reports_resolve_growth),
            ("response-growth", group_response_growth),
        )
    ],
    Route(NS + "/my-reports/tickets-resolve-growth", {"GET": my_resolve_growth}, "GET", AGENT),
    Route(NS + "/my-reports/response-growth", {"GET": my_response_growth}, "GET", AGENT),
    Route(NS + "/my-reports", {"GET": my_reports}, "GET", AGENT),
    Route(NS + "/my-reports/my-summary", {"GET": my_summary}, "GET", AGENT),
    Route(
        NS + "/product-reports/product-reports-summary",
        {"GET": product_reports_summary},
        "GET",
        REPORTS,
    ),
    Route(
        NS + "/mailbox-reports/mailbox-reports-summary",
        {"GET": mailbox_reports_summary},
        "GET",
        REPORTS,
    ),
    Route(
        NS + "/customers",
        {"GET": customers_index, "POST": customer_create},
        "GET, POST",
        SENSITIVE,
    ),
    Route(
        NS + r"/customers/(?P<customer_id>[0-9]+)",
        {"GET": customer_show, "PUT": customer_update, "DELETE": customer_delete},
        "GET, PUT, DELETE",
        SENSITIVE,
    ),
    Route(NS + "/customer-portal/tickets", {"POST": portal_ticket_create}, "GET, POST", _logged_in),
    Route(
        NS + r"/customer-portal/tickets/(?P<ticket_id>[0-9]+)/responses",
        {"POST": portal_response},
        "POST",
        _logged_in,
    ),
]
