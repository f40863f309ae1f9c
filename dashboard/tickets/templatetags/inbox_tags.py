"""The inbox template's helpers: URLs that carry the whole state of the list, and its rows."""

from __future__ import annotations

import html
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from dashboard.html import html_to_text
from dashboard.templatetags.ui import (
    avatar,
    priority_label,
    site_badge,
    status_pill,
    waiting,
    when,
)
from dashboard.tickets.links import thread_url
from dashboard.tickets.query import InboxQuery
from dashboard.tickets.rows import Row
from dashboard.workflow.templatetags.workflow import sla_badge

register = template.Library()


@register.filter
def status_url(query: InboxQuery, status: str) -> str:
    return query.url(reverse("tickets:inbox"), status=status, page=1)


@register.filter
def page_url(query: InboxQuery, number: int) -> str:
    return query.url(reverse("tickets:inbox"), page=int(number))


@register.filter
def urlencode_params(params: dict) -> str:
    return urlencode(params)


@register.simple_tag(takes_context=True)
def ticket_row(context, row: Row, query: InboxQuery, show_site: bool = True) -> SafeString:
    """One inbox row, built in Python as Django's admin builds its result rows: a page has up
    to fifteen of them, and as template markup their nodes cost more than the rest of the page.

    The site badge is left out when the page shows one site (every row would carry the same).
    """
    ticket, site = row.ticket, row.site
    # The thread link remembers the list it was opened from (for prev/next and Back); that
    # part of it is the same on every row, so it is built once per page.
    from_qs = context.get("_from_qs")
    if from_qs is None:
        from_qs = context["_from_qs"] = urlencode(query.params())
    if row.preview is not None:
        note = '<span class="row-note">Note:</span> ' if row.preview.is_note else ""
        excerpt = note + _text(row.preview.text)
    else:
        excerpt = _text(html_to_text(ticket.content, limit=140))
    customer = ticket.customer
    agent = _text(ticket.agent.name) if ticket.agent else _UNASSIGNED
    if ticket.is_waiting:
        time = waiting(ticket.customer_waiting_since) + _WAITING_DOT
    else:
        time = when(ticket.last_activity, "")
    site_cell = f'<span class="row-site">{site_badge(site)}</span>' if show_site else ""
    tags = "".join(f'<span class="tag">{_text(tag.title)}</span>' for tag in ticket.tags)
    href = thread_url(site, ticket.id, from_qs)
    name = _text((customer.name if customer else "") or "Unknown customer")
    email = _text(customer.email if customer else "")
    key = row.key
    # Every value from a site goes through _text; the other pieces are our own safe HTML.
    return mark_safe(  # noqa: S308
        f'<li class="row{" is-waiting" if ticket.is_waiting else ""}" data-row tabindex="-1" '
        f'data-key-id="{key}"><input type="checkbox" name="t" value="{key}" form="bulk-form" '
        f'class="row-check" aria-label="Select ticket #{ticket.id}">{site_cell}'
        f'<span class="row-main"><a class="row-title" href="{_text(href)}">'
        f'<span class="row-number">#{ticket.id}</span> {_text(ticket.title)}</a>'
        f'<span class="row-excerpt">{excerpt}</span>'
        f'<span class="row-meta">{status_pill(ticket.status)}{priority_label(ticket.priority)}'
        f'{sla_badge(row.sla)}{tags}<span class="row-agent">{agent}</span></span>'
        f'</span><span class="row-customer">{avatar(customer, "sm")}'
        f'<span class="row-customer-text"><span class="row-customer-name">{name}</span>'
        f'<span class="row-customer-email">{email}</span></span></span>'
        f'<span class="row-time">{time}</span></li>'
    )


def _text(value: object) -> str:
    """Escaped text for the row: the standard library's escape, as Django's does, without the
    lazy-string check that costs more than the escaping when a row has thirty values."""
    return html.escape(str(value), quote=True)


_UNASSIGNED = '<span class="muted">Unassigned</span>'
_WAITING_DOT = mark_safe(
    '<span class="dot" role="img" title="Waiting for a reply" aria-label="Waiting for a reply">'
    "</span>"
)
