"""The audit trail for team leads: filtered, paginated, newest first, and as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from dashboard.accounts.access import role_required
from dashboard.accounts.roles import VIEW_AUDIT
from dashboard.audit.actions import ACTIONS
from dashboard.audit.models import OUTCOME_HELP, AuditEntry, Outcome
from dashboard.audit.query import NO_SITE, AuditQuery
from dashboard.queues.export import cell
from dashboard.tickets.links import thread_url
from dashboard.usersites import user_sites

PER_PAGE = 50


def _visible(request: HttpRequest) -> tuple[AuditQuery, object]:
    """The filters, and the rows the viewer may see (their own sites' and their team's)."""
    site_urls = {site.slug: site.base_url for site in user_sites(request)}
    query = AuditQuery.from_params(request.GET, site_urls=site_urls)
    return query, AuditEntry.objects.visible_to(request.user)


def _links(request: HttpRequest, rows) -> None:
    """Each row's site as the viewer connected it (for its badge), and each ticket row's link
    to its thread."""
    mine = {site.base_url: site for site in user_sites(request)}
    for row in rows:
        row.viewer_site = mine.get(row.site_url)
        row.thread_link = (
            thread_url(row.viewer_site, row.ticket_id) if row.viewer_site and row.ticket_id else ""
        )


@role_required(VIEW_AUDIT)
@require_GET
@never_cache
@vary_on_headers("HX-Request")
def entries(request: HttpRequest) -> HttpResponse:
    query, visible = _visible(request)
    page = Paginator(query.apply(visible), PER_PAGE).get_page(query.page)
    _links(request, page.object_list)
    base = reverse("audit:entries")
    context = {
        "query": query,
        "page": page,
        "base": base,
        "prev_url": base + query.querystring(page=page.number - 1) if page.has_previous() else "",
        "next_url": base + query.querystring(page=page.number + 1) if page.has_next() else "",
        "export_url": reverse("audit:export") + query.querystring(page=1),
        "clear_url": base,
        "people": visible.order_by("username").values_list("username", flat=True).distinct(),
        "sites": user_sites(request),
        "no_site": NO_SITE,
        "actions": sorted(ACTIONS.items(), key=lambda item: item[1]),
        "outcomes": [(o.value, o.label, OUTCOME_HELP[o]) for o in Outcome],
        "retention_days": settings.AUDIT_RETENTION_DAYS,
    }
    template = "audit/audit.html#results" if request.htmx else "audit/audit.html"
    status = 400 if query.invalid else 200
    return render(request, template, context, status=status)


class _Echo:
    def write(self, value: str) -> str:
        return value


HEADER = [
    "Time",
    "Person",
    "Action",
    "Site",
    "Site address",
    "Object",
    "Ticket",
    "Detail",
    "Outcome",
    "HTTP status",
]


def _csv_rows(rows) -> Iterator[list[str]]:
    yield HEADER
    labels = dict(Outcome.choices)
    for row in rows.iterator(chunk_size=1000):
        yield [
            cell(timezone.localtime(row.at).isoformat(timespec="seconds")),
            cell(row.username),
            cell(row.action_label),
            cell(row.site_label),
            cell(row.site_url),
            cell(row.object_text),
            cell(row.ticket_id or ""),
            cell(row.detail),
            cell(labels.get(row.outcome, row.outcome)),
            cell(row.status or ""),
        ]


@role_required(VIEW_AUDIT)
@require_GET
@never_cache
def export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered rows, every page of them, as CSV (cells that a spreadsheet would read as a
    formula are quoted)."""
    query, visible = _visible(request)
    writer = csv.writer(_Echo())
    stream = (writer.writerow(row) for row in _csv_rows(query.apply(visible)))
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    name = f"audit-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
