"""One row of the inbox: a site's ticket and what the list shows beside it. The services and
views that load a list fill it in; the inbox's template tag only formats it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.fluent.models import Ticket
    from dashboard.sites.models import Site
    from dashboard.tickets.previews import Preview
    from dashboard.workflow.sla import SlaState


@dataclass
class Row:
    site: Site
    ticket: Ticket
    preview: Preview | None = None  # the latest message, when not the opening one
    sla: SlaState | None = None  # the reply target's state, where the site has SLA targets

    @property
    def key(self) -> str:
        return f"{self.site.pk}:{self.ticket.id}"
