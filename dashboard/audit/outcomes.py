"""What became of a write, read from what the sites answered and, failing that, the status.

The sites' own answers come first (the upstream trace notes every write sent and its outcome):
a page may answer 200 after a refused write (the thread shown again with the refusal) or an
error after a write the site took (the thread could not be read again), and without JavaScript
both answer with a redirect.
"""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.audit.models import Outcome
from dashboard.fluent.trace import Write

# Kinds of upstream failure (dashboard.fluent.errors) that are the site saying no.
REFUSING_KINDS = {"auth": Outcome.REFUSED, "forbidden": Outcome.REFUSED, "invalid": Outcome.INVALID}


def from_writes(writes: Iterable[Write]) -> Outcome | None:
    """The outcome of the writes sent (None: none was sent). The first failure decides.

    Files uploaded for a message are staged on the site, not changes of their own: they count
    only when one failed (and so the message was not sent)."""
    sent = list(writes)
    writes = [w for w in sent if not w.upload] or [w for w in sent if w.error_kind]
    if not writes:
        return None
    failed = next((w for w in writes if w.error_kind), None)
    if failed is None:
        return Outcome.OK
    if failed.maybe_applied:
        return Outcome.UNCERTAIN
    return REFUSING_KINDS.get(failed.error_kind, Outcome.FAILED)


def from_status(status: int, *, upstream: bool) -> Outcome:
    """The outcome told by the answer's status alone, when no write reached a site.

    For a route that writes to a site, a success without any write sent means the dashboard
    sent nothing (the form was already sent, or was refused and answered with a redirect)."""
    if status == 202:
        return Outcome.UNCERTAIN
    if status < 400:
        return Outcome.UNSENT if upstream else Outcome.OK
    if status in (400, 422):
        return Outcome.INVALID
    if status in (401, 403, 404, 405, 429):
        return Outcome.REFUSED
    if status == 409:
        return Outcome.CONFLICT
    return Outcome.FAILED


def decide(*, status: int, upstream: bool, writes: Iterable[Write]) -> Outcome:
    return from_writes(writes) or from_status(status, upstream=upstream)
