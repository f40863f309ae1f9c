"""The audit page: filters in the URL, 50 rows a page newest first, the htmx fragment, and the
filtered rows as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboard.audit.models import AuditEntry, Outcome
from tests.conftest import connect
from tests.tickets.test_thread import HTMX

PAGE = reverse("audit:entries")


@pytest.fixture
def lead_site(lead, sim):
    return connect(lead, sim.acme)


def entry(site_url: str, **fields) -> AuditEntry:
    values = {
        "username": "agent",
        "action": "close",
        "action_label": "Ticket closed",
        "site_url": site_url,
        "site_label": "Acme Store",
        "object_kind": "ticket",
        "object_id": "7",
        "ticket_id": 7,
        "outcome": Outcome.OK,
        "status": 200,
    } | fields
    return AuditEntry.objects.create(**values)


def entry_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-entry="(\d+)"', html)]


def test_rows_come_newest_first_fifty_a_page(lead_client, lead_site):
    now = timezone.now()
    made = [entry(lead_site.base_url, at=now - timedelta(minutes=i)) for i in range(60)]
    first = lead_client.get(PAGE).content.decode()
    assert entry_ids(first) == [e.pk for e in made[:50]]
    assert "Page 1 of 2" in first and ">60</span> entries" in first
    second = lead_client.get(PAGE, {"page": 2}, **HTMX).content.decode()
    assert entry_ids(second) == [e.pk for e in made[50:]]
    assert second.lstrip().startswith('<section id="audit-results"')  # only the results
    assert f'href="{PAGE}"' in second and "← Newer" in second


def test_each_filter_narrows_the_rows_and_stays_in_the_links(lead_client, lead_site):
    url = lead_site.base_url
    kept = entry(
        url, username="maria", action="reply", action_label="Reply", outcome=Outcome.FAILED
    )
    entry(url, username="maria", action="reply", action_label="Reply")
    entry(url, username="sam", action="reply", action_label="Reply", outcome=Outcome.FAILED)
    entry(url, username="maria", action="close", outcome=Outcome.FAILED)
    entry(
        "",
        username="maria",
        action="reply",
        action_label="Reply",
        outcome=Outcome.FAILED,
        user=None,
    )
    params = {"person": "maria", "action": "reply", "outcome": "failed", "site": url}
    html = lead_client.get(PAGE, params).content.decode()
    assert entry_ids(html) == [kept.pk]
    export = re.search(r'href="([^"]+)" data-key="e"', html).group(1)
    assert export.startswith(reverse("audit:export") + "?") and "person=maria" in export


def test_rows_without_a_site_have_their_own_filter(lead, lead_client, lead_site):
    settings_row = entry("", username="lead", user=lead, action="preferences", site_label="")
    entry(lead_site.base_url)
    assert entry_ids(lead_client.get(PAGE, {"site": "-"}).content.decode()) == [settings_row.pk]


def test_the_date_range_is_in_the_viewers_time_zone(lead_client, lead_site):
    zone = ZoneInfo("Australia/Sydney")
    url = lead_site.base_url
    # 23:30 on the 1st in Sydney is still the 1st there, though already 12:30 UTC.
    inside = entry(url, at=datetime(2026, 3, 1, 23, 30, tzinfo=zone))
    entry(url, at=datetime(2026, 3, 2, 0, 30, tzinfo=zone))
    entry(url, at=datetime(2026, 2, 28, 23, 59, tzinfo=zone))
    lead_client.cookies["tz"] = "Australia/Sydney"
    html = lead_client.get(PAGE, {"from": "2026-03-01", "to": "2026-03-01"}).content.decode()
    assert entry_ids(html) == [inside.pk]


def test_filters_that_are_not_valid_are_ignored_and_said_so(lead_client, lead_site):
    entry(lead_site.base_url)
    response = lead_client.get(PAGE, {"from": "yesterday", "outcome": "exploded"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "were not valid and were ignored: from, outcome" in html
    assert len(entry_ids(html)) == 1


def test_the_csv_is_the_filtered_rows_with_formulas_defused(lead_client, lead_site):
    url = lead_site.base_url
    entry(url, detail="=HYPERLINK(1)", site_label="+Acme")
    entry(url, outcome=Outcome.FAILED)
    response = lead_client.get(reverse("audit:export"), {"outcome": "ok"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Time", "Person", "Action"]
    assert len(rows) == 2
    assert rows[1][3] == "'+Acme" and rows[1][7] == "'=HYPERLINK(1)"
    assert rows[1][8] == "Done" and rows[1][5] == "Ticket #7"


def test_an_empty_trail_says_so(lead_client, lead_site):
    html = lead_client.get(PAGE).content.decode()
    assert "No entries" in html and ">0</span> entries" in html
