from __future__ import annotations

from urllib.parse import urlsplit

from django import forms

from dashboard.sites.models import TONES


class SiteForm(forms.Form):
    label = forms.CharField(
        max_length=80,
        required=False,
        help_text="A short name for the inbox, e.g. “ACME Store”. Defaults to the site's title.",
    )
    base_url = forms.CharField(
        label="Site address",
        max_length=300,
        help_text="The WordPress address, e.g. https://support.example.com",
        widget=forms.TextInput(
            attrs={"inputmode": "url", "autocomplete": "url", "spellcheck": "false"}
        ),
    )
    username = forms.CharField(
        label="WordPress username",
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    app_password = forms.CharField(
        label="Application Password",
        max_length=200,
        strip=True,
        # Never rendered back: a failed submission asks for the password again.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="WordPress → Users → Profile → Application Passwords. Stored encrypted.",
    )

    def clean_base_url(self) -> str:
        value = self.cleaned_data["base_url"].strip()
        # urlsplit refuses a broken IPv6 literal and an out-of-range port with ValueError; say
        # what is wrong under the field rather than fail the whole page.
        try:
            urlsplit(value if "://" in value else f"https://{value}").port  # noqa: B018
        except ValueError:
            raise forms.ValidationError(
                "Enter a web address such as https://support.example.com; a port, if any, "
                "is a number from 1 to 65535."
            ) from None
        return value

    def add_connect_error(self, error) -> None:
        field = error.field_name if error.field_name in self.fields else None
        self.add_error(field, error.message)


TONE_CHOICES = [(str(tone), f"Colour {tone + 1}") for tone in range(TONES)]


class ConnectionForm(forms.Form):
    """An agent's own WordPress user for a team site."""

    username = SiteForm.base_fields["username"]
    app_password = SiteForm.base_fields["app_password"]

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["app_password"].required = False
            self.fields[
                "app_password"
            ].help_text = (
                "Leave empty to keep the stored password; needed again if the username changes."
            )

    add_connect_error = SiteForm.add_connect_error


class TeamSiteForm(forms.Form):
    """What the team calls a site and its colour; the address and slug stay."""

    label = forms.CharField(max_length=80, help_text="Shown on every ticket of this site.")
    tone = forms.TypedChoiceField(
        label="Colour", choices=TONE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
