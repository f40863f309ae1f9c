"""Every parameter the customers screens accept, validated and clamped before it goes upstream."""

from __future__ import annotations

from typing import Any

from django import forms

from dashboard.customers.directory import DirectoryQuery
from dashboard.fluent.errors import InvalidInputError
from dashboard.fluent.models import Essentials
from dashboard.fluent.tickets import PRIORITIES, NewTicket
from dashboard.html import text_to_ticket_html
from dashboard.sites.models import Site

STATUS_CHOICES = [("all", "All"), ("active", "Active"), ("inactive", "Inactive")]
MAX_PAGE = 1000
# WordPress stores persons in VARCHAR(191/192) columns; longer values would be cut silently.
NAME_MAX = 100
EMAIL_MAX = 190


def _site_choices(sites: list[Site]) -> list[tuple[int, str]]:
    return [(site.pk, site.label) for site in sites]


class DirectoryForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    # The site by its slug, as every link names it.
    site = forms.ChoiceField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args: Any, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {site.slug: site for site in sites}
        choices = [(site.slug, site.label) for site in sites]
        self.fields["site"].choices = [("", "All sites"), *choices]

    def query(self) -> DirectoryQuery:
        """The valid parameters; an invalid one falls back to its default (and is reported)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return DirectoryQuery(
            search=data.get("q") or "",
            status=data.get("status") or "all",
            site_id=site.pk if (site := self.sites.get(data.get("site") or "")) else None,
            site_slug=site.slug if site else "",
            page=data.get("page") or 1,
        )


class PanelForm(forms.Form):
    ticket = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    # The contact section: look the email up on every site, not only the ticket's own.
    everywhere = forms.BooleanField(required=False)


class CustomerForm(forms.Form):
    """The fields an agent may edit; first name and email are required, as the plugin says."""

    first_name = forms.CharField(max_length=NAME_MAX)
    last_name = forms.CharField(required=False, max_length=NAME_MAX)
    email = forms.EmailField(max_length=EMAIL_MAX)
    title = forms.CharField(required=False, max_length=NAME_MAX, label="Job title")
    address_line_1 = forms.CharField(required=False, max_length=190, label="Address line 1")
    address_line_2 = forms.CharField(required=False, max_length=190, label="Address line 2")
    city = forms.CharField(required=False, max_length=NAME_MAX)
    state = forms.CharField(required=False, max_length=NAME_MAX)
    zip = forms.CharField(required=False, max_length=30, label="Postcode")
    country = forms.CharField(required=False, max_length=NAME_MAX)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def changes(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}

    def add_upstream_errors(self, error: InvalidInputError) -> None:
        add_upstream_errors(self, error, {})


def add_upstream_errors(
    form: forms.Form, error: InvalidInputError, aliases: dict[str, str]
) -> None:
    """Put the site's validation messages on the fields they name; the rest above the form."""
    unplaced = []
    for name, messages in error.field_errors.items():
        field_name = aliases.get(name, name)
        if field_name in form.fields:
            for message in messages:
                form.add_error(field_name, message)
        else:
            unplaced.extend(messages)
    site = error.site_label or "The site"
    if unplaced:
        form.add_error(None, f"{site} refused the change: {' '.join(unplaced)}")
    elif error.field_errors:
        form.add_error(None, f"{site} refused the change; see the highlighted fields.")
    else:
        form.add_error(None, f"{error.user_message} {error.advice}")


class NewTicketForm(forms.Form):
    MODES = [("existing", "Existing customer"), ("new", "New customer")]

    site = forms.TypedChoiceField(coerce=int)
    mailbox = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    product = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    priority = forms.ChoiceField(choices=[(p, p.capitalize()) for p in PRIORITIES])
    customer_mode = forms.ChoiceField(choices=MODES, widget=forms.RadioSelect)
    customer = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    customer_q = forms.CharField(required=False, max_length=100, label="Find a customer")
    first_name = forms.CharField(required=False, max_length=NAME_MAX)
    last_name = forms.CharField(required=False, max_length=NAME_MAX)
    email = forms.EmailField(required=False, max_length=EMAIL_MAX)
    title = forms.CharField(max_length=200, label="Subject")
    content = forms.CharField(
        max_length=20000, widget=forms.Textarea(attrs={"rows": 8}), label="Message"
    )

    # The plugin's field names (the last part of its dotted keys) -> ours.
    UPSTREAM_FIELDS = {"customer_id": "customer", "mailbox_id": "mailbox", "product_id": "product"}

    def __init__(
        self,
        *args: Any,
        sites: list[Site],
        essentials: Essentials | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = _site_choices(sites)
        mailboxes = essentials.mailboxes if essentials else []
        products = essentials.products if essentials else []
        self.fields["mailbox"].choices = [("", "The site's default mailbox")] + [
            (box.id, box.name or f"Mailbox {box.id}") for box in mailboxes
        ]
        self.fields["product"].choices = [("", "No product")] + [
            (product.id, product.title or f"Product {product.id}") for product in products
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("customer_mode") == "new":
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", "Enter the new customer's email address.")
            if not data.get("first_name"):
                self.add_error("first_name", "Enter the new customer's first name.")
        elif data.get("customer_mode") == "existing" and not data.get("customer"):
            self.add_error("customer", "Pick a customer from the search, or enter a new one.")
        return data

    def new_ticket(self) -> NewTicket:
        data = self.cleaned_data
        new_customer = data["customer_mode"] == "new"
        return NewTicket(
            title=data["title"],
            content=text_to_ticket_html(data["content"]),
            mailbox_id=data.get("mailbox"),
            product_id=data.get("product"),
            priority=data["priority"],
            customer_id=None if new_customer else data["customer"],
            first_name=(data.get("first_name") or "") if new_customer else "",
            last_name=(data.get("last_name") or "") if new_customer else "",
            email=(data.get("email") or "") if new_customer else "",
        )

    def add_upstream_errors(self, error: InvalidInputError) -> None:
        add_upstream_errors(self, error, self.UPSTREAM_FIELDS)
