"""Over many sites the all-sites inbox counts only what its list has read, says so, and counts
the rest when asked: its counts cost no call on a visit, whatever the number of sites."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dashboard.tickets import counts as inbox_counts

COUNTS = reverse("tickets:counts")


@pytest.fixture(autouse=True)
def few_eager_sites(monkeypatch):
    # Two sites stand for an agency's thirty.
    monkeypatch.setattr(inbox_counts, "EAGER_SITES", 1)


def number(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}" class="count" hx-swap-oob="true">(.*?)</span>', html)
    assert match, element_id
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def open_count(sim_site) -> int:
    return sum(1 for t in sim_site.site.tickets.values() if t["status"] in ("new", "active"))


def test_counts_over_many_sites_read_nothing_the_list_has_not_read(
    agent_client, acme, academy, sim
):
    agent_client.get("/")
    for entry in (sim.acme, sim.academy):
        entry.site.clear_log()

    html = agent_client.get(COUNTS).content.decode()

    assert sim.acme.site.count() == 0 and sim.academy.site.count() == 0
    assert number(html, f"count-site-{acme.pk}") == str(open_count(sim.acme))
    assert number(html, f"count-site-{academy.pk}") == str(open_count(sim.academy))
    both = open_count(sim.acme) + open_count(sim.academy)
    assert number(html, "count-status-open") == str(both)
    assert number(html, "count-view-open") == str(both)
    # What was not read says so, and offers to count it.
    assert number(html, "count-status-new") == "·"
    assert number(html, "count-view-mine") == "·"
    assert "Not counted on every visit" in html
    assert "only the counts this list has already read" in html
    assert f'hx-get="{COUNTS}?all=1"' in html


def test_count_all_reads_every_count_of_every_site(agent_client, acme, academy, sim):
    html = agent_client.get(COUNTS, {"all": "1"}).content.decode()

    new = sum(
        1
        for entry in (sim.acme, sim.academy)
        for t in entry.site.tickets.values()
        if t["status"] == "new"
    )
    assert number(html, "count-status-new") == str(new)
    assert number(html, "count-view-unassigned").isdigit()
    assert "Count all" not in html


def test_a_filtered_list_over_many_sites_leaves_the_site_counts_to_count_all(
    agent_client, acme, academy, sim
):
    html = agent_client.get(COUNTS, {"priority": "critical"}).content.decode()

    assert number(html, f"count-site-{acme.pk}") == "·"
    assert number(html, "count-status-open") == "·"
    assert "priority=critical&amp;all=1" in html


def test_one_sites_list_is_counted_in_full_whatever_the_number_of_sites(
    agent_client, acme, academy, sim
):
    html = agent_client.get(COUNTS, {"site": acme.pk}).content.decode()

    new = sum(1 for t in sim.acme.site.tickets.values() if t["status"] == "new")
    assert number(html, "count-status-new") == str(new)
    assert "Count all" not in html
