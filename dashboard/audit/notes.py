"""What a view may add to its audit row when the answer alone cannot tell.

The middleware reads the outcome from the writes sent to sites and the answer's status. What
it cannot see, a view says here: why a check that sends no write failed (a site's connection
check answers a redirect either way), the id of what a write created, and that a write whose
answer never came was found applied when the site was read again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest


@dataclass
class Note:
    problem: str = ""  # a kind of failure the route's registry entry maps to an outcome
    object_id: str = ""
    confirmed: bool = False  # a write that may have been applied was found on the site


def note(
    request: HttpRequest,
    *,
    problem: str = "",
    object_id: int | str | None = None,
    confirmed: bool = False,
) -> None:
    found = getattr(request, "audit_note", None) or Note()
    found.confirmed = found.confirmed or confirmed
    if problem:
        found.problem = problem[:40]
    if object_id is not None:
        found.object_id = str(object_id)[:64]
    request.audit_note = found


def noted(request: HttpRequest) -> Note:
    return getattr(request, "audit_note", None) or Note()
