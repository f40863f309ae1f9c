"""Every route of the project is a decision: recorded as a write, or named as not recorded with
the reason. A new route that is in neither list fails here, so a write cannot be forgotten."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from dashboard.audit.actions import ACTIONS, NOT_AUDITED, NOT_AUDITED_NAMESPACES, WRITES


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """The full name (namespace:name) of every named URL pattern, included ones too."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_route_is_recorded_or_named_as_not_recorded():
    names = {name for name in url_names() if name.split(":")[0] not in NOT_AUDITED_NAMESPACES}
    undecided = sorted(names - set(WRITES) - set(NOT_AUDITED))
    assert not undecided, (
        "Routes neither audited nor named as not audited (dashboard/audit/actions.py): "
        + ", ".join(undecided)
    )


def test_the_lists_name_only_routes_that_exist_and_each_route_once():
    names = url_names()
    assert not set(WRITES) & set(NOT_AUDITED)
    assert not (set(WRITES) | set(NOT_AUDITED)) - names, "stale names in the registry"


def test_the_walk_sees_included_and_namespaced_routes():
    # The test above is only as good as this walk: it must reach into every include().
    names = url_names()
    assert {"tickets:reply", "tickets:inbox", "sites:remove", "admin:index", "login"} <= names


def test_every_write_route_has_a_named_action():
    for name, route in WRITES.items():
        codes = {"reply", "reply_close", "note"} if callable(route.action) else {route.action}
        assert codes <= set(ACTIONS), name
