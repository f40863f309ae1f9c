"""FluentCRM calls -> typed models. Every FluentCRM date is naive site-local time."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from dashboard.fluent import errors
from dashboard.fluent.client import CRM, FluentClient
from dashboard.fluent.parsing import LocalTime, Model, OptionalInt, Text, parse, site_zone


class CrmTag(Model):
    id: int
    title: Text = ""
    slug: Text = ""


class CrmList(Model):
    id: int
    title: Text = ""
    slug: Text = ""


class EmailStats(Model):
    emails: OptionalInt = 0
    opens: OptionalInt = 0
    clicks: OptionalInt = 0

    @property
    def open_rate(self) -> int | None:
        """Opens as a whole percentage of emails sent; None before the first email."""
        return _percent(self.opens, self.emails)

    @property
    def click_rate(self) -> int | None:
        return _percent(self.clicks, self.emails)


def _percent(part: int | None, whole: int | None) -> int | None:
    if not whole:
        return None
    return round(100 * (part or 0) / whole)


class CustomField(Model):
    slug: Text = ""
    label: Text = ""
    type: Text = ""


class Contact(Model):
    id: int
    first_name: Text = ""
    last_name: Text = ""
    full_name: Text = ""
    email: Text = ""
    phone: Text = ""
    status: Text = ""
    contact_type: Text = ""
    city: Text = ""
    country: Text = ""
    photo: Text = ""
    total_points: OptionalInt = 0
    life_time_value: Text = ""
    created_at: LocalTime = None
    updated_at: LocalTime = None
    last_activity: LocalTime = None
    tags: list[CrmTag] = []
    lists: list[CrmList] = []
    stats: EmailStats = EmailStats()
    custom_values: dict[str, Any] = {}

    @field_validator("custom_values", mode="before")
    @classmethod
    def _php_empty_array(cls, value: Any) -> Any:
        return {} if value in ([], None) else value

    @field_validator("stats", mode="before")
    @classmethod
    def _stats_or_default(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {}

    @property
    def name(self) -> str:
        return self.full_name or f"{self.first_name} {self.last_name}".strip() or self.email


class ContactProfile(Model):
    """A contact with its custom field definitions, so values show under their labels."""

    contact: Contact = Field(alias="subscriber")
    fields: list[CustomField] = Field(default=[], alias="custom_fields")

    @field_validator("fields", mode="before")
    @classmethod
    def _fields_list(cls, value: Any) -> Any:
        return value if isinstance(value, list) else []

    @property
    def custom_fields(self) -> list[tuple[str, str]]:
        """(label, value) pairs for the fields that have a value, in the site's field order."""
        values = self.contact.custom_values
        labelled = []
        for custom in self.fields:
            value = values.get(custom.slug)
            if value not in (None, "", []):
                shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                labelled.append((custom.label or custom.slug, shown))
        known = {f.slug for f in self.fields}
        for slug, value in values.items():
            if slug not in known and value not in (None, "", []):
                shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                labelled.append((slug.replace("_", " ").capitalize(), shown))
        return labelled


def contact_admin_url(base_url: str, contact_id: int) -> str:
    return f"{base_url}/wp-admin/admin.php?page=fluentcrm-admin#/subscribers/{int(contact_id)}"


def contact_by_email(
    client: FluentClient, *, email: str, refresh: bool = False
) -> ContactProfile | None:
    """The contact whose email is exactly ``email`` (case-insensitive), or None.

    The list search also returns partial matches (``olivia@example.com`` finds
    ``olivia@example.com.au``), so the direct lookup is used, and its answer is checked again.
    """
    # Reference: GET /subscribers/0?get_by_email=<email>&with[]=stats&with[]=custom_fields
    # &with[]=subscriber.custom_values (captures crm_subscriber_by_email,
    # crm_subscriber_by_email_missing -> 422 {"message": "Subscriber not found"},
    # crm_subscriber_detail_with).
    email = email.strip()
    if not email:
        return None
    params = [
        ("get_by_email", email),
        ("with[]", "stats"),
        ("with[]", "custom_fields"),
        ("with[]", "subscriber.custom_values"),
    ]
    try:
        answer = client.get(
            f"{CRM}/subscribers/0",
            kind="contact",
            params=params,
            refresh=refresh,
            remember_not_found=True,
        )
    except errors.NotFoundError as exc:
        if isinstance(exc, errors.RouteMissingError):
            raise  # rest_no_route: FluentCRM is not active on the site.
        return None
    if not isinstance(answer.data, dict) or not answer.data.get("subscriber"):
        return None
    profile = parse(
        ContactProfile, answer.data, zone=site_zone(client.credential.timezone), label=client.label
    )
    if profile.contact.email.strip().lower() != email.lower():
        return None
    return profile
