"""Saved replies: the list (own and shared), create, edit, delete, and the composer's picker.

Anyone keeps personal replies. Shared replies are team settings: sharing one, and editing or
deleting one that is shared, needs the Team lead role (and, as for every reply, its owner).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from dashboard.accounts.access import forbidden, role_required
from dashboard.accounts.roles import ADD_REPLY, CHANGE_REPLY, CHANGE_TEAM_SETTINGS, DELETE_REPLY
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.tickets import ticket_get
from dashboard.sites.services import client_for
from dashboard.usersites import user_site
from dashboard.workflow import services
from dashboard.workflow.forms import PickForm, ReplySearchForm, SavedReplyForm
from dashboard.workflow.models import SavedReply
from dashboard.workflow.placeholders import PLACEHOLDERS, fill, missing


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
@vary_on_headers("HX-Request")
def reply_list(request: HttpRequest) -> HttpResponse:
    form = ReplySearchForm(request.GET)
    text = form.text()
    replies = SavedReply.objects.visible_to(request.user).search(text).select_related("owner")
    mine = [reply for reply in replies if reply.owner_id == request.user.pk]
    context = {
        "form": form,
        "q": text,
        "mine": mine,
        "shared": [reply for reply in replies if reply.owner_id != request.user.pk],
        "placeholders": PLACEHOLDERS,
    }
    partial = request.htmx and request.htmx.target == "reply-results"
    template = "workflow/replies.html#results" if partial else "workflow/replies.html"
    return render(request, template, context)


@role_required(ADD_REPLY)
def reply_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, SavedReply(owner=request.user))


@role_required(CHANGE_REPLY)
def reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the owner edits, shared or not; to anyone else the reply does not exist here.
    reply = get_object_or_404(SavedReply, pk=pk, owner=request.user)
    if reply.shared and not request.user.has_perm(CHANGE_TEAM_SETTINGS):
        return forbidden(request, CHANGE_TEAM_SETTINGS)
    return _edit(request, reply)


def _edit(request: HttpRequest, reply: SavedReply) -> HttpResponse:
    may_share = request.user.has_perm(CHANGE_TEAM_SETTINGS)
    form = SavedReplyForm(request.POST or None, instance=reply, may_share=may_share)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Saved “{reply.title}”.")
        return _redirect(request, f"{reverse('workflow:replies')}#reply-{reply.pk}")
    context = {"form": form, "reply": reply, "placeholders": PLACEHOLDERS}
    template = "workflow/reply_form.html#reply-form" if request.htmx else "workflow/reply_form.html"
    return render(request, template, context, status=422 if form.errors else 200)


@role_required(DELETE_REPLY)
def reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    reply = get_object_or_404(SavedReply, pk=pk, owner=request.user)
    if reply.shared and not request.user.has_perm(CHANGE_TEAM_SETTINGS):
        return forbidden(request, CHANGE_TEAM_SETTINGS)
    if request.method == "POST":
        reply.delete()
        messages.success(request, f"Deleted “{reply.title}”.")
        return _redirect(request, reverse("workflow:replies"))
    return render(request, "workflow/reply_delete.html", {"reply": reply})


@dataclass
class Pick:
    reply: SavedReply
    text: str  # filled, plain text
    unfilled: list[str]


@require_GET
def reply_pick(request: HttpRequest) -> HttpResponse:
    """The picker's list: matching replies with their text filled in for this ticket."""
    form = PickForm(request.GET)
    if not form.is_valid():
        return render(request, "workflow/picker.html#results", {"invalid": True}, status=400)
    site = user_site(request, form.cleaned_data["site"])
    ticket_id, ticket, error = form.cleaned_data["ticket"], None, None
    if ticket_id:
        try:
            ticket = ticket_get(client_for(site), ticket_id=ticket_id).ticket
        except UpstreamError as exc:
            error = exc
    values = services.placeholder_values(request.user, site, ticket_id, ticket)
    picks = [
        Pick(reply, fill(reply.body, values), missing(reply.body, values))
        for reply in services.replies_for_picker(request.user, form.cleaned_data["q"])
    ]
    context = {"picks": picks, "error": error, "q": form.cleaned_data["q"]}
    return render(request, "workflow/picker.html#results", context)
