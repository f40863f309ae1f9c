"""Records every write made through the dashboard, in one place, after its view answered."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from dashboard.audit import retention
from dashboard.audit.actions import WRITES
from dashboard.audit.recording import prepare, record

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class AuditMiddleware:
    """For an unsafe request to a route the registry names (``actions.WRITES``), read what the
    row needs before the view runs and write the row once it has answered: whatever the view
    did, a site that was down included. Recording never breaks the request: a failure to record
    is logged (without the request's contents) and the answer goes out as it is.

    It sits after authentication (rows name the user) and inside the upstream trace (the
    outcome is read from the writes sent to sites)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        match = getattr(request, "resolver_match", None)
        if request.method in SAFE_METHODS or match is None:
            return
        route = WRITES.get(match.view_name)
        if route is None or not request.user.is_authenticated:
            return
        try:
            with transaction.atomic():
                request.audit_pending = prepare(request, match.view_name, route, view_kwargs)
        except Exception:
            logger.exception("Could not prepare the audit entry of %s", match.view_name)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        pending = getattr(request, "audit_pending", None)
        if pending is None:
            return response
        try:
            # In a savepoint of its own: a failed insert leaves any outer transaction usable.
            with transaction.atomic():
                record(request, response, pending)
        except Exception:
            logger.exception("Could not record the audit entry of %s", pending.view_name)
        try:
            with transaction.atomic():
                retention.prune_daily()
        except Exception:
            logger.exception("Could not prune the audit trail")
        return response
