"""Reports for team leads (trends across sites, as charts; the Team lead role) and an agent's
own figures (everyone)."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from dashboard.accounts.access import role_required
from dashboard.accounts.roles import VIEW_TEAM_REPORTS
from dashboard.pagecache import cached_page
from dashboard.reports import mine as my_figures
from dashboard.reports import present, tables
from dashboard.reports.figures import load_report
from dashboard.reports.query import PERIODS, ReportQuery
from dashboard.usersites import is_number, user_site, user_sites


def _query(request: HttpRequest) -> ReportQuery:
    query = ReportQuery.from_params(request.GET, today=timezone.localdate())
    if query.site:
        # Another user's connection (a number) is a 404, a team site not connected offers to
        # connect it, a number from an older link becomes the site's slug, and a name that is
        # no site at all leaves the report on every site.
        try:
            query = query.with_(site=user_site(request, query.site).slug)
        except Http404:
            if is_number(query.site):
                raise
            query = query.with_(site="")
    return query


def _report(request: HttpRequest, query: ReportQuery):
    return load_report(
        user=request.user,
        sites=user_sites(request),
        query=query,
        today=timezone.localdate(),
        refresh=bool(request.GET.get("refresh")),
    )


@role_required(VIEW_TEAM_REPORTS)
@require_GET
@vary_on_headers("HX-Request")
@cached_page("tickets", "reference")
def reports(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    sites = user_sites(request)
    context = {"query": query, "sites": sites, "periods": PERIODS, "report": None}
    if sites:
        report = _report(request, query)
        context |= {
            "report": report,
            "charts": present.charts_for(report),
            "tables": tables.build(report),
            "changes": _changes(report),
            "export_query": urlencode(query.params()),
        }
    template = "reports/reports.html#results" if request.htmx else "reports/reports.html"
    return render(request, template, context)


def _changes(report) -> dict[str, str]:
    if report.previous is None:
        return {}
    now, before = report.summary, report.previous
    return {
        name: present.change(getattr(now, name), getattr(before, name))
        for name in ("opened", "closed", "replies", "first_median", "resolve_median")
    }


@role_required(VIEW_TEAM_REPORTS)
@require_GET
def export(request: HttpRequest, key: str) -> HttpResponse:
    query = _query(request)
    table = tables.build(_report(request, query)).get(key)
    if table is None:
        raise Http404("No such chart")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"report-{key}-{query.start.isoformat()}-{query.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(tables.csv_headers(table))
    writer.writerows(["" if cell is None else cell for cell in row] for row in table.raw)
    return response


@require_GET
@vary_on_headers("HX-Request")
@cached_page("tickets", "reference")
def mine(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    figures = my_figures.load_mine(
        sites=user_sites(request),
        query=query,
        today=timezone.localdate(),
        refresh=bool(request.GET.get("refresh")),
    )
    context = {"query": query, "periods": PERIODS, "mine": figures}
    template = "reports/mine.html#results" if request.htmx else "reports/mine.html"
    return render(request, template, context)
