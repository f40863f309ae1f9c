"""Sorts order the tickets of the chosen tab; they never change which tickets those are."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

INBOX = "/"


def row_keys(html: str) -> list[str]:
    return re.findall(r'data-key-id="(\d+:\d+)"', html)


def walk(client, url: str) -> list[str]:
    """Every row of a list, following "Load more" to the end."""
    seen: list[str] = []
    for _ in range(50):
        html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        seen += row_keys(html)
        more = re.search(r'hx-get="([^"]*cursor=[^"]+)"', html)
        if not more:
            return seen
        url = more.group(1).replace("&amp;", "&")
    raise AssertionError("the list did not end")


def is_waiting(ticket: dict) -> bool:
    """The plugin's rule: open, and no agent answer since the customer last wrote."""
    if ticket["status"] == "closed":
        return False
    agent_at, customer_at = ticket["last_agent_response"], ticket["last_customer_response"]
    return agent_at is None or (customer_at is not None and customer_at > agent_at)


def waiting_since(ticket: dict) -> datetime:
    return ticket["last_customer_response"] or ticket["created_at"]


def count(html: str, status: str) -> int:
    return int(re.search(rf'id="count-status-{status}" class="count"[^>]*>(\d+)<', html).group(1))


def test_oldest_waiting_lists_waiting_tickets_first_longest_wait_first(agent_client, acme, sim):
    tickets = sim.acme.site.tickets
    keys = walk(agent_client, f"{INBOX}?site={acme.slug}&sort=waiting")
    ordered = [tickets[int(key.split(":")[1])] for key in keys]
    flags = [is_waiting(t) for t in ordered]
    assert any(flags) and not all(flags)
    # Every waiting ticket comes before every ticket that is not waiting...
    assert flags == sorted(flags, reverse=True)
    # ...and the customer who has waited longest comes first.
    waits = [waiting_since(t) for t in ordered if is_waiting(t)]
    assert waits == sorted(waits)
    assert {t["id"] for t in ordered} == {
        t["id"] for t in tickets.values() if t["status"] != "closed"
    }


def test_a_wait_of_seventy_hours_reads_two_days_twenty_two_hours(agent_client, acme, sim):
    ticket = next(t for t in sim.acme.site.tickets.values() if is_waiting(t))
    ticket["last_agent_response"] = None
    ticket["last_customer_response"] = datetime.now(UTC) - timedelta(hours=70, minutes=10)
    # Touched last, so the ticket heads the default list.
    ticket["updated_at"] = datetime.now(UTC)
    sim.acme.site.touch()
    html = agent_client.get(INBOX, {"site": acme.pk}).content.decode()
    row = re.search(rf'data-key-id="{acme.pk}:{ticket["id"]}".*?</li>', html, re.S).group(0)
    assert re.search(r'class="waiting[^"]*"[^>]*>2 d 22 h</time>', row), row


@pytest.mark.parametrize("sort", ["overdue", "waiting", "newest"])
def test_tab_counts_are_the_same_under_every_sort(agent_client, acme, sim, sort):
    tickets = sim.acme.site.tickets.values()
    html = agent_client.get(reverse("tickets:counts"), {"site": acme.pk, "sort": sort})
    html = html.content.decode()
    by_status = {s: sum(1 for t in tickets if t["status"] == s) for s in ("new", "active")}
    by_status["closed"] = sum(1 for t in tickets if t["status"] == "closed")
    assert count(html, "new") == by_status["new"]
    assert count(html, "active") == by_status["active"]
    assert count(html, "closed") == by_status["closed"]
    assert count(html, "open") == by_status["new"] + by_status["active"]
    assert count(html, "all") == len(tickets)


@pytest.mark.parametrize("status", ["closed", "new", "all"])
def test_overdue_first_lists_the_tickets_of_the_chosen_tab(agent_client, acme, sim, status):
    tickets = sim.acme.site.tickets
    keys = walk(agent_client, f"{INBOX}?site={acme.slug}&sort=overdue&status={status}")
    listed = {int(key.split(":")[1]) for key in keys}
    wanted = {t["id"] for t in tickets.values() if status == "all" or t["status"] == status}
    assert listed == wanted
