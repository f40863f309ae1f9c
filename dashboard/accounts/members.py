"""The team's users as admins manage them: list, add, change a role, deactivate.

Services in the HackSoft sense: they take the acting user and what to change, never the
request. Every change keeps at least one active admin, so the team can always be managed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from dashboard.accounts import roles
from dashboard.accounts.models import TemporaryPassword
from dashboard.user_generation import bump_user_generation


class RefusedError(Exception):
    """A change the team's rules do not allow; the message says why, for the admin."""


class LastAdminError(RefusedError):
    """The change would leave nobody who can manage users."""


LAST_ADMIN = (
    "{name} is the last admin: make someone else an Admin first, or nobody could manage "
    "users any more."
)


@dataclass
class Member:
    user: object
    role: roles.Role | None

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def temporary_password(self) -> bool:
        """They have not replaced the password an admin gave them yet."""
        return hasattr(self.user, "temporary_password")


def member_list() -> list[Member]:
    """Every user, active ones first, by name; groups prefetched so roles cost one query."""
    users = (
        get_user_model()
        .objects.prefetch_related("groups")
        .select_related("temporary_password")
        .order_by("-is_active", "first_name", "last_name", "username")
    )
    return [Member(user, roles.role_of(user)) for user in users]


def member_get(pk: int):
    users = get_user_model().objects.prefetch_related("groups")
    return users.select_related("temporary_password").get(pk=pk)


def _refuse_last_admin(user, **change) -> None:
    if roles.leaves_no_admin(user, **change):
        name = user.get_full_name() or user.get_username()
        raise LastAdminError(LAST_ADMIN.format(name=name))


SUPERUSER = "{name} is a superuser, an Admin whatever their role: change that in Administration."


@transaction.atomic
def member_set_role(*, member, role: roles.Role) -> None:
    if member.is_superuser and role is not roles.ADMIN:
        name = member.get_full_name() or member.get_username()
        raise RefusedError(SUPERUSER.format(name=name))
    _refuse_last_admin(member, role=role)
    roles.set_role(member, role)


@transaction.atomic
def member_set_active(*, member, active: bool) -> None:
    if not active:
        _refuse_last_admin(member, active=False)
    member.is_active = active
    member.save(update_fields=["is_active"])
    # Their sessions end at their next request: an inactive user is no user to Django's
    # authentication backend. Pages rendered for them must not be served either.
    bump_user_generation(member.pk)


@transaction.atomic
def member_add(
    *,
    by,
    username: str,
    email: str,
    password: str,
    role: roles.Role,
    first_name: str = "",
    last_name: str = "",
):
    """A new user with a temporary password: they must choose their own when they log in."""
    user = get_user_model().objects.create_user(
        username, email=email, password=password, first_name=first_name, last_name=last_name
    )
    roles.set_role(user, role)
    TemporaryPassword.objects.create(user=user, set_by=by)
    return user
