"""The queues page as CSV: the site table, then the breakdowns by agent (per site, then per
person across sites), mailbox and product."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from dashboard.queues.overview import Figure, Oldest, Overview, SiteRow

# A cell starting with one of these is read as a formula by spreadsheet programs; site, agent,
# mailbox and product names come from other people's WordPress sites.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _figure(figure: Figure | None) -> str:
    if figure is None or figure.value is None:
        return ""
    return f"{figure.value}+" if figure.at_least else str(figure.value)


def _oldest(oldest: Oldest | None) -> list[str]:
    if oldest is None:
        return ["", ""]
    hours = (timezone.now() - oldest.since).total_seconds() / 3600
    return [timezone.localtime(oldest.since).isoformat(timespec="seconds"), f"{hours:.1f}"]


def header(overview: Overview) -> list[str]:
    buckets = [f"Waiting over {hours} h" for hours in overview.thresholds]
    return [
        "Section",
        "Site",
        "Name",
        "Open",
        "New",
        "Unassigned",
        "Waiting",
        *buckets,
        "Oldest waiting since",
        "Oldest waiting (hours)",
        "Closed today",
        "Note",
    ]


def _site_note(row: SiteRow) -> str:
    notes = []
    if row.error is not None:
        notes.append(f"Did not answer: {row.error.message}")
    if row.limited:
        notes.append("Only tickets assigned to you and unassigned ones (your WordPress user).")
    if row.reports_denied:
        notes.append("Closed today needs the View All Reports permission.")
    if row.site is None and row.counted_sites < row.of_sites:
        notes.append(f"Sum over {row.counted_sites} of {row.of_sites} sites.")
    notes.extend(row.problems if row.error is None else [])
    return " ".join(notes)


def rows(overview: Overview) -> Iterator[list[str]]:
    width = len(overview.thresholds)
    blank_buckets = [""] * width
    yield header(overview)
    site_rows = [*overview.sites, *([overview.total] if overview.total else [])]
    for row in site_rows:
        label = row.site.label if row.site else "All sites"
        yield [
            "Site" if row.site else "Total",
            label,
            label,
            _figure(row.open),
            _figure(row.new),
            _figure(row.unassigned),
            _figure(row.waiting),
            *(_figure(f) for f in row.buckets),
            *_oldest(row.oldest),
            _figure(row.closed_today),
            _site_note(row),
        ]
    for site in overview.reconnect:
        yield [
            "Site",
            site.label,
            site.label,
            *[""] * (4 + width + 3),
            "WordPress refused the stored Application Password; reconnect the site.",
        ]
    for agent in overview.agents:
        yield [
            "Agent",
            agent.site.label,
            agent.agent.name,
            _figure(agent.open),
            "",
            "",
            _figure(agent.waiting),
            *blank_buckets,
            *_oldest(agent.oldest),
            _figure(agent.closed_today),
            "",
        ]
    # One row per person across the sites (the page's "By agent"); the Agent rows above are
    # their per-site breakdown.
    for person in overview.people:
        yield [
            "Person",
            ", ".join(row.site.label for row in person.sites),
            person.person.name,
            _figure(person.open),
            "",
            "",
            _figure(person.waiting),
            *blank_buckets,
            *_oldest(person.oldest),
            _figure(person.closed_today),
            "",
        ]
    for section, groups in (("Mailbox", overview.mailboxes), ("Product", overview.products)):
        for group in groups:
            yield [
                section,
                group.site.label,
                group.name,
                _figure(group.open),
                "",
                "",
                "",
                *blank_buckets,
                "",
                "",
                _figure(group.closed_today),
                "",
            ]
