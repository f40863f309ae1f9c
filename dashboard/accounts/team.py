"""The Team page, for admins: every user with their role; change a role, add a user with a
temporary password, deactivate or reactivate a user."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from dashboard.accounts import members, roles
from dashboard.accounts.access import role_required
from dashboard.accounts.forms import ActiveForm, NewUserForm, RoleForm
from dashboard.audit import notes as audit

SELF_DEACTIVATION = "You cannot deactivate yourself: another admin can."


def _member(pk: int):
    try:
        return members.member_get(pk)
    except get_user_model().DoesNotExist:
        raise Http404("No such user") from None


def _row_url(user) -> str:
    return f"{reverse('team:list')}#user-{user.pk}"


def _answer(request: HttpRequest, user, *, error: str = "", done: str = "") -> HttpResponse:
    """The row again (htmx), with what happened in it; without JavaScript, back to the list
    with a message."""
    if error:
        audit.note(request, problem="refused")
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, done)
        return redirect(_row_url(user))
    fresh = members.member_get(user.pk)
    context = {
        "member": members.Member(fresh, roles.role_of(fresh)),
        "roles": roles.ROLES,
        "error": error,
        "done": done,
    }
    return render(request, "accounts/team.html#member-row", context, status=422 if error else 200)


@role_required(roles.MANAGE_USERS)
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    context = {"members": members.member_list(), "roles": roles.ROLES}
    return render(request, "accounts/team.html", context)


@role_required(roles.MANAGE_USERS)
@require_POST
def change_role(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _answer(request, user, error="Choose one of the roles.")
    role = form.chosen_role()
    try:
        members.member_set_role(member=user, role=role)
    except members.RefusedError as refusal:
        return _answer(request, user, error=str(refusal))
    name = user.get_full_name() or user.get_username()
    if user.pk == request.user.pk and roles.MANAGE_USERS not in role.permissions:
        # They gave their own admin role away: this page is no longer theirs.
        messages.success(request, f"You are now {role.with_article}.")
        url = reverse("tickets:inbox")
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return _answer(request, user, done=f"{name} is now {role.with_article}.")


@role_required(roles.MANAGE_USERS)
@require_POST
def change_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _member(pk)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        return _answer(request, user, error="Choose active or deactivated.")
    active = bool(form.cleaned_data["active"])
    if user.pk == request.user.pk and not active:
        return _answer(request, user, error=SELF_DEACTIVATION)
    try:
        members.member_set_active(member=user, active=active)
    except members.RefusedError as refusal:
        return _answer(request, user, error=str(refusal))
    name = user.get_full_name() or user.get_username()
    done = f"{name} can log in again." if active else f"{name} is deactivated and logged out."
    return _answer(request, user, done=done)


@role_required(roles.MANAGE_USERS)
def add(request: HttpRequest) -> HttpResponse:
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = members.member_add(
            by=request.user,
            username=data["username"],
            email=data["email"],
            password=data["password1"],
            role=form.chosen_role(),
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        audit.note(request, object_id=user.pk)
        messages.success(
            request,
            f"Added {user.get_username()} as {form.chosen_role().with_article}. Give them the "
            "temporary password: they choose their own when they first log in.",
        )
        return redirect(_row_url(user))
    status = 422 if form.errors else 200
    return render(request, "accounts/team_add.html", {"form": form}, status=status)
