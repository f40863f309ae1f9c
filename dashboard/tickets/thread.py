"""The thread page: one ticket of one site, where agents read and answer customers, and the
pieces it loads after showing (conversation, previous/next, who else is viewing).

Every change is confirmed by the site: after a write the ticket is read again (fresh) and the
page shows what the site now holds, not what we assumed (see thread_actions.py and
composer.py; the send-once protocol of replies is in replies.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial, wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from dashboard.context_processors import read_permissions
from dashboard.fluent import reference
from dashboard.fluent import tickets as fluent_tickets
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.models import Essentials, Thread
from dashboard.fluent.parallel import meanwhile, run_parallel
from dashboard.formatting import html_to_markdown
from dashboard.pagecache import cached_page, one_time_token
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets import people, previews
from dashboard.tickets import presence as viewing
from dashboard.tickets.conversation import Message, conversation, newest_id
from dashboard.tickets.forms import EditForm
from dashboard.tickets.links import thread_url
from dashboard.tickets.listing import neighbours
from dashboard.tickets.query import InboxQuery
from dashboard.tickets.replies import read_thread
from dashboard.tickets.uploads import LIMITS, AttachedFile
from dashboard.upstream_errors import upstream_error
from dashboard.usersites import find_user_site, user_site, user_sites
from dashboard.workflow.signatures import signature_text
from dashboard.workflow.ui import read_ahead, sla_of, snooze_context

PAGE = "tickets/thread.html"


# Page state


@dataclass
class TicketRef:
    """Stands in for the ticket when the site could not be read: enough for the composer."""

    id: int
    status: str = ""
    title: str = ""


@dataclass
class Composer:
    """What the composer shows: the agent's text, its one-time token and what happened."""

    token: str
    last_seen: int
    text: str = ""
    mode: str = "reply"
    errors: list[str] = field(default_factory=list)
    notice: str = ""
    level: str = "error"  # how the notice is shown: error, warning or success
    error: UpstreamError | None = None
    sent: bool = False
    arrived: list[Message] = field(default_factory=list)
    # After a timeout: sending again needs a deliberate click on "Send again".
    uncertain: bool = False
    files: list[AttachedFile] = field(default_factory=list)  # kept until the message is sent
    limits = LIMITS
    # Shown below the text, editable for this message; added to replies, not notes.
    signature: str = ""


def origin(request: HttpRequest) -> tuple[InboxQuery, str]:
    """The inbox list the agent came from (``from=``) and its canonical query string."""
    found = request.__dict__.get("_thread_origin")
    if found is None:
        raw = (request.GET.get("from") or request.POST.get("from") or "")[:2000]
        query = InboxQuery.from_params(QueryDict(raw), user_sites(request))
        found = request._thread_origin = (query, urlencode(query.params()))
    return found


def _signature(request: HttpRequest, site: Site) -> str:
    """The composer's signature, read once per request."""
    memo = request.__dict__.setdefault("_thread_signatures", {})
    if site.pk not in memo:
        memo[site.pk] = signature_text(user=request.user, site=site)
    return memo[site.pk]


def prepare(request: HttpRequest, site: Site) -> None:
    """What the page reads from the database whatever the site answers: done while it answers
    (``parallel.meanwhile``), so none of it waits until after the slowest read."""
    read_ahead(request)
    origin(request)
    _signature(request, site)
    read_permissions(request)


def context(
    request: HttpRequest,
    site: Site,
    thread: Thread | None,
    essentials: Essentials | None,
    *,
    ticket_id: int,
    composer: Composer | None = None,
    **extra: Any,
) -> dict[str, Any]:
    query, from_qs = origin(request)
    if thread is not None:
        previews.remember_thread(site.pk, thread)
    mine_id = people.mine_agent_id(site)
    if essentials is not None:
        # Agents named as the person they are across the user's sites (remembered: no call).
        directory = people.load(
            user_sites(request), known={site.pk: essentials.agents}, read_missing=False
        )
        directory.name(site.pk, [*essentials.agents, thread.ticket.agent if thread else None])
    me = essentials.agent(mine_id) if essentials else None
    ticket = thread.ticket if thread else TicketRef(id=ticket_id)
    last_seen = newest_id(thread) if thread else 0
    viewers = [
        viewer
        for viewer in (thread.ticket.live_activity if thread else [])
        if not me or viewer.name != me.own_name
    ]
    return {
        "site": site,
        "thread": thread,
        "ticket": ticket,
        # Not "messages": that name belongs to Django's flash messages in base.html.
        "entries": conversation(thread, site, images=_images_asked(request)) if thread else [],
        "images_prefix": _images_prefix(request),
        "essentials": essentials,
        "me": me,
        "mine_id": mine_id,
        "viewers": viewers,
        "last_seen": last_seen,
        "from_qs": from_qs,
        "back_url": query.url(reverse("tickets:inbox")),
        "thread_url": thread_url(site, ticket_id, from_qs),
        # Read from the database only when the part of the page that shows them renders.
        "sla": partial(sla_of, request, site, ticket),
        "snooze": partial(snooze_context, request, site, ticket.id),
        "composer": composer
        or Composer(
            token=one_time_token(request),
            last_seen=last_seen,
            signature=_signature(request, site),
        ),
        "priority_choices": [(p, p.capitalize()) for p in fluent_tickets.PRIORITIES],
        "available_tags": [
            tag
            for tag in (essentials.tags if essentials else [])
            if thread and tag.id not in {t.id for t in thread.ticket.tags}
        ],
        **extra,
    }


def _images_asked(request: HttpRequest) -> frozenset[str]:
    """The messages whose remote images the agent asked to see (``?images=message-12``)."""
    return frozenset(
        key
        for key in request.GET.getlist("images")[:50]
        if key == "message-opening" or re.fullmatch(r"message-\d{1,12}", key)
    )


def _images_prefix(request: HttpRequest) -> str:
    """This page's query, to which a message's "Load remote images" link adds its own key."""
    query = request.GET.copy()
    query.setlist("images", sorted(_images_asked(request)))
    text = query.urlencode()
    return f"{text}&" if text else ""


def with_event(response: HttpResponse, site: Site, ticket_id: int) -> HttpResponse:
    # The inbox listens for this to refresh its row and counters.
    response["HX-Trigger"] = json.dumps({"ticketUpdated": {"site": site.pk, "ticket": ticket_id}})
    return response


# The page and its lazy parts


def _message_images_policy(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the page show the images its messages may hold: the WordPress site's own, always,
    and other hosts' only once the agent asked to load them (``?images=``). Set outside the
    page cache, whose hits are new responses."""

    @wraps(view)
    def wrapped(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
        response = view(request, site_id, ticket_id)
        site = find_user_site(request, site_id)
        if site is not None:
            parts = urlsplit(site.base_url)
            sources = [*settings.SECURE_CSP.get("img-src", []), f"{parts.scheme}://{parts.netloc}"]
            if _images_asked(request):
                sources.append("https:")
            response._csp_config = {**settings.SECURE_CSP, "img-src": sources}
        return response

    return wrapped


@require_GET
@vary_on_headers("HX-Request")
@_message_images_policy
@cached_page(
    "tickets",
    "reference",
    "workflow",
    "identity",
    site_of=lambda request, site_id, ticket_id: site_id,
)
def thread(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    try:
        with meanwhile(partial(prepare, request, site)):
            found, essentials = read_thread(
                site, ticket_id, refresh=request.GET.get("refresh") == "1"
            )
    except UpstreamError as error:
        from_qs = origin(request)[1]
        back = reverse("tickets:inbox") + (f"?{from_qs}" if from_qs else "")
        return upstream_error(request, error, site=site, back_url=back)
    ctx = context(request, site, found, essentials, ticket_id=ticket_id)
    editing = parse_int(request.GET.get("edit"))
    message = next((m for m in ctx["entries"] if m.id == editing and m.editable), None)
    if message is not None:
        # Editing without JavaScript: the page itself shows the form in place.
        ctx["editing_id"] = message.id
        ctx["edit_form"] = EditForm(initial={"text": html_to_markdown(message.body)})
    return render(request, PAGE, ctx)


@require_GET
def conversation_view(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    """The conversation read again, fresh, from the site: the browser asks for it when a send
    got no answer in time, so the agent can see whether the message arrived."""
    site = user_site(request, site_id)
    try:
        found, essentials = read_thread(site, ticket_id, refresh=True)
    except UpstreamError as error:
        return upstream_error(request, error, site=site)
    if not request.htmx:
        return redirect(thread_url(site, ticket_id, origin(request)[1]))
    ctx = context(request, site, found, essentials, ticket_id=ticket_id, target="conversation")
    return render(request, f"{PAGE}#state", ctx)


@require_GET
def nav(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    """Previous and next ticket of the agent's list, loaded after the page has shown."""
    site = user_site(request, site_id)
    query, from_qs = origin(request)
    refresh = request.GET.get("refresh") == "1"
    previous, following = neighbours(
        user_sites(request), query, site.pk, ticket_id, refresh=refresh
    )
    ctx = {"previous": previous, "following": following, "site": site, "from_qs": from_qs}
    return render(request, f"{PAGE}#nav-links", ctx)


@require_GET
def presence(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    """Who else has the ticket open; asking registers us as viewing it, so colleagues in
    wp-admin see us too. Polled while the page is open. A message that arrives meanwhile is
    caught when the agent sends (see ``reply``), which costs the site no extra call per poll."""
    site = user_site(request, site_id)
    client = client_for(site)
    view = viewing.view_id(request.GET.get("view"))
    who = (request.user.pk, site.pk, ticket_id)
    with viewing.one_at_a_time(*who):
        if viewing.has_left(*who, view):
            # The page was left while this check was on its way: asking would register the
            # agent as viewing again.
            return render(request, f"{PAGE}#presence", {"viewers": []})
        outcomes = run_parallel(
            {
                "viewers": partial(fluent_tickets.live_activity_get, client, ticket_id=ticket_id),
                "me": partial(reference.me_get, client),
            }
        )
        if viewing.has_left(*who, view):
            # Left meanwhile through another process: undo the registration just made.
            _leave_site(site, ticket_id)
    me = outcomes["me"].value
    my_email = (me.email or (me.person.email if me.person else "")).lower() if me else ""
    viewers = [v for v in outcomes["viewers"].value or [] if v.email.lower() != my_email]
    return render(request, f"{PAGE}#presence", {"viewers": viewers})


@require_POST
def leave(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    """The agent moved on to another page: stop showing them as viewing the ticket."""
    site = user_site(request, site_id)
    who = (request.user.pk, site.pk, ticket_id)
    viewing.mark_left(*who, viewing.view_id(request.POST.get("view")))
    # After any presence check of this ticket already under way, so the DELETE comes last.
    with viewing.one_at_a_time(*who):
        _leave_site(site, ticket_id)
    return HttpResponse(status=204)


def _leave_site(site: Site, ticket_id: int) -> None:
    # Best effort: the plugin forgets viewers after a minute anyway.
    with suppress(UpstreamError):
        fluent_tickets.live_activity_leave(client_for(site), ticket_id=ticket_id)


def parse_int(value: Any) -> int:
    """A positive id from a form or query string; anything else is 0."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else 0
