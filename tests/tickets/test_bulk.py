"""Bulk actions from the inbox: where they return to and what they say, over real HTTP."""

from __future__ import annotations

import html as htmllib
import re

from django.urls import reverse

from tests.tickets.test_inbox import row_keys

HTMX = {"HTTP_HX_REQUEST": "true"}


def hidden_next(html: str) -> str:
    return htmllib.unescape(re.search(r'name="next" value="([^"]*)"', html).group(1))


def test_two_htmx_bulk_actions_both_return_to_the_agents_list(agent_client, acme, sim):
    listed = f"/?site={acme.pk}&priority=normal&sort=newest&status=all&page=2"
    page = agent_client.get(listed).content.decode()
    expected = row_keys(page)
    assert len(expected) >= 3
    first, second = expected[0], expected[1]
    after_first = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "add_tag", "tag": 1, "t": [first], "next": hidden_next(page)},
        **HTMX,
    ).content.decode()
    back = hidden_next(after_first)
    assert (
        back.startswith("/?")
        and "priority=normal" in back
        and "sort=newest" in back
        and "page=2" in back
    )
    after_second = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "add_tag", "tag": 1, "t": [second], "next": back},
        **HTMX,
    ).content.decode()
    keys = row_keys(after_second)
    assert keys == expected
    normal = {
        f"{acme.pk}:{t['id']}" for t in sim.acme.site.tickets.values() if t["priority"] == "normal"
    }
    assert set(keys) <= normal
    assert "priority=normal" in hidden_next(after_second)
