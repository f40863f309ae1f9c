"""Every sort and filter the inbox offers, against tickets whose expected order is written here.

Each test closes every ticket of the simulated sites it uses and reopens a few with known
values (titles name them), so the open list holds exactly those. Orders are checked on one site
(the site's own order_by) and merged across sites (the dashboard's merge of each site's order),
with ties and empty values where the plugin's rules for them matter (REAL-API.md, "Sorting":
NULLs first ascending and last descending, ties in ascending id order in both directions).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

INBOX = "/"
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def stage(sim_site: Any, specs: dict[str, dict[str, Any]]) -> dict[int, str]:
    """Close every ticket, then reopen one per spec (in ascending id order) with its values.

    Returns ticket id -> label. Unless a spec says otherwise a ticket is active, unassigned,
    normal priority, in mailbox 1 and product 1, untagged, and answered (not waiting).
    """
    site = sim_site.site
    with site.lock:
        tickets = site.store.tickets
        for ticket in tickets.values():
            ticket["status"] = "closed"
        labels = {}
        for index, (tid, (label, values)) in enumerate(
            zip(sorted(tickets)[: len(specs)], specs.items(), strict=True)
        ):
            tickets[tid].update(
                {
                    "status": "active",
                    "title": label,
                    "agent_id": None,
                    "priority": "normal",
                    "client_priority": "normal",
                    "mailbox_id": 1,
                    "product_id": 1,
                    "tag_ids": [],
                    "created_at": at(-100 + index),
                    "updated_at": at(index),
                    "last_customer_response": at(-50 + index),
                    "last_agent_response": at(-40 + index),
                    **values,
                }
            )
            labels[tid] = label
        site.touch()
    return labels


def listed(client: Any, url: str, labels: dict[int, dict[int, str]]) -> list[str]:
    """The labels of the inbox rows at ``url``, in order (labels: site pk -> id -> label)."""
    html = client.get(url).content.decode()
    keys = re.findall(r'data-key-id="(\d+):(\d+)"', html)
    return [labels[int(site)][int(ticket)] for site, ticket in keys]


# ------------------------------------------------------------------------- one site
SINGLE_SITE = {
    "A": {"updated_at": at(5), "created_at": at(-30), "last_customer_response": at(-3)},
    "B": {"updated_at": at(9), "created_at": at(-10), "last_customer_response": None},
    "C": {"updated_at": at(5), "created_at": at(-20), "last_customer_response": at(-7)},
    "D": {"updated_at": at(1), "created_at": at(-10), "last_customer_response": at(-3)},
}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # updated_at DESC; A and C tie, in ascending id order.
        ("", ["B", "A", "C", "D"]),
        # Waiting tickets first, longest wait first (A and D tie, ascending id), then the
        # ticket no customer message is waiting on.
        ("waiting", ["C", "A", "D", "B"]),
        # created_at DESC; B and D tie.
        ("newest", ["B", "D", "C", "A"]),
        # created_at ASC; B and D tie.
        ("oldest", ["A", "C", "B", "D"]),
    ],
)
def test_one_site_lists_in_the_sort_order(agent_client, acme, sim, sort, expected):
    labels = {acme.pk: stage(sim.acme, SINGLE_SITE)}
    assert listed(agent_client, f"{INBOX}?site={acme.slug}&sort={sort}", labels) == expected


def test_one_site_priority_sort_puts_critical_first_then_ascending_id(agent_client, acme, sim):
    labels = {
        acme.pk: stage(
            sim.acme,
            {
                "n1": {"priority": "normal"},
                "c1": {"priority": "critical"},
                "m1": {"priority": "medium"},
                "c2": {"priority": "critical"},
                "n2": {"priority": "normal"},
            },
        )
    }
    url = f"{INBOX}?site={acme.slug}&sort=priority"
    assert listed(agent_client, url, labels) == ["c1", "c2", "m1", "n1", "n2"]


# ------------------------------------------------------------------------- merged sites
def _three_sites(sim, acme, academy, beta, field: str, values: dict[str, dict[str, Any]]):
    specs: dict[str, dict[str, dict[str, Any]]] = {"acme": {}, "academy": {}, "beta": {}}
    for label, value in values.items():
        site, _, _ = label.partition("-")
        specs[site][label] = {field: value} if not isinstance(value, dict) else value
    return {
        acme.pk: stage(sim.acme, specs["acme"]),
        academy.pk: stage(sim.academy, specs["academy"]),
        beta.pk: stage(sim.beta, specs["beta"]),
    }


@pytest.mark.parametrize(
    ("sort", "field", "values", "expected"),
    [
        (
            "",
            "updated_at",
            {"acme-1": at(9), "acme-2": at(3), "academy-1": at(7), "beta-1": at(8)},
            ["acme-1", "beta-1", "academy-1", "acme-2"],
        ),
        (
            "waiting",
            "last_customer_response",
            {"acme-1": at(-2), "acme-2": at(-9), "academy-1": None, "beta-1": at(-5)},
            ["acme-2", "beta-1", "acme-1", "academy-1"],
        ),
        (
            "newest",
            "created_at",
            {"acme-1": at(-1), "acme-2": at(-60), "academy-1": at(-30), "beta-1": at(-10)},
            ["acme-1", "beta-1", "academy-1", "acme-2"],
        ),
        (
            "oldest",
            "created_at",
            {"acme-1": at(-1), "acme-2": at(-60), "academy-1": at(-30), "beta-1": at(-10)},
            ["acme-2", "academy-1", "beta-1", "acme-1"],
        ),
    ],
)
def test_all_sites_merge_in_the_sort_order(
    agent_client, acme, academy, beta, sim, sort, field, values, expected
):
    labels = _three_sites(sim, acme, academy, beta, field, values)
    assert listed(agent_client, f"{INBOX}?sort={sort}", labels) == expected


def test_all_sites_priority_merge_puts_critical_first(agent_client, acme, academy, beta, sim):
    labels = _three_sites(
        sim,
        acme,
        academy,
        beta,
        "priority",
        {
            "acme-c": "critical",
            "acme-n": "normal",
            "academy-m": "medium",
            "academy-n": "normal",
            "beta-c": "critical",
            "beta-m": "medium",
        },
    )
    # Equal priorities of different sites keep the sites' order (the merge is stable).
    assert listed(agent_client, f"{INBOX}?sort=priority", labels) == [
        "acme-c",
        "beta-c",
        "academy-m",
        "beta-m",
        "acme-n",
        "academy-n",
    ]


def test_all_sites_merge_continues_in_order_on_load_more(agent_client, acme, academy, sim):
    # 20 tickets on each site, interleaved by last activity: page one and "Load more" (twice)
    # list all 40 newest first, each exactly once.
    acme_specs = {f"acme-{i:02}": {"updated_at": at(2 * i)} for i in range(20)}
    academy_specs = {f"academy-{i:02}": {"updated_at": at(2 * i + 1)} for i in range(20)}
    labels = {acme.pk: stage(sim.acme, acme_specs), academy.pk: stage(sim.academy, academy_specs)}
    keys: list[tuple[str, str]] = []
    url = INBOX
    for _ in range(5):
        html = agent_client.get(url, HTTP_HX_REQUEST="true").content.decode()
        keys += re.findall(r'data-key-id="(\d+):(\d+)"', html)
        more = re.search(r'hx-get="([^"]*cursor=[^"]+)"', html)
        if not more:
            break
        url = more.group(1).replace("&amp;", "&")
    shown = [labels[int(site)][int(ticket)] for site, ticket in keys]
    everyone = {**acme_specs, **academy_specs}
    assert shown == sorted(everyone, key=lambda label: everyone[label]["updated_at"], reverse=True)


# ------------------------------------------------------------------------- filters
FILTERED = {
    "mine": {"agent_id": 1, "priority": "critical", "mailbox_id": 2, "tag_ids": [3]},
    "maria": {"agent_id": 2, "priority": "medium", "product_id": 4},
    "nobody": {"agent_id": None, "last_agent_response": None, "tag_ids": [3, 5]},
    "waits": {
        "agent_id": 2,
        "last_customer_response": at(10),
        "last_agent_response": at(2),
        "mailbox_id": 2,
    },
    "closed": {"status": "closed", "agent_id": 1, "priority": "critical", "tag_ids": [3]},
}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("agent=1", {"mine"}),
        ("agent=me", {"mine"}),
        ("agent=2", {"maria", "waits"}),
        ("agent=unassigned", {"nobody"}),
        ("priority=critical", {"mine"}),
        ("priority=medium", {"maria"}),
        ("mailbox=2", {"mine", "waits"}),
        ("product=4", {"maria"}),
        ("tag=3", {"mine", "nobody"}),
        ("waiting=1", {"nobody", "waits"}),
        ("agent=2&waiting=1", {"waits"}),
    ],
)
def test_each_filter_selects_exactly_its_tickets(agent_client, acme, sim, params, expected):
    labels = {acme.pk: stage(sim.acme, FILTERED)}
    assert acme.agent_person_id == 1
    shown = listed(agent_client, f"{INBOX}?site={acme.slug}&{params}", labels)
    assert sorted(shown) == sorted(expected)
