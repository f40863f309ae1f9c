"""Workflow pieces for other apps' pages: ``{% load workflow %}``, then

- ``{% sla_badge state %}``: "due in 2 h" / "overdue 35 min", nothing without an SLA state;
- ``{% snooze_form snooze %}``: the snooze menu, or the snoozed state with "Wake now".

The views put the SLA state and the snooze form's context in the page (see ``workflow.ui``);
these tags only format them.
"""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def sla_badge(state) -> str:
    # A simple tag rather than an included template: the inbox renders one per row, and a
    # sub-template per row cost more than the rest of the row.
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


@register.inclusion_tag("workflow/snooze_form.html")
def snooze_form(snooze: dict) -> dict:
    """``snooze`` is ``workflow.ui.snooze_context`` of the ticket."""
    return snooze
