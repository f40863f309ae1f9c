"""Workflow pieces for other apps' pages: ``{% load workflow %}``, then

- ``{% sla_badge site ticket %}``: "due in 2 h" / "overdue 35 min", nothing without an SLA;
- ``{% snooze_form site ticket %}``: the snooze menu, or the snoozed state with "Wake now";
- ``{% snoozed_count as n %}``: how many tickets the user has snoozed (for the sidebar).
"""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from dashboard.workflow import services
from dashboard.workflow.ui import request_policies, sleeping_count, snooze_context

register = template.Library()


@register.simple_tag(takes_context=True)
def sla_badge(context, site, ticket) -> str:
    # A simple tag rather than an included template: the inbox renders one per row, and a
    # sub-template per row cost more than the rest of the row.
    if site is None or ticket is None:
        return ""
    policies, now = request_policies(context.get("request"), site)
    state = services.sla_for(site, ticket, policies, now)
    if state is None:
        return ""
    return format_html(
        '<span class="sla-badge{}" data-sla="{}" title="{} due {}">'
        '<span class="visually-hidden">{} </span>{}</span>',
        " sla-overdue" if state.overdue else "",
        state.kind,
        state.kind_label,
        date_format(timezone.localtime(state.due_at), "D j M Y, H:i T"),
        state.kind_label,
        state.label,
    )


@register.inclusion_tag("workflow/snooze_form.html", takes_context=True)
def snooze_form(context, site, ticket, next_url: str = "") -> dict:
    ticket_id = getattr(ticket, "id", ticket)
    return snooze_context(context["request"], site, int(ticket_id), next_url=next_url)


@register.simple_tag(takes_context=True)
def snoozed_count(context) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return sleeping_count(request)
