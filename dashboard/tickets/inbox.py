"""The inbox: one site or all sites merged, filters in the URL, counts, bulk actions, live."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import partial
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from dashboard.context_processors import read_permissions
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.parallel import meanwhile, run_parallel
from dashboard.fluent.reference import essentials_get
from dashboard.fluent.tickets import ticket_bulk
from dashboard.pagecache import cached_page
from dashboard.sites.models import TeamSite
from dashboard.sites.services import client_for
from dashboard.tickets import listing, people
from dashboard.tickets.counts import from_list_only, load_counts
from dashboard.tickets.merging import InboxPage, parse_cursor
from dashboard.tickets.query import SORT_CHOICES, STATUS_TABS, InboxQuery
from dashboard.usersites import user_sites
from dashboard.workflow.ui import (
    attach_sla,
    read_ahead,
    sleeping_count,
    sleeping_snoozes,
    wake_due,
)


def _context(
    request: HttpRequest, query: InboxQuery, page: InboxPage, directory: people.Directory
) -> dict:
    sites = user_sites(request)
    directory.name_rows(page.rows)
    return {
        "query": query,
        "page": page,
        "sites": sites,
        "site": next((s for s in sites if s.pk == query.site_id), None),
        # One choice per person (of the chosen site, or of every site), named by their key.
        "agent_choices": directory.choices(query.site_id),
        "person": directory.chosen(query.agent, query.site_id),
        "unread_sites": directory.unread,
        # Rows name their site only where the list mixes sites.
        "site_column": query.site_id is None,
        "status_tabs": STATUS_TABS,
        "sort_choices": SORT_CHOICES,
        "from_params": query.params(),
        "rendered_at": timezone.now().isoformat(),
        "page_numbers": _page_numbers(page.page, page.last_page),
    }


def _page_numbers(current: int, last: int) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: None marks a gap."""
    wanted = {1, last, *range(current - 2, current + 3)}
    numbers: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def _shown(value: str | None) -> int:
    """``shown=`` from the address: how many rows "Load more" had listed (0: just the first)."""
    text = (value or "")[:6]
    return int(text) if text.isdigit() else 0


def _refresh(request: HttpRequest) -> bool:
    """The page's Refresh control ("?refresh=1"): read fresh from the sites."""
    return request.GET.get("refresh") == "1"


def hide_snoozed(request: HttpRequest, page: InboxPage) -> None:
    """Wake what is due (time passed, or the customer wrote since), hide what still sleeps.
    The cursor already counts hidden rows as shown, so Load more neither repeats nor skips."""
    loaded = {(row.site.pk, row.ticket.id): row.ticket for row in page.rows}
    wake_due(request, loaded)
    sleeping = {s.key for s in sleeping_snoozes(request)}
    if sleeping:
        page.rows = [row for row in page.rows if (row.site.pk, row.ticket.id) not in sleeping]


@require_GET
@vary_on_headers("HX-Request", "HX-Target")
@cached_page("tickets", "reference", "workflow", site_of=lambda request: request.GET.get("site"))
def inbox(request: HttpRequest) -> HttpResponse:
    query = InboxQuery.from_params(request.GET, user_sites(request))
    if people.is_person_key(query.agent):
        # Each site is filtered by its own id for the person: learn the ids nothing remembers.
        people.load(user_sites(request))
    cursor = request.GET.get("cursor", "")[:500]
    shown = _shown(request.GET.get("shown")) if not cursor else 0
    with meanwhile(partial(read_ahead, request), partial(read_permissions, request)):
        if shown:
            page = listing.load_shown(user_sites(request), query, shown=shown)
        else:
            page = listing.load(
                user_sites(request), query, cursor=cursor, refresh=_refresh(request)
            )
    # Tickets listed so far, snoozed ones included (the cursor counts them too).
    listed = sum(parse_cursor(cursor, user_sites(request)).values()) + len(page.rows)
    hide_snoozed(request, page)
    attach_sla(request, page.rows)
    context = _context(request, query, page, _directory(request, query, page))
    context["snoozed"] = sleeping_count(request)  # the sidebar's count
    if not context["sites"]:
        # The empty inbox points an agent at the team's sites to connect, an admin at adding one.
        context["team_sites"] = TeamSite.objects.count()
    # Unknown or out-of-range parameters are dropped and said so, never sent to a site.
    status = 400 if query.errors else 200
    if request.htmx and cursor:
        response = render(request, "tickets/inbox.html#more-rows", context, status=status)
        # The address remembers how many rows show, so Back (from a ticket) shows them again.
        address = query.url(reverse("tickets:inbox"))
        response["HX-Replace-Url"] = f"{address}{'&' if '?' in address else '?'}shown={listed}"
        return response
    if request.htmx and request.htmx.target == "results":
        return render(request, "tickets/inbox.html#results", context, status=status)
    return render(request, "tickets/inbox.html", context, status=status)


def _directory(request: HttpRequest, query: InboxQuery, page: InboxPage) -> people.Directory:
    """The people of the user's sites for the filter, bulk assign and the rows' labels: what is
    remembered of each site's agents, and the reference data a one-site list read anyway. The
    list itself asks no site for them (see ``counts`` for a site nothing is remembered of)."""
    known = {query.site_id: page.essentials.agents} if page.essentials else None
    return people.load(user_sites(request), known=known, read_missing=False)


@require_GET
@cached_page("tickets")
def counts(request: HttpRequest) -> HttpResponse:
    """Tab and sidebar counts, swapped into place out of band after the list has shown."""
    query = InboxQuery.from_params(request.GET, user_sites(request))
    sites = user_sites(request)
    # "Count all": every count of every site, asked for by the agent (see counts.py).
    everything = request.GET.get("all") == "1"
    # A site whose agents nothing remembers (connected since, or unused for a week) has them
    # read here, after the list has shown, rather than by the list: the next list offers its
    # people. Remembered sites cost nothing. Over many sites a visit's counts read nothing,
    # so their people are learnt when the agent counts everything or opens one site.
    if not from_list_only(sites, query, everything=everything):
        people.load(sites)
    context = {
        "counts": load_counts(sites, query, everything=everything),
        "sites": sites,
        "from_params": query.params(),
    }
    return render(request, "tickets/inbox.html#counts", context)


@require_GET
def changes(request: HttpRequest) -> HttpResponse:
    """How many tickets of the first page changed since the list was rendered (polled)."""
    query = InboxQuery.from_params(request.GET, user_sites(request))
    try:
        since = datetime.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        return HttpResponseBadRequest("since must be an ISO time")
    if since.tzinfo is None:
        # A time without a zone cannot be compared with the sites' UTC times.
        return HttpResponseBadRequest("since must be an ISO time with a zone (Z or +00:00)")
    page = listing.load(user_sites(request), query, refresh=_refresh(request))
    # The sites store whole seconds: a change in the second of rendering counts as new.
    since = since.replace(microsecond=0)
    changed = sum(
        1 for row in page.rows if row.ticket.updated_at and row.ticket.updated_at >= since
    )
    return render(request, "tickets/inbox.html#changes", {"changed": changed, "query": query})


class BulkForm(forms.Form):
    ACTIONS = [
        ("close", "Close"),
        ("assign_me", "Assign to me"),
        ("assign_agent", "Assign to agent"),
        ("add_tag", "Add tag"),
        ("delete", "Delete"),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    # A person (people.py): on each site, that site's agent id for them is assigned.
    agent = forms.RegexField(
        required=False,
        regex=rf"^{people.KEY_PATTERN}$",
        error_messages={"invalid": "Choose an agent from the list."},
    )
    tag = forms.IntegerField(required=False, min_value=1)
    confirm = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args, sites, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {site.pk: site for site in sites}

    def _selected(self) -> dict[int, list[int]]:
        """The "site:ticket" keys, grouped per site; keys of other users' sites are dropped."""
        grouped: dict[int, list[int]] = defaultdict(list)
        for key in self.data.getlist("t")[:500]:
            site_id, _, ticket_id = key.partition(":")
            if site_id.isdigit() and ticket_id.isdigit() and int(site_id) in self.sites:
                grouped[int(site_id)].append(int(ticket_id))
        return dict(grouped)

    def clean(self) -> dict:
        data = super().clean()
        data["t"] = self._selected()
        if not data["t"]:
            raise forms.ValidationError("Select at least one ticket.")
        if data.get("action") == "assign_agent" and not data.get("agent") and not self.errors:
            self.add_error("agent", "Choose an agent.")
        if data.get("action") == "add_tag" and not data.get("tag"):
            self.add_error("tag", "Choose a tag.")
        return data


def _back(request: HttpRequest, raw: str) -> str:
    if raw and url_has_allowed_host_and_scheme(raw, allowed_hosts={request.get_host()}):
        return raw
    return reverse("tickets:inbox")


def _bulk_calls(form: BulkForm, person: people.Person | None) -> tuple[dict, list[str]]:
    """One bulk call per site, and what was not asked of a site (and why), per site."""
    action = form.cleaned_data["action"]
    calls, refused = {}, []
    for site_id, ticket_ids in form.cleaned_data["t"].items():
        site = form.sites[site_id]
        client = client_for(site)
        numbers = ", ".join(f"#{t}" for t in ticket_ids)
        if action == "close":
            call = partial(ticket_bulk, client, action="close_tickets", ticket_ids=ticket_ids)
        elif action == "delete":
            call = partial(ticket_bulk, client, action="delete_tickets", ticket_ids=ticket_ids)
        elif action in ("assign_me", "assign_agent"):
            # Each site knows the person by its own agent id.
            if action == "assign_me":
                agent_id = people.mine_agent_id(site)
            else:
                agent_id = people.agent_id_on(site, person.key) if person else None
            if not agent_id:
                who = "you are" if action == "assign_me" else f"{person.name} is"
                refused.append(f"{site.label}: not assigned ({numbers}): {who} not an agent there.")
                continue
            call = partial(
                ticket_bulk, client, action="assign_agent", ticket_ids=ticket_ids, agent_id=agent_id
            )
        else:
            call = partial(
                ticket_bulk,
                client,
                action="assign_tags",
                ticket_ids=ticket_ids,
                tag_ids=[form.cleaned_data["tag"]],
            )
        calls[site_id] = call
    return calls, refused


@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """One bulk request per site (the plugin's own bulk route), in parallel; each site's
    failure is reported for its tickets while the other sites' changes stand."""
    sites = user_sites(request)
    form = BulkForm(request.POST, sites=sites)
    back = _back(request, request.POST.get("next", ""))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _after_bulk(request, back)
    selected = form.cleaned_data["t"]
    if form.cleaned_data["action"] == "delete" and not form.cleaned_data["confirm"]:
        count = sum(len(ids) for ids in selected.values())
        return render(
            request,
            "tickets/bulk_confirm.html",
            {"form": form, "count": count, "selected": request.POST.getlist("t"), "back": back},
        )
    # Assigning a person needs their id on every site chosen, remembered or read.
    directory = people.load(sites, read_missing=form.cleaned_data["action"] == "assign_agent")
    person = directory.person(form.cleaned_data.get("agent") or "")
    if form.cleaned_data["action"] == "assign_agent" and person is None:
        messages.error(request, "That agent is not on your sites any more; choose another.")
        return _after_bulk(request, back)
    calls, refused = _bulk_calls(form, person)
    outcomes = run_parallel(calls)
    names = _bulk_names(form, outcomes, person)
    for site_id, outcome in outcomes.items():
        site, ticket_ids = form.sites[site_id], selected[site_id]
        numbers = ", ".join(f"#{t}" for t in ticket_ids)
        if outcome.ok:
            text = bulk_outcome_text(
                form.cleaned_data["action"], len(ticket_ids), outcome.value, **names
            )
            messages.success(request, f"{site.label}: {text} ({numbers}).")
        else:
            messages.error(
                request, f"{site.label}: not changed ({numbers}): {outcome.error.message}"
            )
    for note in refused:
        messages.error(request, note)
    return _after_bulk(request, back)


def _bulk_names(form: BulkForm, outcomes: dict, person: people.Person | None) -> dict[str, str]:
    """The chosen person's and tag's names, for our own message: a tag id belongs to one site,
    so adding a tag only comes from a one-site list."""
    action = form.cleaned_data["action"]
    if action == "assign_agent":
        return {"agent": person.name} if person else {}
    if action != "add_tag" or len(outcomes) != 1:
        return {}
    (site_id,) = outcomes
    try:
        essentials = essentials_get(client_for(form.sites[site_id]))
    except UpstreamError:
        return {}
    tag = next((t for t in essentials.tags if t.id == form.cleaned_data["tag"]), None)
    return {"tag": tag.title} if tag else {}


def bulk_outcome_text(
    action: str, asked: int, count: int | None, *, agent: str = "", tag: str = ""
) -> str:
    """What one site did, in our words, from what we asked and the count the plugin answered
    (its own message is not shown: "4 tickets have been assigned to ." for an agent without a
    name, and an N that silently leaves out tickets already assigned to that agent)."""
    tickets = f"{asked} ticket{pluralize(asked)}"
    if action in ("assign_me", "assign_agent"):
        who = "you" if action == "assign_me" else (agent or "the chosen agent")
        if count is None or count >= asked:
            return f"{tickets} assigned to {who}"
        return (
            f"{count} of {tickets} assigned to {who}; the other {asked - count} already "
            f"{'was' if asked - count == 1 else 'were'} (or the site skipped "
            f"{'it' if asked - count == 1 else 'them'})"
        )
    if action == "add_tag":
        return f"tag “{tag}” added to {tickets}" if tag else f"tag added to {tickets}"
    done = "closed" if action == "close" else "deleted"
    if count is None or count >= asked:
        return f"{tickets} {done}"
    missing = asked - count
    return (
        f"{count} of {tickets} {done}; {missing} no longer "
        f"{'exists' if missing == 1 else 'exist'} or {'is' if missing == 1 else 'are'} not yours"
    )


def _after_bulk(request: HttpRequest, back: str) -> HttpResponse:
    if not request.htmx:
        return redirect(back)
    # Re-render the list the agent was looking at, with the outcome above it.
    params = QueryDict(urlsplit(back).query)
    query = InboxQuery.from_params(params, user_sites(request))
    page = listing.load(user_sites(request), query, refresh=_refresh(request))
    attach_sla(request, page.rows)
    context = _context(request, query, page, _directory(request, query, page))
    response = render(request, "tickets/inbox.html#results", context)
    response["HX-Trigger"] = "ticketUpdated"
    return response
