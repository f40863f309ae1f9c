from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from dashboard.workflow import snooze
from dashboard.workflow.models import MAX_HOURS, MAX_SIGNATURE, MIN_HOURS, SavedReply
from dashboard.workflow.placeholders import PLACEHOLDERS

BODY_MAX = 10_000
SEARCH_MAX = 100
SNOOZE_MAX = timedelta(days=366)


class SavedReplyForm(forms.ModelForm):
    body = forms.CharField(
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "true"}),
        help_text="Plain text, as you would type it in the composer. Placeholders: "
        + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        + ".",
    )

    class Meta:
        model = SavedReply
        fields = ["title", "body", "shared"]
        labels = {"shared": "Share with every user of this dashboard"}

    def __init__(self, *args, may_share: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Sharing is a team setting. Disabled, the field keeps the reply's value whatever a
        # forged request sends.
        self.fields["shared"].disabled = not may_share

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class ReplySearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=SEARCH_MAX, strip=True)

    def text(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class PickForm(forms.Form):
    site = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    ticket = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    q = forms.CharField(required=False, max_length=SEARCH_MAX, strip=True)


def _hours(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=MIN_HOURS,
        max_value=MAX_HOURS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "—"}),
    )


class SlaPolicyForm(forms.Form):
    mailbox = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    first_response_hours = _hours("First response within (hours)")
    next_reply_hours = _hours("Next reply within (hours)")
    remove = forms.BooleanField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("remove"):
            data["first_response_hours"] = data["next_reply_hours"] = None
        return data


class SnoozeForm(forms.Form):
    WHEN = [
        ("later_today", "Later today"),
        ("tomorrow", "Tomorrow morning"),
        ("next_week", "Next week"),
        ("reply", "Until the customer replies"),
        ("custom", "Custom"),
    ]
    when = forms.ChoiceField(choices=WHEN)
    # A datetime-local input: a wall time in the user's zone, which the field reads as such
    # (and refuses when the clocks skip or repeat it).
    custom = forms.DateTimeField(
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    wake_on_reply = forms.BooleanField(required=False)

    def clean(self) -> dict:
        data = super().clean()
        when = data.get("when")
        now = timezone.now()
        if when == "custom":
            until = data.get("custom")
            if until is None:
                if "custom" not in self.errors:
                    self.add_error("custom", "Choose the date and time to wake the ticket.")
                return data
            if until <= now:
                self.add_error("custom", "Choose a time in the future.")
            elif until - now > SNOOZE_MAX:
                self.add_error("custom", "Snooze for at most a year.")
            data["until"] = until
        elif when:
            data["until"] = snooze.until_for(when, timezone.localtime(now))
        return data


class SignatureForm(forms.Form):
    text = forms.CharField(
        label="Signature",
        required=False,
        strip=False,
        max_length=MAX_SIGNATURE,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "true"}),
    )
