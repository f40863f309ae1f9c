"""The thread's composer: a reply or note sent once (see replies.py), and the composer shown
again with the agent's text kept and what happened said above the buttons."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from dashboard.audit import notes as audit
from dashboard.fluent.errors import UpstreamError
from dashboard.formatting import message_html
from dashboard.html import clean_html
from dashboard.sites.models import Site
from dashboard.tickets import models
from dashboard.tickets.attach_views import posted_files
from dashboard.tickets.conversation import newest_id
from dashboard.tickets.forms import ComposeForm, PreviewForm
from dashboard.tickets.links import thread_url
from dashboard.tickets.loop_views import move_on, upcoming
from dashboard.tickets.replies import Draft, Outcome, Result, read_thread, send_once
from dashboard.tickets.thread import PAGE, Composer, context, origin, parse_int, with_event
from dashboard.tickets.uploads import AttachedFile
from dashboard.upstream_errors import error_status
from dashboard.usersites import user_site
from dashboard.workflow.signatures import signature_text

# What the composer answers for each outcome that leaves the message unsent (or unconfirmed).
STATUS = {Result.ARRIVED: 409, Result.IN_FLIGHT: 409, Result.UNCERTAIN: 202}


@require_POST
def reply(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    """Send a reply or note once: refuse a replayed form, ask when someone wrote meanwhile."""
    site = user_site(request, site_id)
    form = ComposeForm(request.POST)
    # Files come uploaded already (from the page's script) or, without JavaScript, with the form.
    files, refused = posted_files(request, site, ticket_id)
    if refused or not form.is_valid():
        return _composer_answer(request, site, ticket_id, form, files=files, refused=refused)
    data = form.cleaned_data
    draft = Draft(
        token=data["token"],
        text=data["text"],
        kind=form.kind,
        close=form.close,
        last_seen=data["last_seen"],
        force=data["force"],
        attachments=tuple(f.file_hash for f in files),
        signature=form.signature_to_send,
    )
    # A note is for colleagues: the agent stays. A reply may take them on (their choice).
    choice, following = upcoming(request, site, ticket_id) if form.kind != "note" else ("", None)
    outcome = send_once(owner=request.user, site=site, ticket_id=ticket_id, draft=draft)
    if outcome.result is Result.SENT:
        # A send whose answer was lost may have been found on the site since: it was sent.
        audit.note(request, confirmed=True)
        if choice and (
            moved := move_on(request, site, ticket_id, choice, following, outcome.notice)
        ):
            return moved
        anchor = f"message-{outcome.response_id}" if outcome.response_id else ""
        return _sent(request, site, ticket_id, outcome.notice, anchor=anchor)
    return _composer_answer(request, site, ticket_id, form, outcome, files=files)


def _sent(
    request: HttpRequest, site: Site, ticket_id: int, done: str, *, anchor: str = ""
) -> HttpResponse:
    """The site has the message: show the thread as it now is, and an empty composer."""
    from_qs = origin(request)[1]
    if not request.htmx:
        messages.success(request, done)
        return redirect(thread_url(site, ticket_id, from_qs, anchor))
    try:
        found, essentials = read_thread(site, ticket_id, refresh=True)
    except UpstreamError:
        found, essentials = None, None
        done += " The thread could not be read again; reload to see it."
    composer = Composer(
        token=models.new_token(),
        last_seen=newest_id(found) if found else 0,
        sent=True,
        notice=done,
        level="success",
        signature=signature_text(user=request.user, site=site),
    )
    ctx = context(
        request, site, found, essentials, ticket_id=ticket_id, composer=composer, target="composer"
    )
    return with_event(render(request, f"{PAGE}#state", ctx), site, ticket_id)


def _composer_answer(
    request: HttpRequest,
    site: Site,
    ticket_id: int,
    form: ComposeForm,
    outcome: Outcome | None = None,
    *,
    status: int | None = None,
    files: list[AttachedFile] | None = None,
    refused: list[str] | None = None,
) -> HttpResponse:
    """The composer with the agent's text and files kept and what happened said above the
    buttons."""
    outcome = outcome or Outcome(Result.FAILED)
    error, thread, essentials = outcome.error, outcome.thread, outcome.essentials
    uncertain = outcome.result is Result.UNCERTAIN
    data = getattr(form, "cleaned_data", {})
    raw = form.data
    # After an uncertain send only a deliberate "Send again" (with a new token) may post.
    token = data.get("token") if data.get("token") and not uncertain else models.new_token()
    composer = Composer(
        token=token,
        last_seen=newest_id(thread) if thread else parse_int(raw.get("last_seen")),
        text=raw.get("text", ""),
        # The signature as the agent left it: an edited or removed one stays so.
        signature=raw.get("signature", ""),
        mode="note" if "note" in (raw.get("action"), raw.get("mode")) else "reply",
        errors=[
            *(refused or []),
            *(message for messages in form.errors.values() for message in messages),
        ],
        notice=outcome.notice or (f"Not sent. {error.user_message}" if error else ""),
        level="warning" if uncertain else "error",
        error=error,
        arrived=outcome.arrived,
        uncertain=uncertain,
        files=files or [],
    )
    if thread is None and not request.htmx:
        # Without JavaScript the whole page is rendered again, text and all.
        try:
            thread, essentials = read_thread(site, ticket_id)
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
    if refused or form.errors:
        status = status or 422
    status = status or STATUS.get(outcome.result) or (error_status(error) if error else 200)
    return render(request, f"{PAGE}#state" if request.htmx else PAGE, ctx, status=status)


@require_POST
def preview(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    """The composer's text (and, for a reply, its signature) as the customer will see it,
    rendered exactly as it will be sent. Nothing is sent or stored."""
    site = user_site(request, site_id)
    form = PreviewForm(request.POST)
    if not form.is_valid():
        errors = [message for messages in form.errors.values() for message in messages]
        ctx = {"preview_html": "", "preview_errors": errors}
        return render(request, "tickets/composer_preview.html", ctx, status=422)
    data = form.cleaned_data
    signature = "" if data["mode"] == "note" else data["signature"]
    shown = clean_html(message_html(data["text"], signature), base_url=site.base_url)
    ctx = {"preview_html": mark_safe(shown), "mode": data["mode"] or "reply"}  # noqa: S308
    return render(request, "tickets/composer_preview.html", ctx)
