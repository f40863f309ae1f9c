"""The thread page: one ticket of one site, where agents answer customers.

A reply must never be lost and never be sent twice:

- the composer keeps its text on every failure (the server renders it back; the browser also
  keeps a draft per ticket);
- each composer form carries a one-time token (``models.Submission``), so a double click, a
  browser retry or a resend after a timeout cannot post twice;
- a write that timed out after reaching the site is never re-posted: the thread is re-read
  and the agent is told the reply may have been sent;
- before posting, the ticket is re-read fresh: a message that arrived since the page loaded
  is shown and the agent asked before sending.

Every change is confirmed by the site: after a write the ticket is read again (fresh) and the
page shows what the site now holds, not what we assumed.
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
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from dashboard.fluent import support
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.parallel import meanwhile, run_parallel
from dashboard.fluent.support import Essentials, Thread
from dashboard.html import text_to_html
from dashboard.pagecache import cached_page, one_time_token
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets import models, previews
from dashboard.tickets import presence as viewing
from dashboard.tickets.conversation import (
    Message,
    arrived_since,
    conversation,
    find_posted,
    html_to_plain,
    newest_id,
    render_content,
)
from dashboard.tickets.forms import PROPERTY_LABELS, ComposeForm, EditForm, PropertyForm, TagForm
from dashboard.tickets.models import Submission
from dashboard.tickets.query import InboxQuery
from dashboard.upstream_errors import error_status, upstream_error
from dashboard.usersites import user_site, user_sites
from dashboard.workflow.ui import read_ahead

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


def origin(request: HttpRequest) -> tuple[InboxQuery, str]:
    """The inbox list the agent came from (``from=``) and its canonical query string."""
    raw = (request.GET.get("from") or request.POST.get("from") or "")[:2000]
    query = InboxQuery.from_params(QueryDict(raw), user_sites(request))
    return query, urlencode(query.params())


def thread_url(site_id: int, ticket_id: int, from_qs: str, anchor: str = "", **params: Any) -> str:
    url = reverse("tickets:thread", args=[site_id, ticket_id])
    query = {key: value for key, value in {"from": from_qs, **params}.items() if value}
    if query:
        url += "?" + urlencode(query)
    return url + (f"#{anchor}" if anchor else "")


def read(site: Site, ticket_id: int, *, refresh: bool = False) -> tuple[Thread, Essentials | None]:
    """The ticket and the site's reference data, in parallel; reference data is optional."""
    client = client_for(site)
    outcomes = run_parallel(
        {
            "thread": partial(support.ticket_get, client, ticket_id=ticket_id, refresh=refresh),
            "essentials": partial(support.essentials_get, client),
        }
    )
    found = outcomes["thread"]
    if not found.ok:
        raise found.error
    return found.value, outcomes["essentials"].value


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
    me = essentials.agent(site.agent_person_id) if essentials else None
    ticket = thread.ticket if thread else TicketRef(id=ticket_id)
    last_seen = newest_id(thread) if thread else 0
    viewers = [
        viewer
        for viewer in (thread.ticket.live_activity if thread else [])
        if not me or viewer.name != me.name
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
        "viewers": viewers,
        "last_seen": last_seen,
        "from_qs": from_qs,
        "back_url": query.url(reverse("tickets:inbox")),
        "thread_url": thread_url(site.pk, ticket_id, from_qs),
        "composer": composer or Composer(token=one_time_token(request), last_seen=last_seen),
        "priority_choices": [(p, p.capitalize()) for p in support.PRIORITIES],
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


def _with_event(response: HttpResponse, site: Site, ticket_id: int) -> HttpResponse:
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
        site = next((s for s in user_sites(request) if str(s.pk) == str(site_id)), None)
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
@cached_page("tickets", "reference", "workflow", "identity")
def thread(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    try:
        with meanwhile(partial(read_ahead, request)):
            found, essentials = read(site, ticket_id, refresh=request.GET.get("refresh") == "1")
    except UpstreamError as error:
        from_qs = origin(request)[1]
        back = reverse("tickets:inbox") + (f"?{from_qs}" if from_qs else "")
        return upstream_error(request, error, site=site, back_url=back)
    ctx = context(request, site, found, essentials, ticket_id=ticket_id)
    editing = _int(request.GET.get("edit"))
    message = next((m for m in ctx["entries"] if m.id == editing and m.editable), None)
    if message is not None:
        # Editing without JavaScript: the page itself shows the form in place.
        ctx["editing_id"] = message.id
        ctx["edit_form"] = EditForm(initial={"text": html_to_plain(message.body)})
    return render(request, PAGE, ctx)


@require_GET
def conversation_view(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    """The conversation read again, fresh, from the site: the browser asks for it when a send
    got no answer in time, so the agent can see whether the message arrived."""
    site = user_site(request, site_id)
    try:
        found, essentials = read(site, ticket_id, refresh=True)
    except UpstreamError as error:
        return upstream_error(request, error, site=site)
    if not request.htmx:
        return redirect(thread_url(site.pk, ticket_id, origin(request)[1]))
    ctx = context(request, site, found, essentials, ticket_id=ticket_id, target="conversation")
    return render(request, f"{PAGE}#state", ctx)


@require_GET
def nav(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    """Previous and next ticket of the agent's list, loaded after the page has shown."""
    site = user_site(request, site_id)
    query, from_qs = origin(request)
    try:
        from dashboard.tickets.listing import neighbours
    except ImportError:  # The inbox's list helpers are optional for this page.
        previous, following = None, None
    else:
        previous, following = neighbours(request, query, site.pk, ticket_id)
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
                "viewers": partial(support.live_activity_get, client, ticket_id=ticket_id),
                "me": partial(support.me_get, client),
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
        support.live_activity_leave(client_for(site), ticket_id=ticket_id)


# The composer


@require_POST
def reply(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    """Send a reply or note once: refuse a replayed form, ask when someone wrote meanwhile."""
    site = user_site(request, site_id)
    form = ComposeForm(request.POST)
    if not form.is_valid():
        return _composer_answer(request, site, ticket_id, form, status=422)
    data = form.cleaned_data
    earlier = models.previous(token=data["token"], owner=request.user, site=site)
    if earlier is not None:
        return _replayed(request, site, ticket_id, form, earlier)
    try:
        fresh = support.ticket_get(client_for(site), ticket_id=ticket_id, refresh=True)
    except UpstreamError as error:
        return _composer_answer(request, site, ticket_id, form, error=error)
    if data["last_seen"] is not None and not data["force"]:
        arrived = arrived_since(fresh, site, data["last_seen"])
        if arrived:
            return _composer_answer(
                request, site, ticket_id, form, thread=fresh, arrived=arrived, status=409
            )
    claimed, row = models.claim(
        token=data["token"], owner=request.user, site=site, ticket_id=ticket_id
    )
    if not claimed:
        return _replayed(request, site, ticket_id, form, row)
    return _send(request, site, ticket_id, form, row, after=newest_id(fresh))


def _send(
    request: HttpRequest, site: Site, ticket_id: int, form: ComposeForm, row: Submission, after: int
) -> HttpResponse:
    try:
        posted = support.response_create(
            client_for(site),
            ticket_id=ticket_id,
            content=text_to_html(form.cleaned_data["text"]),
            kind=form.kind,
            close=form.close,
        )
    except UpstreamError as error:
        if error.maybe_applied:
            models.settle(row, Submission.State.UNCERTAIN)
            return _uncertain(request, site, ticket_id, form, row, after=after)
        # Refused for certain: nothing was posted, so the same form may be sent again.
        models.release(row)
        return _composer_answer(request, site, ticket_id, form, error=error)
    models.settle(row, Submission.State.SENT, response_id=posted.id)
    if form.kind == "note":
        done = "Note added."
    else:
        done = "Reply sent and ticket closed." if form.close else "Reply sent."
    return _sent(request, site, ticket_id, done, anchor=f"message-{posted.id}")


def _sent(
    request: HttpRequest, site: Site, ticket_id: int, done: str, *, anchor: str = ""
) -> HttpResponse:
    """The site has the message: show the thread as it now is, and an empty composer."""
    from_qs = origin(request)[1]
    if not request.htmx:
        messages.success(request, done)
        return redirect(thread_url(site.pk, ticket_id, from_qs, anchor))
    try:
        found, essentials = read(site, ticket_id, refresh=True)
    except UpstreamError:
        found, essentials = None, None
        done += " The thread could not be read again; reload to see it."
    composer = Composer(
        token=models.new_token(),
        last_seen=newest_id(found) if found else 0,
        sent=True,
        notice=done,
        level="success",
    )
    ctx = context(
        request, site, found, essentials, ticket_id=ticket_id, composer=composer, target="composer"
    )
    return _with_event(render(request, f"{PAGE}#state", ctx), site, ticket_id)


def _replayed(
    request: HttpRequest, site: Site, ticket_id: int, form: ComposeForm, row: Submission | None
) -> HttpResponse:
    """The same form arrived again. It is never posted twice: say what became of the first."""
    if row is not None and row.state == Submission.State.PENDING and row.is_abandoned:
        # The worker that claimed it never finished (it was stopped mid-send): the site may or
        # may not have the message, as after a timeout.
        models.settle(row, Submission.State.UNCERTAIN)
    if row is not None and row.state == Submission.State.UNCERTAIN:
        after = form.cleaned_data["last_seen"] or 0
        return _uncertain(request, site, ticket_id, form, row, after=after)
    if row is not None and row.state == Submission.State.SENT:
        anchor = f"message-{row.response_id}" if row.response_id else ""
        done = "This was already sent; it was not posted again."
        return _sent(request, site, ticket_id, done, anchor=anchor)
    notice = (
        "This message is already being sent; it was not posted again. "
        "Wait a moment for it to appear in the thread."
    )
    return _composer_answer(request, site, ticket_id, form, notice=notice, status=409)


def _uncertain(
    request: HttpRequest,
    site: Site,
    ticket_id: int,
    form: ComposeForm,
    row: Submission,
    *,
    after: int,
) -> HttpResponse:
    """A send timed out after reaching the site: re-read the thread instead of re-posting."""
    try:
        fresh, essentials = read(site, ticket_id, refresh=True)
    except UpstreamError:
        fresh, essentials = None, None
    data = form.cleaned_data
    posted = fresh and find_posted(fresh, site, after=after, kind=form.kind, text=data["text"])
    if posted:
        models.settle(row, Submission.State.SENT, response_id=posted.id)
        done = "Sent: the site was slow to answer, but it has the message."
        return _sent(request, site, ticket_id, done, anchor=f"message-{posted.id}")
    notice = (
        f"{site.label} did not confirm the message: it may have been sent. The thread was "
        "read again from the site; check it before sending again. Your text is kept."
    )
    return _composer_answer(
        request,
        site,
        ticket_id,
        form,
        notice=notice,
        level="warning",
        status=202,
        thread=fresh,
        essentials=essentials,
        uncertain=True,
    )


def _composer_answer(
    request: HttpRequest,
    site: Site,
    ticket_id: int,
    form: ComposeForm,
    *,
    status: int | None = None,
    error: UpstreamError | None = None,
    notice: str = "",
    level: str = "error",
    thread: Thread | None = None,
    essentials: Essentials | None = None,
    arrived: list[Message] | None = None,
    uncertain: bool = False,
) -> HttpResponse:
    """The composer with the agent's text kept and what happened said above the buttons."""
    data = getattr(form, "cleaned_data", {})
    raw = form.data
    # After an uncertain send only a deliberate "Send again" (with a new token) may post.
    token = data.get("token") if data.get("token") and not uncertain else models.new_token()
    composer = Composer(
        token=token,
        last_seen=newest_id(thread) if thread else _int(raw.get("last_seen")),
        text=raw.get("text", ""),
        mode="note" if "note" in (raw.get("action"), raw.get("mode")) else "reply",
        errors=[message for messages in form.errors.values() for message in messages],
        notice=notice or (f"Not sent. {error.user_message}" if error else ""),
        level=level,
        error=error,
        arrived=arrived or [],
        uncertain=uncertain,
    )
    if thread is None and not request.htmx:
        # Without JavaScript the whole page is rendered again, text and all.
        try:
            thread, essentials = read(site, ticket_id)
        except UpstreamError as read_error:
            composer.error = composer.error or read_error
    ctx = context(
        request,
        site,
        thread,
        essentials,
        ticket_id=ticket_id,
        composer=composer,
        target="composer",
    )
    status = status or (error_status(error) if error else 200)
    return render(request, f"{PAGE}#state" if request.htmx else PAGE, ctx, status=status)


def _int(value: Any) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else 0


# Editing and deleting a reply or note


def _message_of(site: Site, ticket_id: int, response_id: int) -> Message | None:
    found = support.ticket_get(client_for(site), ticket_id=ticket_id)
    return next((m for m in conversation(found, site) if m.id == response_id), None)


@require_http_methods(["GET", "POST"])
def response_edit(
    request: HttpRequest, site_id: int, ticket_id: int, response_id: int
) -> HttpResponse:
    site = user_site(request, site_id)
    from_qs = origin(request)[1]
    if request.method == "GET":
        if not request.htmx:
            anchor = f"message-{response_id}"
            return redirect(thread_url(site.pk, ticket_id, from_qs, anchor, edit=response_id))
        try:
            message = _message_of(site, ticket_id, response_id)
        except UpstreamError as error:
            return _edit_failed(request, site, ticket_id, response_id, None, error)
        if message is None or not message.editable:
            return HttpResponse("This message can no longer be edited.", status=404)
        form = EditForm(initial={"text": html_to_plain(message.body)})
        return _edit_form(request, site, ticket_id, response_id, form, status=200)
    form = EditForm(request.POST)
    if not form.is_valid():
        return _edit_form(request, site, ticket_id, response_id, form, status=422)
    try:
        saved = support.response_update(
            client_for(site),
            ticket_id=ticket_id,
            response_id=response_id,
            content=text_to_html(form.cleaned_data["text"]),
        )
    except UpstreamError as error:
        return _edit_failed(request, site, ticket_id, response_id, form, error)
    if not request.htmx:
        messages.success(request, "Saved.")
        return redirect(thread_url(site.pk, ticket_id, from_qs, f"message-{response_id}"))
    # The site's answer holds the stored text: that, not what we sent, is shown.
    body, quoted = render_content(saved.content, site.base_url)
    ctx = {
        "m": Message(
            id=response_id,
            kind="agent",
            person=None,
            created_at=saved.created_at,
            updated_at=saved.updated_at,
            body=body,
            quoted=quoted,
        ),
        "site": site,
        "ticket": TicketRef(ticket_id),
        "from_qs": from_qs,
    }
    return _with_event(render(request, f"{PAGE}#edited", ctx), site, ticket_id)


def _edit_form(
    request: HttpRequest,
    site: Site,
    ticket_id: int,
    response_id: int,
    form: EditForm,
    *,
    status: int,
    error: UpstreamError | None = None,
) -> HttpResponse:
    ctx = {
        "site": site,
        "ticket": TicketRef(ticket_id),
        "m": Message(id=response_id, kind="agent", person=None, created_at=None),
        "edit_form": form,
        "edit_error": error,
        "from_qs": origin(request)[1],
    }
    if not request.htmx:
        try:
            found, essentials = read(site, ticket_id)
        except UpstreamError as read_error:
            return upstream_error(request, read_error, site=site)
        ctx = context(
            request,
            site,
            found,
            essentials,
            ticket_id=ticket_id,
            editing_id=response_id,
            edit_form=form,
            edit_error=error,
        )
        return render(request, PAGE, ctx, status=status)
    return render(request, f"{PAGE}#edit-form", ctx, status=status)


def _edit_failed(
    request: HttpRequest,
    site: Site,
    ticket_id: int,
    response_id: int,
    form: EditForm | None,
    error: UpstreamError,
) -> HttpResponse:
    if form is None:
        return render(
            request,
            f"{PAGE}#action-error",
            {"error": error, "site": site},
            status=error_status(error),
        )
    return _edit_form(
        request, site, ticket_id, response_id, form, status=error_status(error), error=error
    )


@require_POST
def response_delete(
    request: HttpRequest, site_id: int, ticket_id: int, response_id: int
) -> HttpResponse:
    site = user_site(request, site_id)
    from_qs = origin(request)[1]
    try:
        support.response_delete(client_for(site), ticket_id=ticket_id, response_id=response_id)
    except UpstreamError as error:
        if not request.htmx:
            messages.error(request, f"Not deleted. {error.user_message}")
            return redirect(thread_url(site.pk, ticket_id, from_qs, f"message-{response_id}"))
        response = render(
            request,
            f"{PAGE}#action-error",
            {"error": error, "site": site},
            status=error_status(error),
        )
        # The message stays; the refusal shows under it.
        response["HX-Retarget"] = f"#edit-{response_id}"
        response["HX-Reswap"] = "innerHTML"
        return response
    if not request.htmx:
        messages.success(request, "Deleted.")
        return redirect(thread_url(site.pk, ticket_id, from_qs))
    # An empty answer swapped over the message removes it.
    return _with_event(HttpResponse(""), site, ticket_id)


# Properties, status and tags


def _essentials(site: Site) -> Essentials | None:
    try:
        return support.essentials_get(client_for(site))
    except UpstreamError:
        return None


def _changed(
    request: HttpRequest,
    site: Site,
    ticket_id: int,
    *,
    target: str,
    done: str = "",
    error: UpstreamError | None = None,
    problem: str = "",
) -> HttpResponse:
    """After a change (or a refusal): the ticket as the site now has it, read fresh."""
    if not request.htmx:
        if error or problem:
            messages.error(request, problem or f"Not changed. {error.user_message}")
        else:
            messages.success(request, done)
        return redirect(thread_url(site.pk, ticket_id, origin(request)[1]))
    try:
        found, essentials = read(site, ticket_id, refresh=True)
    except UpstreamError as read_error:
        ctx = {"error": error or read_error, "site": site}
        response = render(request, f"{PAGE}#action-error", ctx, status=error_status(read_error))
        response["HX-Retarget"] = "#thread-alerts"
        response["HX-Reswap"] = "innerHTML"
        return response
    ctx = context(
        request,
        site,
        found,
        essentials,
        ticket_id=ticket_id,
        target=target,
        action_done=done,
        action_error=error,
        action_problem=problem,
    )
    status = error_status(error) if error else (422 if problem else 200)
    response = render(request, f"{PAGE}#state", ctx, status=status)
    return response if status >= 400 else _with_event(response, site, ticket_id)


def _attempt(call, site: Site) -> UpstreamError | None:
    try:
        call()
    except UpstreamError as error:
        return error
    return None


@require_POST
def property_set(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    form = PropertyForm(request.POST, essentials=_essentials(site))
    if not form.is_valid():
        problem = " ".join(e for errors in form.errors.values() for e in errors)
        return _changed(request, site, ticket_id, target="properties", problem=problem)
    name, value = form.cleaned_data["name"], form.cleaned_data["value"]
    error = _attempt(
        partial(
            support.ticket_property_set,
            client_for(site),
            ticket_id=ticket_id,
            name=name,
            value=value,
        ),
        site,
    )
    done = f"{PROPERTY_LABELS[name]} changed."
    return _changed(request, site, ticket_id, target="properties", done=done, error=error)


@require_POST
def close(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    call = partial(support.ticket_close, client_for(site), ticket_id=ticket_id)
    error = _attempt(call, site)
    return _changed(request, site, ticket_id, target="head", done="Ticket closed.", error=error)


@require_POST
def reopen(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    call = partial(support.ticket_reopen, client_for(site), ticket_id=ticket_id)
    error = _attempt(call, site)
    return _changed(request, site, ticket_id, target="head", done="Ticket re-opened.", error=error)


@require_POST
def tag_add(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    essentials = _essentials(site)
    form = TagForm(request.POST, tags=essentials.tags if essentials else None)
    if not form.is_valid():
        problem = " ".join(form.errors.get("tag", []))
        return _changed(request, site, ticket_id, target="properties", problem=problem)
    tag = form.cleaned_data["tag"]
    call = partial(support.ticket_tag_add, client_for(site), ticket_id=ticket_id, tag_id=tag.id)
    error = _attempt(call, site)
    done = f"Tag “{tag.title}” added."
    return _changed(request, site, ticket_id, target="properties", done=done, error=error)


@require_POST
def tag_remove(request: HttpRequest, site_id: int, ticket_id: int, tag_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    call = partial(support.ticket_tag_remove, client_for(site), ticket_id=ticket_id, tag_id=tag_id)
    error = _attempt(call, site)
    return _changed(request, site, ticket_id, target="properties", done="Tag removed.", error=error)
