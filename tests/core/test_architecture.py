"""The import rules between the dashboard's layers, read from the source with ``ast``: every
import counts, at module level, inside a function or under ``TYPE_CHECKING``."""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path

import dashboard

ROOT = Path(dashboard.__file__).parent

# Plain modules a template tag may use besides Django and the standard library: pure helpers
# and value objects that read no database and call no site.
TAG_HELPERS = (
    "dashboard.durations",
    "dashboard.html",
    "dashboard.tickets.query",  # the inbox's state as it is written in the URL
    "dashboard.tickets.rows",
)
# Parts of Django that belong to the web layer, which the upstream client knows nothing of.
DJANGO_WEB = ("django.http", "django.shortcuts", "django.template")
# The dashboard's own screens and what serves them.
WEB_LAYER = (
    "dashboard.pages",
    "dashboard.pagecache",
    "dashboard.middleware",
    "dashboard.context_processors",
    "dashboard.accounts",
    "dashboard.tickets",
    "dashboard.customers",
    "dashboard.queues",
    "dashboard.workflow",
    "dashboard.sites",
)


@cache
def modules() -> dict[str, Path]:
    """Every module of the dashboard by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if modules()[module].name != "__init__.py":
        package.pop()
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


@cache
def imports(module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import in ``module``; ``from a import b`` names
    ``a.b`` when that is a module of the dashboard, else ``a``."""
    tree = ast.parse(modules()[module].read_text(), filename=str(modules()[module]))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            for alias in node.names:
                target = f"{source}.{alias.name}"
                found.append((node.lineno, target if target in modules() else source))
    return list(dict.fromkeys(found))


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(f"{prefix}.") for prefix in prefixes)


def is_tag_module(name: str) -> bool:
    return "templatetags" in name.split(".")


def is_view_module(name: str) -> bool:
    return name.startswith("dashboard.") and "views" in name.split(".")


def offenders(sources, forbidden) -> list[str]:
    return [
        f"{modules()[module].relative_to(ROOT.parent)}:{line} imports {target}"
        for module in sorted(modules())
        if sources(module)
        for line, target in imports(module)
        if forbidden(target)
    ]


def test_template_tags_import_only_django_the_standard_library_and_plain_helpers():
    """Tags format what a view gives them: no ORM, no services, no views, no upstream."""
    assert any(is_tag_module(name) for name in modules()), "no templatetags module found"

    def forbidden(target: str) -> bool:
        top = target.split(".")[0]
        if top == "django":
            return within(target, ("django.db",))
        if top == "dashboard":
            return not (is_tag_module(target) or within(target, TAG_HELPERS))
        return top not in sys.stdlib_module_names

    found = offenders(is_tag_module, forbidden)
    assert not found, "Template tags may import only Django (not django.db), the standard " + (
        "library, other tags and " + ", ".join(TAG_HELPERS) + ":\n" + "\n".join(found)
    )


def test_nothing_but_template_tags_imports_template_tags():
    """Pure helpers live in plain modules; domain code never reaches into templatetags."""
    found = offenders(lambda module: not is_tag_module(module), is_tag_module)
    assert not found, "Move what these use into a plain module:\n" + "\n".join(found)


def test_the_upstream_client_knows_no_web_layer():
    """``dashboard.fluent`` talks to WordPress; requests, templates and screens are above it."""

    def forbidden(target: str) -> bool:
        return (
            within(target, DJANGO_WEB)
            or within(target, WEB_LAYER)
            or is_view_module(target)
            or is_tag_module(target)
        )

    found = offenders(lambda module: within(module, ("dashboard.fluent",)), forbidden)
    assert not found, "dashboard.fluent imports from the web layer:\n" + "\n".join(found)


def test_the_simulator_knows_nothing_of_the_dashboards_screens():
    """The simulated WordPress stands for the sites: it may share the upstream client's
    helpers, never the dashboard's views, tags or apps."""

    def forbidden(target: str) -> bool:
        return within(target, WEB_LAYER) or is_view_module(target) or is_tag_module(target)

    found = offenders(lambda module: within(module, ("dashboard.simulator",)), forbidden)
    assert not found, "dashboard.simulator imports from the dashboard:\n" + "\n".join(found)
