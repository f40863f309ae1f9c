"""The thread's changes other than replies: editing and deleting a message, properties,
status and tags. Each answers with the ticket as the site now has it, read fresh."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from dashboard.fluent import reference
from dashboard.fluent import tickets as fluent_tickets
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.models import Essentials
from dashboard.formatting import html_to_markdown, markdown_to_html
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets.conversation import Message, conversation, render_content
from dashboard.tickets.forms import PROPERTY_LABELS, EditForm, PropertyForm, TagForm
from dashboard.tickets.links import thread_url
from dashboard.tickets.loop_views import move_on, upcoming
from dashboard.tickets.replies import read_thread
from dashboard.tickets.thread import PAGE, TicketRef, context, origin, with_event
from dashboard.upstream_errors import error_status, upstream_error
from dashboard.usersites import user_site

# Editing and deleting a reply or note


def _message_of(site: Site, ticket_id: int, response_id: int) -> Message | None:
    found = fluent_tickets.ticket_get(client_for(site), ticket_id=ticket_id)
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
            return redirect(thread_url(site, ticket_id, from_qs, anchor, edit=response_id))
        try:
            message = _message_of(site, ticket_id, response_id)
        except UpstreamError as error:
            return _edit_failed(request, site, ticket_id, response_id, None, error)
        if message is None or not message.editable:
            return HttpResponse("This message can no longer be edited.", status=404)
        form = EditForm(initial={"text": html_to_markdown(message.body)})
        return _edit_form(request, site, ticket_id, response_id, form, status=200)
    form = EditForm(request.POST)
    if not form.is_valid():
        return _edit_form(request, site, ticket_id, response_id, form, status=422)
    try:
        saved = fluent_tickets.response_update(
            client_for(site),
            ticket_id=ticket_id,
            response_id=response_id,
            content=markdown_to_html(form.cleaned_data["text"]),
        )
    except UpstreamError as error:
        return _edit_failed(request, site, ticket_id, response_id, form, error)
    if not request.htmx:
        messages.success(request, "Saved.")
        return redirect(thread_url(site, ticket_id, from_qs, f"message-{response_id}"))
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
    return with_event(render(request, f"{PAGE}#edited", ctx), site, ticket_id)


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
            found, essentials = read_thread(site, ticket_id)
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
        fluent_tickets.response_delete(
            client_for(site), ticket_id=ticket_id, response_id=response_id
        )
    except UpstreamError as error:
        if not request.htmx:
            messages.error(request, f"Not deleted. {error.user_message}")
            return redirect(thread_url(site, ticket_id, from_qs, f"message-{response_id}"))
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
        return redirect(thread_url(site, ticket_id, from_qs))
    # An empty answer swapped over the message removes it.
    return with_event(HttpResponse(""), site, ticket_id)


# Properties, status and tags


def _essentials(site: Site) -> Essentials | None:
    try:
        return reference.essentials_get(client_for(site))
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
        return redirect(thread_url(site, ticket_id, origin(request)[1]))
    try:
        found, essentials = read_thread(site, ticket_id, refresh=True)
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
    return response if status >= 400 else with_event(response, site, ticket_id)


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
            fluent_tickets.ticket_property_set,
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
    choice, following = upcoming(request, site, ticket_id)
    call = partial(fluent_tickets.ticket_close, client_for(site), ticket_id=ticket_id)
    error = _attempt(call, site)
    done = f"Ticket #{ticket_id} closed."
    if not error and (moved := move_on(request, site, ticket_id, choice, following, done)):
        return moved
    return _changed(request, site, ticket_id, target="head", done="Ticket closed.", error=error)


@require_POST
def reopen(request: HttpRequest, site_id: int, ticket_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    call = partial(fluent_tickets.ticket_reopen, client_for(site), ticket_id=ticket_id)
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
    call = partial(
        fluent_tickets.ticket_tag_add, client_for(site), ticket_id=ticket_id, tag_id=tag.id
    )
    error = _attempt(call, site)
    done = f"Tag “{tag.title}” added."
    return _changed(request, site, ticket_id, target="properties", done=done, error=error)


@require_POST
def tag_remove(request: HttpRequest, site_id: int, ticket_id: int, tag_id: int) -> HttpResponse:
    site = user_site(request, site_id)
    call = partial(
        fluent_tickets.ticket_tag_remove, client_for(site), ticket_id=ticket_id, tag_id=tag_id
    )
    error = _attempt(call, site)
    return _changed(request, site, ticket_id, target="properties", done="Tag removed.", error=error)
