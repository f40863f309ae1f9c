"""Roles: what each kind of user of the dashboard may do, kept as Django groups.

An **Agent** works tickets and keeps personal saved replies; a **Team lead** also sees the team's
queues and reports and changes team settings (SLA targets, shared saved replies); an **Admin**
also manages sites and users. Each role holds everything of the one before it.

The lists below are the truth: after every migrate ``sync_roles`` writes them into the groups
"Agent", "Team lead" and "Admin", so giving a role a permission is one line here. Superusers
pass every check whatever their group (Django's own rule) and count as admins.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q, QuerySet

from dashboard.user_generation import bump_user_generation

logger = logging.getLogger(__name__)

# The permissions views check, by name, so a typo is an import error rather than a refusal.
VIEW_QUEUES = "accounts.view_queues"
VIEW_TEAM_REPORTS = "accounts.view_team_reports"
CHANGE_TEAM_SETTINGS = "accounts.change_team_settings"
MANAGE_SITES = "accounts.manage_sites"
MANAGE_USERS = "accounts.manage_users"
ADD_REPLY = "workflow.add_savedreply"
CHANGE_REPLY = "workflow.change_savedreply"
DELETE_REPLY = "workflow.delete_savedreply"
VIEW_SLA = "workflow.view_slapolicy"
VIEW_AUDIT = "audit.view_auditentry"

AGENT_PERMISSIONS = (ADD_REPLY, CHANGE_REPLY, DELETE_REPLY, VIEW_SLA)
TEAM_LEAD_PERMISSIONS = (
    *AGENT_PERMISSIONS,
    VIEW_QUEUES,
    VIEW_TEAM_REPORTS,
    CHANGE_TEAM_SETTINGS,
    VIEW_AUDIT,
)
ADMIN_PERMISSIONS = (*TEAM_LEAD_PERMISSIONS, MANAGE_SITES, MANAGE_USERS)

# What a refused person was trying to do, for the page that tells them whom to ask.
ACTIONS = {
    VIEW_QUEUES: "open the team's queues",
    VIEW_TEAM_REPORTS: "open the team's reports",
    CHANGE_TEAM_SETTINGS: "change team settings (SLA targets and shared saved replies)",
    MANAGE_SITES: "manage the team's sites",
    MANAGE_USERS: "manage users and their roles",
    ADD_REPLY: "create saved replies",
    CHANGE_REPLY: "edit saved replies",
    DELETE_REPLY: "delete saved replies",
    VIEW_SLA: "see SLA targets",
    VIEW_AUDIT: "read the audit log",
}


@dataclass(frozen=True)
class Role:
    key: str  # in forms and URLs
    name: str  # the group's name, shown to people
    permissions: tuple[str, ...]

    def __str__(self) -> str:
        return self.name

    @property
    def with_article(self) -> str:
        """ "an Admin", "a Team lead"."""
        return f"{'an' if self.name[0] in 'AEIOU' else 'a'} {self.name}"


AGENT = Role("agent", "Agent", AGENT_PERMISSIONS)
TEAM_LEAD = Role("team_lead", "Team lead", TEAM_LEAD_PERMISSIONS)
ADMIN = Role("admin", "Admin", ADMIN_PERMISSIONS)
ROLES = (AGENT, TEAM_LEAD, ADMIN)  # least first
BY_KEY = {role.key: role for role in ROLES}


def role_of(user) -> Role | None:
    """The highest role the user holds; superusers are admins. None for a user without one
    (only possible for users whose groups were changed by hand)."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ADMIN
    # groups.all() so that a list prefetched with prefetch_related("groups") costs no query.
    names = {group.name for group in user.groups.all()}
    for role in reversed(ROLES):
        if role.name in names:
            return role
    return None


def roles_allowed(perm: str) -> list[Role]:
    """The roles that hold ``perm``, least first."""
    return [role for role in ROLES if perm in role.permissions]


def describe(perm: str) -> str:
    return ACTIONS.get(perm, "open this page")


def _role_groups() -> dict[str, Group]:
    groups = {group.name: group for group in Group.objects.filter(name__in=[r.name for r in ROLES])}
    for role in ROLES:
        if role.name not in groups:
            # Before the first migrate's sync (or after a flush): the sync fills it in later.
            groups[role.name], _created = Group.objects.get_or_create(name=role.name)
    return groups


def set_role(user, role: Role) -> None:
    """Give ``user`` exactly one role; groups that are no role are left alone."""
    groups = _role_groups()
    others = [groups[r.name] for r in ROLES if r is not role]
    user.groups.remove(*others)
    user.groups.add(groups[role.name])
    # Permissions are cached on the user object, and pages rendered for them show the menu
    # of their old role: both are out of date now.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    bump_user_generation(user.pk)


def admins() -> QuerySet:
    """Active users who may manage users: superusers and holders of the Admin role."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=ADMIN.name))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def leaves_no_admin(user, *, role: Role | None = None, active: bool | None = None) -> bool:
    """Would giving ``user`` this role, or this active state, leave nobody to manage users?"""
    still_admin = (user.is_superuser or (role or role_of(user)) is ADMIN) and (
        user.is_active if active is None else active
    )
    return not still_admin and not admins().exclude(pk=user.pk).exists()


def give_default_role(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of users: a new user is an Agent until someone decides otherwise, a new
    superuser an Admin (as ``createsuperuser`` makes them)."""
    if created and not raw:
        set_role(instance, ADMIN if instance.is_superuser else AGENT)


def sync_roles(sender=None, *, using: str = DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """post_migrate: make the groups hold exactly the permissions listed above.

    Idempotent. A permission of an app that is not installed (yet) is left out quietly and
    added by the first migrate after the app is; permissions of apps migrated after this one
    are created here first, so the order of INSTALLED_APPS does not matter.
    """
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
        apps.get_model("accounts", "Access")
    except LookupError:
        return  # migrated back before roles existed (or before auth): nothing to write into
    wanted = {perm for role in ROLES for perm in role.permissions}
    labels = {perm.split(".", 1)[0] for perm in wanted}
    installed = set()
    for label in sorted(labels):
        try:
            app_config = global_apps.get_app_config(label)
        except LookupError:
            logger.debug("roles: app %s is not installed; its permissions wait", label)
            continue
        installed.add(label)
        create_permissions(app_config, verbosity=0, using=using, apps=apps)

    lookup = Q(pk__in=[])
    for perm in wanted:
        label, codename = perm.split(".", 1)
        if label in installed:
            lookup |= Q(content_type__app_label=label, codename=codename)
    found = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in permission_model.objects.using(using).filter(lookup).select_related("content_type")
    }
    missing = sorted(p for p in wanted if p.split(".", 1)[0] in installed and p not in found)
    if missing:
        logger.warning("roles: permissions not found, left out: %s", ", ".join(missing))
    for role in ROLES:
        group, _created = group_model.objects.using(using).get_or_create(name=role.name)
        group.permissions.set([found[perm] for perm in role.permissions if perm in found])
