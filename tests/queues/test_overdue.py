"""Queues count tickets past their SLA targets per site and agent."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from dashboard.workflow import services


def test_queues_count_overdue_tickets_per_site_and_agent(agent_client, user, acme, sim):
    services.sla_save(site=acme, user=user, mailbox_id=None, first=2, following=1)
    expected = services.overdue_counts([acme], now=timezone.now())[acme.pk]
    assert expected.total > 0
    html = agent_client.get(reverse("queues:stats"), HTTP_HX_REQUEST="true").content.decode()
    section = html[html.index("Past SLA targets") :]
    cell = re.search(r'data-figure="overdue"[^>]*>.*?<a href="([^"]+)">(\d+)', section, re.S)
    assert int(cell.group(2)) == expected.total
    assert "sort=overdue" in cell.group(1)
    for agent_id, count in expected.by_agent.items():
        if agent_id:
            assert f"agent={agent_id}&amp;sort=overdue" in section
        assert f'<strong class="num">{count}</strong>' in section


def test_queues_without_sla_targets_show_no_overdue_section(agent_client, acme, sim):
    html = agent_client.get(reverse("queues:stats"), HTTP_HX_REQUEST="true").content.decode()
    assert "Past SLA targets" not in html
