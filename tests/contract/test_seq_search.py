"""Replay the recorded searches (`seq_search_*`) on the simulator and compare what they find.

On the real site customer 12 (Quinby Zephyrine) had ticket 31, whose opening message says
"grinding" and whose reply alone says "xylophonic". The replay makes the same customer and
ticket on the simulator and maps 12 and 31 onto them.
"""

from __future__ import annotations

from typing import Any

import requests

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME

from .captures import body, load, sequence

FS = "/wp-json/fluent-support/v2"
AUTH = (ADMIN_USERNAME, ADMIN_APP_PASSWORD)
REAL_CUSTOMER, REAL_TICKET = "12", "31"


def _call(entry: Any, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, entry.base_url + FS + path, auth=AUTH, timeout=10, **kwargs)


def _make_the_recorded_ticket(entry: Any) -> tuple[int, int, str]:
    created = _call(
        entry,
        "POST",
        "/tickets",
        json={
            "ticket": {
                "title": "Printer tray jams on duplex",
                "content": "The duplex unit makes a grinding noise and the tray jams after two "
                "pages.",
                "create_customer": "yes",
            },
            "newCustomer": {
                "first_name": "Quinby",
                "last_name": "Zephyrine",
                "email": "quinby.zephyrine@example.net",
            },
        },
    ).json()["ticket"]
    ticket_id = int(created["id"])
    reply = _call(
        entry,
        "POST",
        f"/tickets/{ticket_id}/responses",
        json={"content": "Does it make a xylophonic sound?", "conversation_type": "response"},
    )
    assert reply.status_code == 200
    return ticket_id, int(created["customer_id"]), created["slug"]


def test_search_replays_like_the_real_plugin(sim: Any) -> None:
    entry = sim.acme
    ticket_id, customer_id, slug = _make_the_recorded_ticket(entry)
    tickets = entry.site.tickets
    for name in sequence("seq_search_"):
        capture = load(name)
        needle = dict(capture["request"]["query"])["search"]
        needle = needle.replace(f"customer_id:{REAL_CUSTOMER}", f"customer_id:{customer_id}")
        needle = needle.replace(REAL_TICKET, str(ticket_id))
        answer = _call(
            entry,
            "GET",
            "/tickets",
            params={"search": needle, "filters[status_type]": "all", "per_page": 1000},
        )
        assert answer.status_code == capture["status"], name
        found = {int(row["id"]) for row in answer.json()["tickets"]["data"]}
        recorded = {int(row["id"]) for row in body(name)["tickets"]["data"]}
        where = f"{name} ({needle!r})"
        if not recorded:
            assert found == set(), where
        elif needle.startswith("customer_id:"):
            assert found == {t["id"] for t in tickets.values() if t["customer_id"] == customer_id}
        elif needle.startswith("id:"):
            assert found == {ticket_id}, where
        else:
            # A plain word or number: LIKE on content, title, slug and id, nothing else.
            assert ticket_id in found, where
            low = needle.lower()
            for other in found:
                t = tickets[other]
                text = f"{t['content']} {t['title']} {t['slug']} {t['id']}".lower()
                assert low in text, (where, other)
    assert slug
