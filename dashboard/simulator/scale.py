"""What makes a simulated site large: more agents, tags and customers than the seed's own.

Added without drawing from the seed's random stream, so a site of the default size is exactly
the site it always was; only a site asked for more agents or tags than the seed has (or more
customers than there are distinct seeded names) differs, and the same arguments always give
the same rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime

from .store import Store, person_row, ticket_tag_row

TAG_WORDS = [
    "checkout", "shipping", "invoice", "export", "import", "mobile", "desktop", "api", "sso",
    "webhook", "sync", "backup", "upgrade", "trial", "renewal", "discount", "tax", "gdpr",
    "translation", "theme", "plugin", "email", "sms", "report", "dashboard", "search",
    "calendar", "payments", "refund-request", "onboarding-call",
]  # fmt: skip
AGENT_FIRST = ["Ana", "Ben", "Carla", "Dev", "Eli", "Femi", "Gus", "Hana", "Ivo", "Jade"]
AGENT_LAST = ["Ortiz", "Baker", "Cho", "Dunn", "Eze", "Frost", "Gray", "Holm"]


def add_agents(store: Store, total: int, at: datetime) -> None:
    """Agents up to ``total`` (the seed has four, plus the nameless one added last)."""
    existing = sum(1 for p in store.persons.values() if p["person_type"] == "agent")
    # The nameless agent is added after everything else: count it now.
    for number in range(max(0, total - existing - 1)):
        pid = store.next_person_id
        store.next_person_id += 1
        first = AGENT_FIRST[number % len(AGENT_FIRST)]
        last = AGENT_LAST[(number // len(AGENT_FIRST)) % len(AGENT_LAST)]
        email = f"{first.lower()}.{last.lower()}{number + 1}@{store.domain}"
        store.persons[pid] = person_row(pid, first, last, email, "agent", at, title="Support")


def add_tags(store: Store, total: int, at: datetime) -> None:
    """Ticket tags up to ``total``: the seed's eight, then numbered topics."""
    number = 0
    while len(store.ticket_tags) < total:
        number += 1
        tid = max(store.ticket_tags, default=0) + 1
        title = f"{TAG_WORDS[number % len(TAG_WORDS)]}-{number}"
        store.ticket_tags[tid] = ticket_tag_row(tid, title, at)


def more_names(
    first_names: list[str], last_names: list[str], domains: list[str]
) -> Iterator[tuple[str, str, str, str]]:
    """(first, last, email domain, email suffix) once every seeded name pair is used: the same
    names again, told apart by a number in the email address."""
    round_number = 1
    while True:
        round_number += 1
        for first in first_names:
            for last in last_names:
                digest = hashlib.md5(  # noqa: S324 - a stable pick, not security
                    f"{first}{last}{round_number}".encode()
                ).digest()
                yield first, last, domains[digest[0] % len(domains)], str(round_number)
