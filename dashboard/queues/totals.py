"""The queues page's total row: every answering site's figures summed, saying which sites
were left out and which figures some sites could not give."""

from __future__ import annotations

from dashboard.queues.overview import Figure, SiteRow, inbox_url
from dashboard.queues.reader import CLOSED_LINK_HINT, bucket_hint


def _sum(figures: list[Figure]) -> int | None:
    values = [f.value for f in figures if f.value is not None]
    return sum(values) if values else None


def total_row(rows: list[SiteRow], hours: list[int]) -> SiteRow:
    """All sites together; a site that did not answer is left out, and the row says so."""
    answered = [row for row in rows if row.error is None]
    of_sites = len(rows)
    partial_hint = (
        f"Sum over the {len(answered)} of {of_sites} sites that answered."
        if len(answered) < of_sites
        else ""
    )

    def total(name: str, url: str, hint: str = "") -> Figure:
        figures = [getattr(row, name) for row in answered]
        value = _sum(figures)
        missing = any(f.missing for f in figures)
        note = " ".join(filter(None, [hint, partial_hint])).strip()
        if missing and value is not None:
            note = (note + " Some sites could not give this figure.").strip()
        return Figure(value, url=url, hint=note)

    waiting_url = inbox_url(waiting=True, sort="waiting")
    buckets = []
    for index, limit in enumerate(hours):
        figures = [row.buckets[index] for row in answered]
        value = _sum(figures)
        buckets.append(
            Figure(
                value,
                url=waiting_url,
                hint=" ".join(filter(None, [bucket_hint(limit, value, None), partial_hint])),
                at_least=any(f.at_least for f in figures),
            )
        )
    oldest = min(
        (row.oldest for row in answered if row.oldest), key=lambda o: o.since, default=None
    )
    return SiteRow(
        site=None,
        open=total("open", inbox_url()),
        new=total("new", inbox_url(status="new")),
        unassigned=total("unassigned", inbox_url(agent="unassigned")),
        waiting=total("waiting", waiting_url),
        buckets=buckets,
        closed_today=total("closed_today", inbox_url(status="closed"), CLOSED_LINK_HINT),
        oldest=oldest,
        counted_sites=len(answered),
        of_sites=of_sites,
    )
