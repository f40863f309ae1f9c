"""The team lead's queues: a frame at once, its figures from a fragment that refreshes itself.
Every view needs the Team lead role (``accounts.view_queues``)."""

from __future__ import annotations

import csv

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from dashboard.accounts.access import role_required
from dashboard.accounts.roles import VIEW_QUEUES
from dashboard.pagecache import cached_page
from dashboard.queues import export
from dashboard.queues.figures import SITES_PER_VIEW, load_overview, thresholds
from dashboard.tickets.query import OVERDUE, InboxQuery
from dashboard.usersites import user_sites
from dashboard.workflow import services as workflow

# Rows the skeleton shows in each breakdown while the figures load.
SKELETON_ROWS = range(4)
SKELETON_TITLES = ["Waiting longest", "By agent", "By mailbox", "By product"]


class FiguresForm(forms.Form):
    # Read every figure fresh from the sites instead of from the short-lived cache.
    refresh = forms.BooleanField(required=False)
    # The first of the sites this view shows (0-based): figures are read a few sites a view.
    sites_from = forms.IntegerField(required=False, min_value=0, max_value=10_000)


def _refresh(request: HttpRequest) -> bool:
    form = FiguresForm(request.GET)
    return form.is_valid() and form.cleaned_data["refresh"]


def _sites_from(request: HttpRequest) -> int:
    form = FiguresForm(request.GET)
    return (form.cleaned_data["sites_from"] or 0) if form.is_valid() else 0


def overdue_rows(request: HttpRequest, figures) -> list[dict]:
    """Past-due tickets per site and per agent, for the sites that have SLA targets. The
    waiting lists are the ones the figures above just read, so this costs no extra call."""
    # The sites this view has figures for, not every site: the same bound.
    shown = {row.site.pk for row in figures.sites if row.site} | {s.pk for s in figures.reconnect}
    sites = [site for site in user_sites(request) if site.pk in shown]
    counts = workflow.overdue_counts(sites, refresh=_refresh(request))
    names = {(row.site.pk, row.agent.id): row.agent.name for row in figures.agents}
    rows = []
    for site_id, count in counts.items():
        agents = [
            {
                "name": names.get((site_id, agent_id), f"Agent #{agent_id}")
                if agent_id
                else "Unassigned",
                "count": number,
                "url": InboxQuery(
                    site_id=site_id,
                    site_slug=count.site.slug,
                    agent=str(agent_id) if agent_id else "unassigned",
                    sort=OVERDUE,
                ).url(reverse("tickets:inbox")),
            }
            for agent_id, number in sorted(count.by_agent.items(), key=lambda kv: -kv[1])
        ]
        rows.append(
            {
                "site": count.site,
                "count": count,
                "url": InboxQuery(site_id=site_id, site_slug=count.site.slug, sort=OVERDUE).url(
                    reverse("tickets:inbox")
                ),
                "agents": agents,
            }
        )
    return rows


def _context(request: HttpRequest, **extra) -> dict:
    sites = user_sites(request)
    hours = thresholds()
    start = _sites_from(request)
    shown = sites[start : start + SITES_PER_VIEW] or sites[:SITES_PER_VIEW]
    return {
        "sites": sites,
        "shown_sites": shown,
        "sites_from": start,
        "thresholds": hours,
        "many_sites": len(sites) > 1,
        # Columns after the site's name: open, new, unassigned, waiting, buckets, oldest, closed.
        "figure_columns": 6 + len(hours),
        "figure_range": range(6 + len(hours)),
        "skeleton_rows": SKELETON_ROWS,
        "skeleton_titles": SKELETON_TITLES,
        **extra,
    }


@role_required(VIEW_QUEUES)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The frame only: no site is asked anything, so it shows at once."""
    return render(request, "queues/overview.html", _context(request, overview=None))


@role_required(VIEW_QUEUES)
@require_GET
@vary_on_headers("HX-Request")
@cached_page("tickets", "reference", "workflow")
def stats(request: HttpRequest) -> HttpResponse:
    """The figures: the fragment htmx swaps in, or (without JavaScript) the whole page.

    Kept as rendered while every answer it was computed from is fresh: the fragment refreshes
    itself every minute, and computing it again from cached answers cost about half a second
    at eight sites (a few hundred cache reads)."""
    figures = load_overview(
        user_sites(request), refresh=_refresh(request), start=_sites_from(request)
    )
    context = _context(request, overview=figures, overdue=overdue_rows(request, figures))
    template = "queues/overview.html#stats" if request.htmx else "queues/overview.html"
    return render(request, template, context)


@role_required(VIEW_QUEUES)
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    # A download asked for: every site's figures, however many.
    sites = user_sites(request)
    figures = load_overview(sites, refresh=_refresh(request), per_view=max(len(sites), 1))
    stamp = timezone.localtime(figures.generated_at).strftime("%Y-%m-%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="queues-{stamp}.csv"'
    writer = csv.writer(response)
    for row in export.rows(figures):
        writer.writerow([export.cell(value) for value in row])
    return response
