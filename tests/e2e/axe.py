"""axe-core in the browser journeys: run it on the page as it is and fail on what blocks people.

axe-core comes bundled in ``axe-playwright-python`` and is injected into the page through the
DevTools protocol, so it needs no network and is not stopped by the page's Content Security
Policy. Only serious and critical violations fail a journey: those are the ones that lock a
screen-reader, keyboard or low-vision user out; minor and moderate findings are best practice.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

BLOCKING = ("serious", "critical")
_axe = Axe()


def blocking_violations(page, *, exclude: list[str] | None = None) -> list[dict]:
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = _axe.run(page, context=context)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict]) -> str:
    """One paragraph per rule: what is wrong, why it matters and the first few elements."""
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({len(nodes)} element{'s' if len(nodes) != 1 else ''}; {violation['helpUrl']})"
        )
        for node in nodes[:4]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {summary[:240]}")
    return "\n".join(lines)


def assert_accessible(page, where: str, *, exclude: list[str] | None = None) -> None:
    """Fail with a readable list when axe finds a serious or critical violation on the page."""
    violations = blocking_violations(page, exclude=exclude)
    assert not violations, f"axe on {where} ({page.url}):\n{describe(violations)}"
