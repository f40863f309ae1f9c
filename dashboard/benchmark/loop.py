"""The agent's loop, measured: what reading the next ticket ahead costs the sites, and what
opening the next ticket after "Send & close" costs them (the target: nothing).

Runs last, because it writes: it replies to and closes the first ticket of one site's inbox.
Calls are counted in the sites' own request logs around each request, as elsewhere.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from dashboard.benchmark.harness import Harness
from dashboard.benchmark.http import DashboardClient
from dashboard.benchmark.report import Figure

# The thread page reads the next ticket ahead at most once per this many seconds, and only
# while the agent is active on the page (static/js/agentloop.js).
PREFETCH_EVERY_SECONDS = 15
HTMX = {"HX-Request": "true"}


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*?\svalue="([^"]*)"', html)
    return found.group(1) if found else ""


def next_after_send(harness: Harness, client: DashboardClient, site_id: str) -> list[Figure]:
    listing = client.get(f"/?site={site_id}").text
    keys = re.findall(r'data-key-id="(\d+):(\d+)"', listing)
    if len(keys) < 2:
        return []
    current, upcoming = int(keys[0][1]), int(keys[1][1])
    origin = urlencode({"from": f"site={site_id}"})
    base = f"/sites/{site_id}/tickets"
    page = client.get(f"{base}/{current}/?{origin}").text

    positions = harness.log_positions()
    client.get(f"{base}/{current}/prefetch-next/?{origin}")
    prefetch_calls = len(harness.calls_since(positions))

    answer = client.session.post(
        f"{client.base_url}{base}/{current}/reply/",
        data={
            "token": _field(page, "token"),
            "last_seen": _field(page, "last_seen"),
            "from": f"site={site_id}",
            "mode": "reply",
            "action": "reply_close",
            "text": "Sorted, thank you.",
        },
        headers={**HTMX, "X-CSRFToken": _field(page, "csrfmiddlewaretoken")},
        allow_redirects=False,
        timeout=60,
    )
    # The answer sets the session cookie again (Secure): keep sending it over plain HTTP.
    client._plain_http_cookies()
    target = answer.headers.get("HX-Redirect", "")
    positions = harness.log_positions()
    opened = client.get(target) if target else None
    client.get(f"{base}/{upcoming}/nav/?{origin}", headers=HTMX)
    next_calls = len(harness.calls_since(positions)) if opened and opened.status == 200 else None
    return [
        Figure(
            "next_after_send_calls",
            "next ticket after send: upstream calls",
            next_calls,
            "calls",
            "<=",
            0,
            note="the thread page and its previous/next links, after Send & close"
            if next_calls is not None
            else f"the send was answered HTTP {answer.status_code} without a next ticket",
        ),
        Figure(
            "prefetch_calls",
            "next-ticket read-ahead: upstream calls per read",
            prefetch_calls,
            "calls",
        ),
        Figure(
            "prefetch_calls_per_minute",
            "next-ticket read-ahead: extra upstream calls per agent-minute (at most)",
            prefetch_calls * 60 / PREFETCH_EVERY_SECONDS,
            "calls",
            note=f"one read per {PREFETCH_EVERY_SECONDS} s while the agent is active",
        ),
    ]
