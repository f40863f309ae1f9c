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
    "dashboard.tickets.links",  # the one thread URL helper
    "dashboard.reversing",  # reverse, kept
    "dashboard.tickets.rows",
)
# Parts of Django that belong to the web layer, which the upstream client knows nothing of.
DJANGO_WEB = ("django.http", "django.shortcuts", "django.template")
# The dashboard's own screens and what serves them.
WEB_LAYER = (
    "dashboard.usersites",
    "dashboard.upstream_errors",
    "dashboard.pagecache",
    "dashboard.middleware",
    "dashboard.context_processors",
    "dashboard.accounts",
    "dashboard.tickets",
    "dashboard.customers",
    "dashboard.queues",
    "dashboard.reports",
    "dashboard.workflow",
    "dashboard.sites",
    "dashboard.audit",
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


# Modules that do the work behind the screens: they take a user, sites and a query, never the
# request, and answer data, never HTTP. (Views, middleware and context processors sit above.)
SERVICES = (
    "dashboard.fluent",
    "dashboard.accounts.roles",
    "dashboard.accounts.members",
    "dashboard.sites.services",
    "dashboard.tickets.listing",
    "dashboard.tickets.counts",
    "dashboard.tickets.search",
    "dashboard.tickets.merging",
    "dashboard.tickets.replies",
    "dashboard.tickets.uploads",
    "dashboard.tickets.previews",
    "dashboard.tickets.conversation",
    "dashboard.tickets.rows",
    "dashboard.tickets.links",
    "dashboard.tickets.loop",
    "dashboard.tickets.people",
    "dashboard.customers.lookup",
    "dashboard.customers.directory",
    "dashboard.queues.figures",
    "dashboard.queues.overview",
    "dashboard.queues.people",
    "dashboard.queues.plan",
    "dashboard.queues.reader",
    "dashboard.queues.totals",
    "dashboard.queues.waiting",
    "dashboard.reports.figures",
    "dashboard.reports.sources",
    "dashboard.reports.mine",
    "dashboard.reports.stats",
    "dashboard.reports.charts",
    "dashboard.reports.tables",
    "dashboard.workflow.services",
    "dashboard.workflow.notify",
    "dashboard.workflow.sla",
    "dashboard.workflow.snooze",
    "dashboard.workflow.placeholders",
    "dashboard.workflow.signatures",
    "dashboard.audit.outcomes",
    "dashboard.audit.retention",
)
# A module over this many lines is doing more than one thing (seed data excepted).
MAX_LINES = 400
LONG_BY_NATURE = ("dashboard.simulator.data",)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for inner in ast.walk(node):
                if hasattr(inner, "lineno"):
                    lines.add(inner.lineno)
    return lines


def runtime_imports(module: str) -> set[str]:
    """The dashboard modules ``module`` imports when it runs: every import, at module level
    or inside a function, except those under ``TYPE_CHECKING``, which only type checkers read.
    ``from package import name`` names the package itself only when ``name`` is no module."""
    tree = ast.parse(modules()[module].read_text())
    typing_only = _type_checking_lines(tree)
    return {
        target
        for line, target in imports(module)
        if line not in typing_only and target in modules() and target != module
    }


def test_no_import_circle():
    """Modules depend one way: a circle (even one broken by an import inside a function) means
    two modules each need the other, and neither can be read or changed alone."""
    graph = {module: runtime_imports(module) for module in modules()}
    # Packages import their own submodules to re-export them; a submodule naming its package
    # is the circle, so only that direction is kept out.
    for module, targets in graph.items():
        graph[module] = {t for t in targets if not module.startswith(f"{t}.")}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph):
        if module not in index:
            visit(module)
    assert not circles, "Import circles:\n" + "\n".join(" <-> ".join(c) for c in circles)


def test_services_take_no_request_and_answer_no_http():
    """Views parse the request, call a service with what it needs, and render its answer."""
    found = []
    for module in sorted(modules()):
        if not within(module, SERVICES):
            continue
        tree = ast.parse(modules()[module].read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for arg in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]:
                    if arg.annotation is not None and "HttpRequest" in ast.unparse(arg.annotation):
                        found.append(f"{module}.{node.name}({arg.arg}: HttpRequest)")
        for line, target in imports(module):
            if within(target, DJANGO_WEB) or within(target, ("django_htmx",)):
                found.append(
                    f"{modules()[module].relative_to(ROOT.parent)}:{line} imports {target}"
                )
    assert not found, "Services know no request or response:\n" + "\n".join(found)


def test_every_service_module_named_here_exists():
    """The list above names real modules, so a rename cannot quietly take one off it."""
    missing = [name for name in SERVICES if not any(within(m, (name,)) for m in modules())]
    assert not missing, missing


def test_no_module_does_more_than_one_thing():
    long = [
        f"{modules()[module].relative_to(ROOT.parent)}: {count} lines"
        for module in sorted(modules())
        if module not in LONG_BY_NATURE
        and "migrations" not in module.split(".")
        and (count := len(modules()[module].read_text().splitlines())) > MAX_LINES
    ]
    assert not long, f"Modules over {MAX_LINES} lines; cut them at their seams:\n" + "\n".join(long)
