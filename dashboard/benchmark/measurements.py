"""What is measured, and how: cold and warm page reads, the merged inbox's scaling, fragment
size, warm throughput and worker memory.

Cold and warm. A *cold* read is one whose upstream answers are all cache misses: before each cold
sample every site's cache generation is bumped (see ``Harness.invalidate_upstream_cache``), so
the page goes to the sites for everything it needs, as after expiry or a colleague's write. A
*warm* read is the same request again right after, well within every TTL. Each figure is the
median of several samples taken side by side in one run, interleaved page by page, so drift on a
busy machine affects every page alike.

A page is read as a browser reads it: the page, then each fragment it asks htmx to load as soon
as it shows (and theirs), with htmx's headers. Requests go one after the other so that every
upstream call can be attributed to the request that made it: the calls come from the simulated
sites' own request logs, diffed around each request, cross-checked against the
``upstream-calls`` the dashboard reports in ``Server-Timing``.
"""

from __future__ import annotations

import os
import re
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from dashboard.benchmark.harness import Harness
from dashboard.benchmark.http import DashboardClient, Sample, lazy_fragments
from dashboard.benchmark.load import LoadGroup, LoadResult, run_load
from dashboard.benchmark.report import Figure


@dataclass(frozen=True)
class Shape:
    """What the connected sites hold, which sets how many calls a page needs."""

    sites: int
    agents: int  # summed over sites
    mailboxes: int
    products: int


@dataclass(frozen=True)
class Budget:
    """The upstream calls a page kind needs, cold and warm, and why."""

    label: str
    cold: Callable[[Shape], int]
    justification: str
    warm: int = 0


BUDGETS: dict[str, Budget] = {
    "inbox_one": Budget(
        "inbox, one site",
        lambda s: 2,
        "one page of the site's tickets (GET /tickets) + the filter dropdowns' agents, "
        "mailboxes, products and tags (GET /tickets/ticket-essentials), in parallel",
    ),
    "counts_one": Budget(
        "  ↳ its counts (lazy)",
        lambda s: 3 + 4 * s.sites,
        "tab counts new/active/closed of this site (3) + sidebar open/mine/unassigned/waiting "
        "of every site (4 per site): the plugin has no count route, each is a one-row GET "
        "/tickets read for its total",
    ),
    "inbox_filter": Budget(
        "inbox filter change (htmx)",
        lambda s: 2,
        "the filtered page (GET /tickets with filters[priority]) + the reference data the "
        "filter bar renders its selection from (cached for minutes; cold here by design)",
    ),
    "inbox_all": Budget(
        "inbox, all sites",
        lambda s: s.sites,
        "one page of tickets per site (GET /tickets) merged by the sort key; no reference "
        "data, since site-specific filters are hidden across sites",
    ),
    "counts_all": Budget(
        "  ↳ its counts (lazy)",
        lambda s: 7 * s.sites,
        "per site: new/active/closed (3) + open/mine/unassigned/waiting (4), one-row reads",
    ),
    "inbox_all_one": Budget(
        "inbox, all sites, 1-site user",
        lambda s: 1,
        "the merged inbox of a user with one site: one GET /tickets (the ratio's baseline)",
    ),
    "thread": Budget(
        "thread page",
        lambda s: 2,
        "the ticket with its conversation (GET /tickets/<id>) + reference data for the "
        "assign/tag/priority controls (ticket-essentials); the customer comes in the panel",
    ),
    "thread_nav": Budget(
        "  ↳ previous/next (lazy)",
        lambda s: s.sites,
        "the list the agent came from, one page per site in it (GET /tickets), normally "
        "still cached from the inbox; cold here because everything is",
    ),
    "thread_presence": Budget(
        "  ↳ who else is viewing (lazy)",
        lambda s: 2,
        "GET /tickets/<id>/live_activity, which also registers the agent as viewing: live, so "
        "never cached, warm included (the fragment polls it every 20 s); GET /me (cached for "
        "minutes) to leave the agent out",
        warm=1,
    ),
    "panel": Budget(
        "  ↳ customer panel (lazy)",
        lambda s: 1,
        "the customer with their tickets (GET /customers/<id>); the ticket it falls back on is "
        "a cache hit right after the thread page",
    ),
    "contact": Budget(
        "    ↳ CRM contact (lazy)",
        lambda s: s.sites,
        "GET /subscribers/0?get_by_email= on each site with FluentCRM (the email comes from "
        "the cached ticket)",
    ),
    "crm_notes": Budget(
        "      ↳ CRM notes (lazy)",
        lambda s: 1,
        "one page of the contact's notes (GET /subscribers/<id>/notes), cached with the contact",
    ),
    "crm_activity": Budget(
        "      ↳ CRM emails and activity (lazy, when scrolled to)",
        lambda s: 4,
        "the first page of emails, info widgets, purchase history and form submissions, each "
        "cached with the contact",
    ),
    "queues": Budget(
        "queues page (frame)",
        lambda s: 0,
        "none: the frame shows at once, the figures load in a fragment",
    ),
    "queues_stats": Budget(
        "  ↳ queue figures (lazy)",
        lambda s: s.sites * (4 + 3 + 1) + 2 * s.agents + s.mailboxes + s.products,
        "per site: open/new/unassigned counts + the waiting list (4), per agent an open count "
        "and a waiting page (2 each), per mailbox and product an open count, 3 report "
        "summaries for closed today, reference data (1): the plugin has no group-by",
    ),
}

# Lazily loaded fragments, recognised by their URL.
FRAGMENT_KINDS = [
    (re.compile(r"^/tickets/counts/\?(.*&)?site="), "counts_one"),
    (re.compile(r"^/tickets/counts/"), "counts_all"),
    (re.compile(r"^/sites/\d+/tickets/\d+/nav/"), "thread_nav"),
    (re.compile(r"^/sites/\d+/tickets/\d+/presence/"), "thread_presence"),
    (re.compile(r"^/customers/panel/"), "panel"),
    (re.compile(r"^/customers/contact/"), "contact"),
    (re.compile(r"^/customers/crm/\d+/\d+/notes/"), "crm_notes"),
    (re.compile(r"^/customers/crm/\d+/\d+/activity/"), "crm_activity"),
    (re.compile(r"^/queues/"), "queues_stats"),
]


def fragment_kind(url: str) -> str:
    for pattern, key in FRAGMENT_KINDS:
        if pattern.search(url):
            return key
    return "other:" + url.split("?")[0]


@dataclass
class PageKind:
    key: str
    label: str
    budget: int | None
    warm_budget: int
    justification: str
    cold: list[Sample] = field(default_factory=list)
    warm: list[Sample] = field(default_factory=list)

    @property
    def placeholder(self) -> bool:
        """A page not built yet answers a few bytes of text rather than HTML. (Fragments may
        rightly answer plain text or nothing, so only pages are judged.)"""
        samples = self.cold + self.warm
        is_page = not self.label.startswith(" ")
        return is_page and bool(samples) and all("<" not in s.text for s in samples)

    @property
    def over_budget(self) -> bool:
        if self.budget is None:
            return False
        cold = max((s.site_calls for s in self.cold), default=0)
        warm = max((s.site_calls for s in self.warm), default=0)
        return cold > self.budget or warm > self.warm_budget


@dataclass
class Pages:
    """The URLs measured."""

    inbox_one: str
    inbox_all: str
    inbox_filter: str
    thread: str
    queues: str
    ticket_id: int
    customer_id: int


@dataclass
class Results:
    figures: list[Figure]
    kinds: list[PageKind]
    pages: Pages
    load: LoadResult | None
    details: dict
    profile_requests: list[tuple[str, dict[str, str] | None]] = field(default_factory=list)


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


def summarise_routes(samples: list[Sample]) -> str:
    """The routes of one typical sample, e.g. ``GET /tickets x2, GET /tickets/<id>``."""
    if not samples:
        return ""
    typical = sorted(samples, key=lambda s: s.site_calls)[len(samples) // 2]
    counts = Counter(typical.routes)
    return ", ".join(f"{route} x{n}" if n > 1 else route for route, n in sorted(counts.items()))


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
    site_id = harness.first.site_ids[harness.all_sites.username]
    ticket_id, customer_id = pick_ticket(harness.first.site)
    return Pages(
        inbox_one=f"/?site={site_id}",
        inbox_all="/",
        inbox_filter=f"/?site={site_id}&priority=critical",
        thread=f"/sites/{site_id}/tickets/{ticket_id}/",
        queues="/queues/",
        ticket_id=ticket_id,
        customer_id=customer_id,
    )


FILTER_HEADERS = {"HX-Request": "true", "HX-Target": "results"}


def page_views(harness: Harness, client: DashboardClient, pages: Pages) -> list[Visit]:
    """Every request the measured pages make, fragments included (read once, unmeasured)."""
    visits = [
        item
        for path in (pages.inbox_one, pages.inbox_all, pages.thread, pages.queues)
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


def run(harness: Harness) -> Results:
    options = harness.options
    load_average = os.getloadavg()[0]
    client = harness.client(harness.all_sites)
    one_site_client = harness.client(harness.one_site)
    pages = choose_pages(harness)
    rounds = 1 if options.quick else 3
    harness.say(f"warming up both workers ({rounds} rounds)")
    views = warm_up(harness, client, pages, rounds=rounds)

    recorder = Recorder(harness, site_shape(harness))
    chains: dict[str, list[float]] = {"panel_chain": [], "thread_view": []}

    def cold_and_warm(key: str, browser: DashboardClient, path: str, **kwargs) -> None:
        for phase in ("cold", "warm"):
            if phase == "cold":
                harness.invalidate_upstream_cache()
            samples = recorder.read(browser, key, path, phase, **kwargs)
            if key == "thread" and phase == "cold":
                panel = sum(samples[k].wall_ms for k in ("panel", "contact") if k in samples)
                chains["panel_chain"].append(panel)
                chains["thread_view"].append(samples["thread"].wall_ms + panel)

    harness.say(f"sampling cold and warm reads ({options.samples} of each)")
    for _ in range(options.samples):
        cold_and_warm("inbox_one", client, pages.inbox_one)
        cold_and_warm("inbox_filter", client, pages.inbox_filter, headers=FILTER_HEADERS)
        cold_and_warm("inbox_all", client, pages.inbox_all)
        cold_and_warm("inbox_all_one", one_site_client, pages.inbox_all, follow=False)
        cold_and_warm("thread", client, pages.thread)
        cold_and_warm("queues", client, pages.queues)

    kinds = recorder.kinds
    # The full page the filter fragment replaces part of: the same inbox, read warm.
    full_page = median([s.size for s in kinds["inbox_one"].warm])
    fragment = median([s.size for s in kinds["inbox_filter"].warm])

    harness.say("all-sites inbox with one site hanging")
    hanging = hanging_site_inbox(harness, client, pages.inbox_all)

    harness.say(
        f"warm inbox throughput: {options.load_clients} clients for {options.load_seconds:g} s"
    )
    rss_before = harness.worker_rss_mb()
    load = warm_load(harness, client, pages.inbox_one)
    rss_after = harness.worker_rss_mb()

    figures = _figures(
        harness, kinds, chains, full_page, fragment, load.result, rss_after, load.worker_share
    )
    figures.append(hanging)
    group = load.result.groups[0]
    details = {
        "pages": pages.__dict__,
        "load_average_at_start": load_average,
        "shape": site_shape(harness).__dict__,
        "rss_before_load_mb": rss_before,
        "rss_after_load_mb": rss_after,
        "load": {
            "requests": load.result.requests,
            "seconds": round(load.result.seconds, 2),
            "latency_ms": {
                "p50": group.percentile(0.50),
                "p95": group.percentile(0.95),
                "p99": group.percentile(0.99),
            },
            "statuses": dict(group.statuses),
            "exceptions": dict(group.exceptions),
            "reconnects": group.reconnects,
            "worker_cpu_share": load.worker_share,
            "client_cpu_share_of_machine": load.client_share,
            "machine_busy_share": load.machine_busy,
            "other_processes_share_of_machine": load.others_share,
            "upstream_calls_site_logs": load.site_calls,
            "upstream_calls_server_timing": group.upstream_calls,
        },
        "fragment_bytes": fragment,
        "full_page_bytes": full_page,
        "simulator_ms_per_call_beyond_latency": simulator_overhead_ms(harness, options.latency_ms),
    }
    return Results(
        figures=figures,
        kinds=[kind for key, kind in kinds.items() if kind.cold or kind.warm],
        pages=pages,
        load=load.result,
        details=details,
        profile_requests=[
            (pages.inbox_one, None),
            (pages.thread, None),
            *[(item.url, item.headers) for item in views if item.kind == "panel"][:1],
        ],
    )


def hanging_site_inbox(harness: Harness, client: DashboardClient, path: str) -> Figure:
    """The all-sites inbox, read cold, while the last site accepts connections and never
    answers: the page must come within its deadline, showing that site's last good copy."""
    from django.conf import settings

    deadline = float(settings.UPSTREAM_PAGE_DEADLINE)
    hanging = harness.sites[-1].site
    client.get(path)
    harness.invalidate_upstream_cache()
    hanging.add_fault("timeout")
    try:
        sample = client.get(path)
    finally:
        hanging.clear_faults()
    return Figure(
        "hanging_site_inbox_s",
        f"inbox of {len(harness.sites)} sites with one hanging: answered in",
        sample.wall_ms / 1000.0,
        "s",
        "<=",
        deadline + 0.5,
        f"page deadline {deadline:g} s + 0.5 s; HTTP {sample.status}",
    )


@dataclass
class WarmLoad:
    result: LoadResult
    worker_share: dict[str, float]  # CPU seconds per second, per worker (1.0 = a whole core)
    client_share: float  # this process, share of the whole machine
    machine_busy: float | None  # every process, share of the whole machine
    others_share: float | None  # processes other than the workers and this one
    site_calls: int


def warm_load(harness: Harness, client: DashboardClient, path: str) -> WarmLoad:
    """Warm ``path`` (a fresh cache entry, so nothing expires during the load), then load it."""
    options = harness.options
    harness.invalidate_upstream_cache()
    client.get(path)
    client.get(path)
    positions = harness.log_positions()
    cpu_before = harness.worker_cpu_seconds()
    machine_before = machine_cpu()
    result = run_load(
        "127.0.0.1",
        harness.port,
        client.cookie_header,
        [LoadGroup("warm inbox", options.load_clients, [(path, None)])],
        options.load_seconds,
    )
    machine_after = machine_cpu()
    cpu_after = harness.worker_cpu_seconds()
    worker_seconds = {pid: cpu_after[pid] - cpu_before.get(pid, 0.0) for pid in cpu_after}
    cpus = os.cpu_count() or 1
    client_share = result.client_cpu_seconds / result.seconds / cpus
    machine_busy = others = None
    if machine_before and machine_after:
        busy = machine_after[0] - machine_before[0]
        total = machine_after[1] - machine_before[1]
        if total > 0:
            machine_busy = busy / total
            ours = (sum(worker_seconds.values()) + result.client_cpu_seconds) / result.seconds
            others = max(0.0, machine_busy - ours / cpus)
    return WarmLoad(
        result=result,
        worker_share={
            f"worker {pid}": round(seconds / result.seconds, 3)
            for pid, seconds in worker_seconds.items()
        },
        client_share=round(client_share, 3),
        machine_busy=None if machine_busy is None else round(machine_busy, 3),
        others_share=None if others is None else round(others, 3),
        site_calls=len(harness.calls_since(positions)),
    )


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat (in ticks)."""
    try:
        with open("/proc/stat") as stat:
            values = [float(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0.0)
    # guest time is already part of user time.
    total = sum(values[:8])
    return total - idle, total


def _figures(
    harness: Harness,
    kinds: dict[str, PageKind],
    chains: dict[str, list[float]],
    full_page: float | None,
    fragment: float | None,
    load: LoadResult,
    rss_after: dict[int, float],
    worker_share: dict[str, float],
) -> list[Figure]:
    latency_ms = harness.options.latency_ms
    n_sites = len(harness.sites)

    def wall(key: str) -> float | None:
        return median([s.wall_ms for s in kinds[key].cold])

    def ratio(value: float | None, base: float | None) -> float | None:
        return value / base if value is not None and base else None

    def site_ms(key: str) -> str:
        """The cold samples' slowest site answer: wall minus this is the dashboard's part."""
        slowest = median([s.slowest_call_ms for s in kinds[key].cold])
        return "n/a" if slowest is None else f"{slowest:.0f} ms"

    def server(key: str) -> float | None:
        return median([s.timing.app_ms for s in kinds[key].warm])

    def warm_calls(key: str) -> float | None:
        # The worst warm sample, not the median: "no upstream call" must hold for every read.
        return max((s.site_calls for s in kinds[key].warm), default=None)

    over_budget = [kind for kind in kinds.values() if kind.over_budget]
    thread_note = f"{wall('thread') or 0:.0f} ms, slowest site answer {site_ms('thread')}"
    if kinds["thread"].placeholder:
        thread_note = "the thread page is a placeholder: re-run when it is built"
    group = load.groups[0]
    return [
        Figure(
            "cold_thread_over_l",
            "cold thread page, wall / L",
            ratio(wall("thread"), latency_ms),
            "xL",
            "<=",
            1.3,
            thread_note,
        ),
        Figure(
            "cold_panel_over_l",
            "  cold customer panel → CRM contact, wall / L",
            ratio(median(chains["panel_chain"]), latency_ms),
            "xL",
            note="loaded after the thread page shows, the contact after the panel",
        ),
        Figure(
            "cold_thread_and_panel_over_l",
            "  cold thread + panel chain, wall / L",
            ratio(median(chains["thread_view"]), latency_ms),
            "xL",
            note="until the customer column is complete",
        ),
        Figure(
            "cold_inbox_one_over_l",
            "cold single-site inbox page, wall / L",
            ratio(wall("inbox_one"), latency_ms),
            "xL",
            "<=",
            1.3,
            f"{wall('inbox_one') or 0:.0f} ms, slowest site answer {site_ms('inbox_one')}",
        ),
        Figure(
            "warm_inbox_upstream_calls",
            "warm inbox: upstream calls",
            warm_calls("inbox_one"),
            "calls",
            "<=",
            0,
        ),
        Figure(
            "warm_thread_upstream_calls",
            "warm thread: upstream calls",
            warm_calls("thread"),
            "calls",
            "<=",
            0,
        ),
        Figure(
            "warm_panel_upstream_calls",
            "  warm customer panel: upstream calls",
            warm_calls("panel"),
            "calls",
        ),
        Figure(
            "warm_inbox_server_over_l",
            "warm inbox: server time / L",
            ratio(server("inbox_one"), latency_ms),
            "xL",
            "<=",
            0.05,
            f"{server('inbox_one') or 0:.1f} ms",
        ),
        Figure(
            "warm_thread_server_over_l",
            "warm thread: server time / L",
            ratio(server("thread"), latency_ms),
            "xL",
            "<=",
            0.05,
            f"{server('thread') or 0:.1f} ms",
        ),
        Figure(
            "warm_panel_server_over_l",
            "  warm customer panel: server time / L",
            ratio(server("panel"), latency_ms),
            "xL",
            note=f"{server('panel') or 0:.1f} ms",
        ),
        Figure(
            "all_sites_scaling",
            f"all-sites inbox, {n_sites} sites / 1 site, cold",
            ratio(wall("inbox_all"), wall("inbox_all_one")),
            "ratio",
            "<=",
            1.5,
            f"{wall('inbox_all') or 0:.0f} ms / {wall('inbox_all_one') or 0:.0f} ms; slowest "
            f"site answer {site_ms('inbox_all')} / {site_ms('inbox_all_one')}",
        ),
        Figure(
            "fragment_over_page_bytes",
            "htmx fragment / full page bytes (filter)",
            ratio(fragment, full_page),
            "ratio",
            "<=",
            0.25,
            f"{fragment or 0:.0f} B / {full_page or 0:.0f} B",
        ),
        Figure(
            "calls_over_budget",
            "page kinds over their justified call budget",
            float(len(over_budget)),
            "kinds",
            "<=",
            0,
            ", ".join(kind.key for kind in over_budget),
        ),
        Figure(
            "warm_inbox_throughput",
            f"warm inbox throughput, {group.clients} clients",
            load.rate,
            "req/s",
            ">=",
            300,
            _load_note(load, worker_share),
        ),
        Figure(
            "warm_inbox_errors",
            "  errors during the load",
            float(group.errors),
            "errors",
            "<=",
            0,
        ),
        Figure(
            "worker_rss_mb",
            "worker memory (RSS) after the load, max",
            max(rss_after.values()) if rss_after else None,
            "MB",
            "<=",
            150,
            ", ".join(f"{mb:.0f}" for mb in rss_after.values()) + " MB",
        ),
    ]


def _load_note(load: LoadResult, worker_share: dict[str, float]) -> str:
    note = f"{load.requests} requests in {load.seconds:.1f} s"
    shares = sorted(worker_share.values())
    if len(shares) > 1 and shares[-1] > 0 and shares[0] < 0.1 * shares[-1]:
        # gthread workers accept keep-alive connections greedily: one may hold them all.
        note += "; one worker served (nearly) every connection"
    return note


def simulator_overhead_ms(harness: Harness, latency_ms: float) -> float | None:
    """Median time a simulated site spent per call beyond the injected latency: its own work,
    which shares this process with the client; part of every cold figure, not the dashboard's."""
    durations = [
        entry.duration_ms - latency_ms
        for running in harness.sites
        for entry in list(running.site.request_log)
        if entry.duration_ms >= latency_ms
    ]
    return round(statistics.median(durations), 2) if durations else None


def profile_warm(
    harness: Harness, requests: list[tuple[str, dict[str, str] | None]], repeat: int = 20
) -> str:
    """cProfile of warm requests served in this process through the whole middleware stack."""
    import cProfile
    import io
    import pstats

    from django.contrib.auth import get_user_model
    from django.test import Client

    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(get_user_model().objects.get(username=harness.all_sites.username))
    out = io.StringIO()
    for path, headers in requests:
        # The test client takes headers as keyword arguments.
        extra = {"headers": headers} if headers else {}
        for _ in range(3):
            browser.get(path, **extra)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(repeat):
            browser.get(path, **extra)
        profiler.disable()
        per_request = (time.perf_counter() - started) * 1000.0 / repeat
        out.write(f"\n--- profile of {repeat} warm GET {path}: {per_request:.1f} ms each ---\n")
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()
