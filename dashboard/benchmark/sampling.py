"""Reading pages as a browser does (the page, then the fragments it loads), with the upstream
calls the sites logged meanwhile filed under each page kind; the pages measured and warm-up."""

from __future__ import annotations

import statistics
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from dashboard.benchmark.budgets import BUDGETS, PageKind, Shape, fragment_kind
from dashboard.benchmark.harness import Harness
from dashboard.benchmark.http import DashboardClient, Sample, lazy_fragments


@dataclass
class Pages:
    """The URLs measured."""

    inbox_one: str
    inbox_all: str
    inbox_filter: str
    thread: str
    queues: str
    reports: str
    ticket_id: int
    customer_id: int


@dataclass
class Visit:
    """One request of a page view: its kind, URL and htmx headers, and what came back."""

    kind: str
    url: str
    headers: dict[str, str] | None
    sample: Sample


def visit(
    fetch: Callable[[str, dict[str, str] | None], Sample],
    key: str,
    path: str,
    *,
    base_url: str,
    headers: dict[str, str] | None = None,
    follow: bool = True,
) -> list[Visit]:
    """Read a page and (if ``follow``) the fragments it loads by itself, depth first and one at
    a time, as the browser does (a fragment's own fragments load once it has been swapped in)."""
    visits: list[Visit] = []
    pending: list[tuple[str, str, dict[str, str] | None, int]] = [(key, path, headers, 0)]
    seen: set[str] = set()
    while pending:
        kind, url, request_headers, depth = pending.pop(0)
        seen.add(url)
        sample = fetch(url, request_headers)
        visits.append(Visit(kind, url, request_headers, sample))
        if not follow or depth >= 3 or sample.status != 200:
            continue
        children = [
            (fragment_kind(f.url), f.url, dict(f.headers), depth + 1)
            for f in lazy_fragments(sample.text, current_url=base_url + url)
            if f.url not in seen
        ]
        pending[:0] = children
    return visits


class Recorder:
    """Files every request of the page views it reads under its page kind."""

    def __init__(self, harness: Harness, shape: Shape) -> None:
        self.harness = harness
        self.shape = shape
        self.kinds: dict[str, PageKind] = {}
        for key in BUDGETS:
            self.kind(key)

    def kind(self, key: str) -> PageKind:
        if key not in self.kinds:
            budget = BUDGETS.get(key)
            if budget is None:
                self.kinds[key] = PageKind(
                    key, f"  ↳ {key}", None, 0, "not a fragment this benchmark knows: no budget"
                )
            else:
                self.kinds[key] = PageKind(
                    key, budget.label, budget.cold(self.shape), budget.warm, budget.justification
                )
        return self.kinds[key]

    def read(
        self,
        browser: DashboardClient,
        key: str,
        path: str,
        phase: str,
        *,
        headers: dict[str, str] | None = None,
        follow: bool = True,
    ) -> dict[str, Sample]:
        def fetch(url: str, request_headers: dict[str, str] | None) -> Sample:
            return measured(self.harness, browser, url, headers=request_headers)

        visits = visit(
            fetch, key, path, base_url=self.harness.base_url, headers=headers, follow=follow
        )
        for item in visits:
            getattr(self.kind(item.kind), phase).append(item.sample)
        return {item.kind: item.sample for item in visits}


def measured(
    harness: Harness, client: DashboardClient, path: str, headers: dict[str, str] | None = None
) -> Sample:
    """GET ``path`` and attach the upstream calls the sites logged meanwhile."""
    positions = harness.log_positions()
    sample = client.get(path, headers=headers)
    calls = harness.calls_since(positions)
    sample.site_calls = len(calls)
    sample.routes = [f"{entry.method} {route_name(entry.path)}" for entry in calls]
    sample.slowest_call_ms = max((entry.duration_ms for entry in calls), default=None)
    return sample


def route_name(path: str) -> str:
    """``/wp-json/fluent-support/v2/tickets/12`` -> ``/tickets/<id>``; CRM routes say ``crm``."""
    prefix = ""
    for root, label in (("/wp-json/fluent-support/v2", ""), ("/wp-json/fluent-crm/v2", "crm ")):
        if path.startswith(root):
            path, prefix = path[len(root) :], label
    parts = ["<id>" if part.isdigit() and part != "0" else part for part in path.split("/")]
    return prefix + "/".join(parts)


def pick_ticket(site) -> tuple[int, int]:
    """An open ticket whose customer has a FluentCRM contact, with a typical conversation."""
    emails = {contact["email"].lower() for contact in site.contacts.values()}
    candidates = [
        ticket
        for ticket in sorted(site.tickets.values(), key=lambda t: t["id"])
        if ticket["status"] in ("new", "active")
        and site.customers.get(ticket["customer_id"], {}).get("email", "").lower() in emails
    ]
    if not candidates:
        raise RuntimeError("the first simulated site has no open ticket with a CRM contact")
    typical = [t for t in candidates if 3 <= int(t.get("response_count") or 0) <= 8]
    ticket = (typical or candidates)[0]
    return int(ticket["id"]), int(ticket["customer_id"])


def site_shape(harness: Harness) -> Shape:
    stores = [running.site.store for running in harness.sites]
    return Shape(
        sites=len(stores),
        agents=sum(len(running.site.agents) for running in harness.sites),
        mailboxes=sum(len(store.mailboxes) for store in stores),
        products=sum(len(store.products) for store in stores),
    )


def choose_pages(harness: Harness) -> Pages:
    site_id = harness.first.slug
    ticket_id, customer_id = pick_ticket(harness.first.site)
    return Pages(
        inbox_one=f"/?site={site_id}",
        inbox_all="/",
        inbox_filter=f"/?site={site_id}&priority=critical",
        thread=f"/sites/{site_id}/tickets/{ticket_id}/",
        queues="/queues/",
        reports="/reports/?period=30",
        ticket_id=ticket_id,
        customer_id=customer_id,
    )


FILTER_HEADERS = {"HX-Request": "true", "HX-Target": "results"}


def page_views(harness: Harness, client: DashboardClient, pages: Pages) -> list[Visit]:
    """Every request the measured pages make, fragments included (read once, unmeasured)."""
    visits = [
        item
        for path in (pages.inbox_one, pages.inbox_all, pages.thread, pages.queues, pages.reports)
        for item in visit(
            lambda url, headers: client.get(url, headers=headers),
            "page",
            path,
            base_url=harness.base_url,
        )
    ]
    filter_page = client.get(pages.inbox_filter, headers=FILTER_HEADERS)
    visits.append(Visit("inbox_filter", pages.inbox_filter, FILTER_HEADERS, filter_page))
    return visits


def warm_up(harness: Harness, client: DashboardClient, pages: Pages, rounds: int) -> list[Visit]:
    """Serve every page and fragment a few times from several connections, so that both
    workers have imported, compiled templates and opened their upstream sessions before
    anything counts. Returns the requests of the page views, for loads that replay them."""
    views = page_views(harness, client, pages)
    browsers = [client.clone() for _ in range(8)]
    # Set when the run is interrupted, so the browsers stop at their next request.
    stop = threading.Event()

    def browse(browser: DashboardClient) -> None:
        for item in views:
            if stop.is_set():
                return
            browser.get(item.url, headers=item.headers)

    with ThreadPoolExecutor(max_workers=len(browsers)) as pool:
        try:
            for _ in range(rounds):
                harness.invalidate_upstream_cache()
                list(pool.map(browse, browsers))
                list(pool.map(browse, browsers))
        finally:
            stop.set()
    return views


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None
