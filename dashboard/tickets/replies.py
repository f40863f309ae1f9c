"""Sending a reply or note exactly once: claim the form's token, re-read the ticket, post, and
settle or release the claim; after a send that may have reached the site, find it there.

A reply must never be lost and never be sent twice:

- each composer form carries a one-time token (``models.Submission``), so a double click, a
  browser retry or a resend after a timeout cannot post twice;
- a write that timed out after reaching the site is never re-posted: the thread is re-read
  and the agent is told the reply may have been sent;
- before posting, the ticket is re-read fresh: a message that arrived since the page loaded
  is shown and the agent asked before sending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import partial

from dashboard.fluent import reference
from dashboard.fluent import tickets as fluent_tickets
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.models import Essentials, Thread
from dashboard.fluent.parallel import run_parallel
from dashboard.formatting import message_html
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets import models
from dashboard.tickets.conversation import Message, arrived_since, find_posted, newest_id
from dashboard.tickets.models import Submission


def read_thread(
    site: Site, ticket_id: int, *, refresh: bool = False
) -> tuple[Thread, Essentials | None]:
    """The ticket and the site's reference data, in parallel; reference data is optional."""
    client = client_for(site)
    outcomes = run_parallel(
        {
            "thread": partial(
                fluent_tickets.ticket_get, client, ticket_id=ticket_id, refresh=refresh
            ),
            "essentials": partial(reference.essentials_get, client),
        }
    )
    found = outcomes["thread"]
    if not found.ok:
        raise found.error
    return found.value, outcomes["essentials"].value


class Result(Enum):
    SENT = "sent"  # the site has the message (now, or from an earlier send of the same form)
    FAILED = "failed"  # refused for certain, or the ticket could not be read: nothing posted
    ARRIVED = "arrived"  # someone wrote since the agent's page loaded: ask before sending
    IN_FLIGHT = "in_flight"  # the same form is being sent by another request right now
    UNCERTAIN = "uncertain"  # the site did not confirm: it may have the message


@dataclass
class Outcome:
    """What became of a reply or note, with what the page needs to say so."""

    result: Result
    notice: str = ""
    response_id: int | None = None  # the posted message (SENT)
    error: UpstreamError | None = None  # FAILED
    thread: Thread | None = None  # the ticket read fresh (ARRIVED, UNCERTAIN)
    essentials: Essentials | None = None
    arrived: list[Message] = field(default_factory=list)


@dataclass
class Draft:
    """A reply or note as the agent wrote it, with what their page had seen."""

    token: str
    text: str
    kind: str  # "response" (a reply) or "note"
    close: bool = False
    last_seen: int | None = None  # the newest message on the agent's page
    force: bool = False  # send even if someone wrote meanwhile
    attachments: tuple[str, ...] = ()  # file hashes of uploads made for this ticket
    signature: str = ""  # below a reply, as the agent left it for this message

    @property
    def content(self) -> str:
        """The HTML the plugin is sent: the Markdown rendered, sanitised and escaped."""
        return message_html(self.text, self.signature)


def send_once(*, owner, site: Site, ticket_id: int, draft: Draft) -> Outcome:
    """Send a reply or note once: refuse a replayed form, ask when someone wrote meanwhile."""
    earlier = models.previous(token=draft.token, owner=owner, site=site)
    if earlier is not None:
        return _replayed(site, ticket_id, draft, earlier)
    try:
        fresh = fluent_tickets.ticket_get(client_for(site), ticket_id=ticket_id, refresh=True)
    except UpstreamError as error:
        return Outcome(Result.FAILED, error=error)
    if draft.last_seen is not None and not draft.force:
        arrived = arrived_since(fresh, site, draft.last_seen)
        if arrived:
            return Outcome(Result.ARRIVED, thread=fresh, arrived=arrived)
    claimed, row = models.claim(token=draft.token, owner=owner, site=site, ticket_id=ticket_id)
    if not claimed:
        return _replayed(site, ticket_id, draft, row)
    return _post(site, ticket_id, draft, row, after=newest_id(fresh))


def _post(site: Site, ticket_id: int, draft: Draft, row: Submission, *, after: int) -> Outcome:
    try:
        posted = fluent_tickets.response_create(
            client_for(site),
            ticket_id=ticket_id,
            content=draft.content,
            kind=draft.kind,
            close=draft.close,
            attachments=draft.attachments,
        )
    except UpstreamError as error:
        if error.maybe_applied:
            models.settle(row, Submission.State.UNCERTAIN)
            return _uncertain(site, ticket_id, draft, row, after=after)
        # Refused for certain: nothing was posted, so the same form may be sent again.
        models.release(row)
        return Outcome(Result.FAILED, error=error)
    models.settle(row, Submission.State.SENT, response_id=posted.id)
    if draft.kind == "note":
        done = "Note added."
    else:
        done = "Reply sent and ticket closed." if draft.close else "Reply sent."
    return Outcome(Result.SENT, notice=done, response_id=posted.id)


def _replayed(site: Site, ticket_id: int, draft: Draft, row: Submission | None) -> Outcome:
    """The same form arrived again. It is never posted twice: say what became of the first."""
    if row is not None and row.state == Submission.State.PENDING and row.is_abandoned:
        # The worker that claimed it never finished (it was stopped mid-send): the site may or
        # may not have the message, as after a timeout.
        models.settle(row, Submission.State.UNCERTAIN)
    if row is not None and row.state == Submission.State.UNCERTAIN:
        return _uncertain(site, ticket_id, draft, row, after=draft.last_seen or 0)
    if row is not None and row.state == Submission.State.SENT:
        done = "This was already sent; it was not posted again."
        return Outcome(Result.SENT, notice=done, response_id=row.response_id)
    notice = (
        "This message is already being sent; it was not posted again. "
        "Wait a moment for it to appear in the thread."
    )
    return Outcome(Result.IN_FLIGHT, notice=notice)


def _uncertain(site: Site, ticket_id: int, draft: Draft, row: Submission, *, after: int) -> Outcome:
    """A send timed out after reaching the site: re-read the thread instead of re-posting."""
    try:
        fresh, essentials = read_thread(site, ticket_id, refresh=True)
    except UpstreamError:
        fresh, essentials = None, None
    posted = fresh and find_posted(fresh, site, after=after, kind=draft.kind, content=draft.content)
    if posted:
        models.settle(row, Submission.State.SENT, response_id=posted.id)
        done = "Sent: the site was slow to answer, but it has the message."
        return Outcome(Result.SENT, notice=done, response_id=posted.id)
    notice = (
        f"{site.label} did not confirm the message: it may have been sent. The thread was "
        "read again from the site; check it before sending again. Your text is kept."
    )
    return Outcome(Result.UNCERTAIN, notice=notice, thread=fresh, essentials=essentials)
