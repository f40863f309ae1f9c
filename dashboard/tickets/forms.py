"""The thread page's forms: every value is checked here before anything reaches a site.

The plugin stores whatever it is sent (any priority string, any product id), so choices are
checked against the site's own reference data (``ticket-essentials``), not taken on trust.
"""

from __future__ import annotations

from typing import Any

from django import forms

from dashboard.fluent.models import Essentials, TicketTag
from dashboard.fluent.tickets import PRIORITIES
from dashboard.tickets.models import TOKEN_PATTERN
from dashboard.workflow.models import MAX_SIGNATURE

MAX_TEXT = 20_000

EMPTY_MESSAGE = "Write something first: the message is empty."


class ComposeForm(forms.Form):
    """A reply or an internal note, typed as plain text or Markdown, and the signature below
    a reply as the agent left it for this one message (ignored for notes)."""

    ACTIONS = [("reply", "Send"), ("reply_close", "Send & close"), ("note", "Add note")]
    MODES = [("reply", "Reply"), ("note", "Internal note")]

    text = forms.CharField(
        max_length=MAX_TEXT, strip=False, error_messages={"required": EMPTY_MESSAGE}
    )
    mode = forms.ChoiceField(choices=MODES, required=False)
    action = forms.ChoiceField(choices=ACTIONS, required=False)
    token = forms.RegexField(
        regex=TOKEN_PATTERN,
        error_messages={
            "invalid": "This form is out of date; reload the page (your text is kept)."
        },
    )
    # The newest message id when the page was rendered: anything newer arrived since.
    last_seen = forms.IntegerField(min_value=0, max_value=2**31, required=False)
    force = forms.BooleanField(required=False)
    signature = forms.CharField(max_length=MAX_SIGNATURE, required=False, strip=False)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        if not text.strip():
            raise forms.ValidationError(EMPTY_MESSAGE)
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Without a clicked button (Enter in a field) the chosen mode decides.
        if not data.get("action"):
            data["action"] = "note" if data.get("mode") == "note" else "reply"
        data["mode"] = "note" if data["action"] == "note" else "reply"
        return data

    @property
    def kind(self) -> str:
        return "note" if self.cleaned_data["action"] == "note" else "response"

    @property
    def close(self) -> bool:
        return self.cleaned_data["action"] == "reply_close"

    @property
    def signature_to_send(self) -> str:
        """The signature goes below replies only, never below an internal note."""
        if self.kind == "note":
            return ""
        return self.cleaned_data.get("signature", "").replace("\r\n", "\n").strip()


class PreviewForm(forms.Form):
    """What the composer holds when the agent asks to see it rendered: an empty text is
    fine (the preview says so), the limits are the composer's."""

    text = forms.CharField(max_length=MAX_TEXT, required=False, strip=False)
    signature = forms.CharField(max_length=MAX_SIGNATURE, required=False, strip=False)
    mode = forms.ChoiceField(choices=ComposeForm.MODES, required=False)


class EditForm(forms.Form):
    text = forms.CharField(
        max_length=MAX_TEXT, strip=False, error_messages={"required": EMPTY_MESSAGE}
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        if not text.strip():
            raise forms.ValidationError(EMPTY_MESSAGE)
        return text


# Properties an agent can change from the thread page, with the word used in messages.
PROPERTY_LABELS = {
    "priority": "Priority",
    "client_priority": "Client priority",
    "agent_id": "Agent",
    "product_id": "Product",
    "mailbox_id": "Mailbox",
}


class PropertyForm(forms.Form):
    name = forms.ChoiceField(choices=list(PROPERTY_LABELS.items()))
    value = forms.CharField(max_length=20)

    def __init__(self, *args: Any, essentials: Essentials | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.essentials = essentials

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        name, value = data.get("name"), (data.get("value") or "").strip()
        if not name or not value:
            return data
        if name in ("priority", "client_priority"):
            if value not in PRIORITIES:
                self.add_error("value", "Choose normal, medium or critical.")
            return data
        if self.essentials is None:
            raise forms.ValidationError(
                "The site's lists of agents, products and mailboxes could not be read; "
                "try again in a moment."
            )
        options = {
            "agent_id": [a.id for a in self.essentials.agents],
            "product_id": [p.id for p in self.essentials.products],
            "mailbox_id": [m.id for m in self.essentials.mailboxes],
        }[name]
        if not value.isdigit() or int(value) not in options:
            self.add_error("value", f"That {PROPERTY_LABELS[name].lower()} is not on this site.")
            return data
        data["value"] = int(value)
        return data


class TagForm(forms.Form):
    """A tag picked from the site's list, by title (what the agent types) or id."""

    tag = forms.CharField(max_length=100, error_messages={"required": "Choose a tag to add."})

    def __init__(self, *args: Any, tags: list[TicketTag] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tags = tags

    def clean_tag(self) -> TicketTag:
        wanted = self.cleaned_data["tag"].strip()
        if self.tags is None:
            raise forms.ValidationError("The site's tag list could not be read; try again.")
        for tag in self.tags:
            if wanted.casefold() == tag.title.casefold() or wanted == str(tag.id):
                return tag
        raise forms.ValidationError(
            f"There is no tag “{wanted}” on this site. Tags are created in WordPress."
        )
