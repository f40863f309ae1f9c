"""Acting on the FluentCRM contact from the customer panel: tags, lists, status, notes, create.

Every write goes out with the agent's own credential on the contact's site and bumps the cached
contact, so the section that comes back (an htmx swap, or the panel page without JavaScript)
shows the change at once and again after a reload. A refusal is rendered where the action was
taken, with what the agent typed still in place. Free FluentCRM admits only WordPress
administrators to contacts: a 403 says so in those words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from dashboard.customers import lookup
from dashboard.customers.panel import contact_context
from dashboard.fluent import crm
from dashboard.fluent.errors import ForbiddenError, InvalidInputError, UpstreamError
from dashboard.fluent.parallel import run_parallel
from dashboard.html import text_to_html
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.usersites import user_site

NOTES_PER_PAGE = 5
EMAILS_SHOWN = 10
ADMIN_ONLY = (
    "FluentCRM lets only WordPress administrators change contacts, and your user on {site} is "
    "not one. Nothing was changed; ask an administrator of {site} to make the change or to "
    "give you the administrator role."
)


class Where(forms.Form):
    """Which customer panel the action came from, so the right section is sent back."""

    customer = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    ticket = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class SegmentForm(Where):
    kind = forms.ChoiceField(choices=[("tags", "tags"), ("lists", "lists")])
    action = forms.ChoiceField(choices=[("attach", "attach"), ("detach", "detach")])
    segment = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    title = forms.CharField(required=False, max_length=200, strip=True)


class StatusForm(Where):
    status = forms.ChoiceField(choices=list(crm.STATUS_LABELS.items()))
    confirm = forms.BooleanField(required=False)


class NoteForm(Where):
    title = forms.CharField(max_length=190, strip=True)
    body = forms.CharField(max_length=20000, strip=True, widget=forms.Textarea)
    link = forms.BooleanField(required=False)


class CreateForm(Where):
    status = forms.ChoiceField(
        choices=[
            ("transactional", "Transactional"),
            ("subscribed", "Subscribed"),
            ("pending", "Pending"),
        ],
        required=False,
    )


def refusal(site: Site, error: UpstreamError) -> str:
    if isinstance(error, ForbiddenError):
        return ADMIN_ONLY.format(site=site.label)
    return f"{error.user_message} {error.advice}".strip()


def _where(request: HttpRequest, form_class: type[Where]) -> Where:
    form = form_class(request.POST)
    if not form.is_valid() and ("customer" in form.errors or "ticket" in form.errors):
        raise BadRequest("customer and ticket must be numbers")
    return form


def section(
    request: HttpRequest,
    site: Site,
    customer_id: int,
    ticket_id: int | None,
    **extra: Any,
) -> HttpResponse:
    """The contact section again, fresh: htmx swaps it in; a plain form post (no JavaScript)
    gets the contact's own page with the same message or confirmation."""

    context = contact_context(request, site, customer_id, ticket_id)
    context.update(extra)
    template = "customers/contact.html#contact" if request.htmx else "customers/contact.html"
    return render(request, template, context)


def _contact_site(request: HttpRequest, site_id: int) -> Site:
    return user_site(request, site_id)


@require_POST
def segments(request: HttpRequest, site_id: int, contact_id: int) -> HttpResponse:
    """Attach or detach one tag or list; only ids the site itself listed are ever sent."""
    site = _contact_site(request, site_id)
    form = _where(request, SegmentForm)
    home = _home(request, form)
    if not form.is_valid():
        area = "lists" if request.POST.get("kind") == "lists" else "tags"
        return section(request, home, *_ids(form), crm_error=(area, "Choose a tag or list."))
    data = form.cleaned_data
    kind, action = data["kind"], data["action"]
    client = client_for(site)
    area = kind
    try:
        known = crm.segments(client, kind)
        wanted = _pick(known, data.get("segment"), data.get("title") or "")
        if wanted is None:
            noun = "tag" if kind == "tags" else "list"
            typed = data.get("title") or ""
            message = (
                f"{site.label} has no {noun} called “{typed}”. Pick one from the suggestions; "
                f"new {noun}s are made in FluentCRM itself."
                if typed
                else f"Choose a {noun} from the suggestions."
            )
            return section(
                request, home, *_ids(form), crm_error=(area, message), crm_typed=(area, typed)
            )
        crm.sync_segments(
            client,
            contact_id=contact_id,
            kind=kind,
            attach=[wanted.id] if action == "attach" else [],
            detach=[wanted.id] if action == "detach" else [],
        )
    except UpstreamError as error:
        return section(
            request,
            home,
            *_ids(form),
            crm_error=(area, refusal(site, error)),
            crm_typed=(area, data.get("title") or ""),
        )
    verb = "Added" if action == "attach" else "Removed"
    return section(request, home, *_ids(form), crm_done=(area, f"{verb} “{wanted.title}”."))


def _pick(known: list[crm.Segment], segment_id: int | None, title: str) -> crm.Segment | None:
    if segment_id:
        return next((s for s in known if s.id == segment_id), None)
    wanted = title.strip().casefold()
    if not wanted:
        return None
    return next((s for s in known if wanted in (s.title.casefold(), s.slug.casefold())), None)


def _ids(form: Where) -> tuple[int, int | None]:
    return form.cleaned_data["customer"], form.cleaned_data.get("ticket")


def _home(request: HttpRequest, form: Where) -> Site:
    """The ticket's site, whose customer panel the section belongs to."""
    home_id = request.POST.get("home") or ""
    if not str(home_id).isdigit():
        raise BadRequest("home must be a site number")
    return user_site(request, int(home_id))


@require_POST
def status(request: HttpRequest, site_id: int, contact_id: int) -> HttpResponse:
    """Change the subscription status, after the agent confirmed it."""
    site = _contact_site(request, site_id)
    form = _where(request, StatusForm)
    home = _home(request, form)
    if not form.is_valid():
        return section(request, home, *_ids(form), crm_error=("status", "Choose a status."))
    wanted = form.cleaned_data["status"]
    if not form.cleaned_data["confirm"]:
        return section(request, home, *_ids(form), crm_confirm=wanted)
    try:
        crm.set_status(client_for(site), contact_id=contact_id, status=wanted)
    except UpstreamError as error:
        return section(request, home, *_ids(form), crm_error=("status", refusal(site, error)))
    return section(
        request,
        home,
        *_ids(form),
        crm_done=("status", f"Status changed to {crm.STATUS_LABELS[wanted].lower()}."),
    )


@dataclass
class NotesView:
    site: Site
    contact_id: int
    page: crm.NotePage | None = None
    error: str = ""


def note_description(body: str, ticket_link: str) -> str:
    """The typed text as HTML that wp_kses_post stores literally: escaped once (see
    text_to_html), with "{" as an entity so "{{…}}" is not replaced as a smartcode."""
    html = text_to_html(body).replace("{", "&#123;").replace("}", "&#125;")
    if ticket_link:
        html += f'\n<p>From <a href="{ticket_link}" target="_blank">the helpdesk ticket</a></p>'
    return html


def ticket_admin_url(site: Site, ticket_id: int) -> str:
    return f"{site.base_url}/wp-admin/admin.php?page=fluent-support#/tickets/{int(ticket_id)}/view"


@require_GET
def notes(request: HttpRequest, site_id: int, contact_id: int) -> HttpResponse:
    """One page of the contact's notes (lazy, cached with the contact)."""
    site = _contact_site(request, site_id)
    try:
        page = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        raise BadRequest("page must be a number") from None
    return _notes_fragment(request, site, contact_id, page)


def _notes_fragment(
    request: HttpRequest, site: Site, contact_id: int, page: int, **extra: Any
) -> HttpResponse:
    view = NotesView(site=site, contact_id=contact_id)
    try:
        view.page = crm.notes(
            client_for(site), contact_id=contact_id, page=page, per_page=NOTES_PER_PAGE
        )
    except UpstreamError as error:
        view.error = refusal(site, error)
    context = {
        "notes_view": view,
        "ticket_id": request.GET.get("ticket") or request.POST.get("ticket") or "",
        "customer_id": request.GET.get("customer") or request.POST.get("customer") or "",
        **extra,
    }
    return render(request, "customers/crm_workspace.html#notes", context)


@require_POST
def add_note(request: HttpRequest, site_id: int, contact_id: int) -> HttpResponse:
    site = _contact_site(request, site_id)
    form = _where(request, NoteForm)
    if not form.is_valid():
        message = "Give the note a title and some text."
        return _notes_fragment(request, site, contact_id, 1, note_form=form, note_error=message)
    data = form.cleaned_data
    ticket_id = data.get("ticket")
    link = ticket_admin_url(site, ticket_id) if ticket_id and data.get("link") else ""
    try:
        crm.add_note(
            client_for(site),
            contact_id=contact_id,
            # The title goes through sanitize_text_field: tags would be stripped, so "<" is sent
            # as an entity and the title reads as typed.
            title=data["title"].replace("&", "&#038;").replace("<", "&lt;").replace(">", "&gt;"),
            description=note_description(data["body"], link),
        )
    except UpstreamError as error:
        return _notes_fragment(
            request, site, contact_id, 1, note_form=form, note_error=refusal(site, error)
        )
    return _notes_fragment(request, site, contact_id, 1, note_done="Note added.")


@require_GET
def activity(request: HttpRequest, site_id: int, contact_id: int) -> HttpResponse:
    """Recent emails and what the site's integrations know (lazy, cached, one page each)."""
    site = _contact_site(request, site_id)
    client = client_for(site)
    context: dict[str, Any] = {"site": site, "contact_id": contact_id}
    # The four reads run at once: the fragment costs one round trip, not four.
    calls: dict[str, Any] = {
        name: partial(crm.side_count, client, contact_id=contact_id, name=name)
        for name in crm.SIDE_READS
    }
    calls["emails"] = partial(crm.emails, client, contact_id=contact_id, per_page=EMAILS_SHOWN)
    outcomes = run_parallel(calls)
    error = outcomes["emails"].error
    if error is not None:
        context["activity_error"] = refusal(site, error)
    else:
        context["emails"] = outcomes["emails"].value
        context["counts"] = {name: outcomes[name].value or 0 for name in crm.SIDE_READS}
    context["admin_url"] = crm.contact_admin_url(site.base_url, contact_id)
    return render(request, "customers/crm_workspace.html#activity", context)


@require_POST
def create(request: HttpRequest, site_id: int) -> HttpResponse:
    """Create the contact for the helpdesk customer, on the agent's action only."""
    site = _contact_site(request, site_id)
    form = _where(request, CreateForm)
    if not form.is_valid():
        raise BadRequest("status must be one of the offered ones")
    customer_id, ticket_id = _ids(form)
    card = lookup.load_customer(site, customer_id=customer_id, ticket_id=ticket_id)
    customer = card.customer
    if customer is None or not customer.email.strip():
        message = "The customer's name and email could not be read, so no contact was created."
        return section(request, site, customer_id, ticket_id, crm_error=("create", message))
    try:
        crm.create_contact(
            client_for(site),
            first_name=customer.first_name or "",
            last_name=customer.last_name or "",
            email=customer.email.strip(),
            status=form.cleaned_data.get("status") or "transactional",
        )
    except InvalidInputError as error:
        if "email" in error.field_errors:
            message = f"{site.label} already has a contact with this email; reload to see it."
        else:
            message = refusal(site, error)
        return section(request, site, customer_id, ticket_id, crm_error=("create", message))
    except UpstreamError as error:
        return section(
            request, site, customer_id, ticket_id, crm_error=("create", refusal(site, error))
        )
    return section(request, site, customer_id, ticket_id, crm_done=("create", "Contact created."))


@require_GET
def segment_options(request: HttpRequest, site_id: int) -> HttpResponse:
    """The site's tags or lists as <option>s for a typeahead's datalist (lazy, cached)."""
    site = _contact_site(request, site_id)
    kind = "lists" if request.GET.get("kind") == "lists" else "tags"
    try:
        rows = crm.segments(client_for(site), kind)
    except UpstreamError:
        rows = []
    return render(request, "customers/crm_workspace.html#options", {"rows": rows})
