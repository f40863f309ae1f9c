"""Filling a saved reply's placeholders. Pure functions.

The filled text goes into the composer's textarea as plain text and is escaped once, when it
is sent, by ``dashboard.html.text_to_html``. So filling never escapes or produces HTML: a
customer called ``<b>Bo</b> & Co`` is inserted as exactly those characters, and the page that
shows the text escapes it like any other. Values are inserted in one pass, so a customer whose
name looks like a placeholder cannot pull another value in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDERS = {
    "customer_first_name": "The customer's first name",
    "agent_first_name": "Your first name (as the agent on that site)",
    "ticket_id": "The ticket number",
    "site_name": "The site's name",
}

_PATTERN = re.compile(r"\{([a-z_]+)\}")
# Names are one line; anything longer than this is not a name.
_VALUE_MAX = 100


@dataclass(frozen=True)
class Values:
    customer_first_name: str = ""
    agent_first_name: str = ""
    ticket_id: str = ""
    site_name: str = ""

    def as_dict(self) -> dict[str, str]:
        return {name: _clean(getattr(self, name)) for name in PLACEHOLDERS}


def _clean(value: object) -> str:
    """One line of text: upstream names may carry newlines or runs of spaces."""
    return " ".join(str(value or "").split())[:_VALUE_MAX]


def fill(body: str, values: Values) -> str:
    """Replace every known placeholder that has a value; leave the rest exactly as written, so
    the agent sees what still needs filling in."""
    known = values.as_dict()

    def replace(match: re.Match[str]) -> str:
        value = known.get(match.group(1))
        return value if value else match.group(0)

    return _PATTERN.sub(replace, body)


def missing(body: str, values: Values) -> list[str]:
    """Known placeholders of ``body`` that have no value here (they stay in the text)."""
    known = values.as_dict()
    names = dict.fromkeys(_PATTERN.findall(body))
    return [name for name in names if name in known and not known[name]]


def first_word(text: str) -> str:
    words = _clean(text).split(" ")
    return words[0] if words else ""
