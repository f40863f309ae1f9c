"""FluentCRM calls -> typed models. Every FluentCRM date is naive site-local time."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from dashboard.fluent import errors
from dashboard.fluent.client import CRM, FluentClient
from dashboard.fluent.parsing import LocalTime, Model, OptionalInt, Text


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
    profile = client.parse(ContactProfile, answer.data)
    if profile.contact.email.strip().lower() != email.lower():
        return None
    return profile


# ---------------------------------------------------------------------------------- writes
# Every write goes out with the agent's own credential and bumps the "crm" scope, so the next
# read of the contact (this user's or anyone's on that site) is fresh. References: REAL-API.md,
# "FluentCRM contact actions", and the seq_crm_* captures.

STATUSES = ("subscribed", "pending", "unsubscribed", "transactional", "bounced", "complained")
# As FluentCRM's admin names them.
STATUS_LABELS = {
    "subscribed": "Subscribed",
    "pending": "Pending",
    "unsubscribed": "Unsubscribed",
    "transactional": "Transactional",
    "bounced": "Bounced",
    "complained": "Complained",
}


class Segment(Model):
    """A tag or list as the typeahead lists it (`all_tags` / `all_lists`: ids are strings)."""

    id: int
    title: Text = ""
    slug: Text = ""


def segments(client: FluentClient, kind: str) -> list[Segment]:
    """Every tag (kind "tags") or list ("lists") of the site, for the typeahead.

    Only these ids are ever sent: the plugin links an unknown id silently (and hides it), and a
    non-numeric value would create a new tag.
    """
    flag = "all_tags" if kind == "tags" else "all_lists"
    answer = client.get(
        f"{CRM}/{kind}",
        kind="contact",
        params={flag: "true", "exclude_counts": "true", "per_page": 1},
    )
    rows = answer.data.get(flag) if isinstance(answer.data, dict) else None
    return [client.parse(Segment, row) for row in rows or [] if isinstance(row, dict)]


def sync_segments(
    client: FluentClient, *, contact_id: int, kind: str, attach: list[int], detach: list[int]
) -> None:
    """Attach or detach tags or lists by id, the admin profile's way."""
    client.send(
        "POST",
        f"{CRM}/subscribers/sync-segments",
        data={
            "type": kind,
            "attach": attach,
            "detach": detach,
            "subscribers": [int(contact_id)],
            "find_by": "id",
        },
        invalidates=("crm",),
    )


def set_status(client: FluentClient, *, contact_id: int, status: str) -> None:
    """Change the subscription status through subscribers-property, the route whose hooks
    cancel scheduled emails and automations on unsubscribe (a plain PUT skips them)."""
    client.send(
        "PUT",
        f"{CRM}/subscribers/subscribers-property",
        data={"property": "status", "subscribers": [int(contact_id)], "value": status},
        invalidates=("crm",),
    )


def create_contact(
    client: FluentClient, *, first_name: str, last_name: str, email: str, status: str
) -> int:
    """Create a contact; answers its id. A duplicate email is an InvalidInputError."""
    answer = client.send(
        "POST",
        f"{CRM}/subscribers",
        data={
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "status": status,
        },
        invalidates=("crm",),
    )
    contact = answer.get("contact") if isinstance(answer, dict) else None
    if not isinstance(contact, dict) or not isinstance(contact.get("id"), int):
        raise errors.BadReplyError("FluentCRM did not say which contact it created.")
    return contact["id"]


class NoteAuthor(Model):
    ID: OptionalInt = None
    display_name: Text = ""


class Note(Model):
    id: int
    type: Text = ""
    title: Text = ""
    # Stored HTML (wp_kses_post): shown through the sanitiser, never as typed text.
    description: str = ""
    created_at: LocalTime = None
    added_by: NoteAuthor | None = None

    @field_validator("description", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return value if isinstance(value, str) else ""


class CrmPage(Model):
    total: OptionalInt = 0
    current_page: OptionalInt = 1
    last_page: OptionalInt = 0


class NotePage(Model):
    notes: list[Note] = []
    page: CrmPage = CrmPage()


def notes(client: FluentClient, *, contact_id: int, page: int = 1, per_page: int = 5) -> NotePage:
    """One page of the contact's notes, newest first (the plugin's order)."""
    answer = client.get(
        f"{CRM}/subscribers/{int(contact_id)}/notes",
        kind="contact",
        params={"per_page": per_page, "page": page, "search": ""},
    )
    paginator = answer.data.get("notes") if isinstance(answer.data, dict) else None
    paginator = paginator if isinstance(paginator, dict) else {}
    rows = [client.parse(Note, row) for row in paginator.get("data") or [] if isinstance(row, dict)]
    return NotePage(notes=rows, page=client.parse(CrmPage, paginator))


def add_note(
    client: FluentClient, *, contact_id: int, title: str, description: str, note_type: str = "note"
) -> None:
    client.send(
        "POST",
        f"{CRM}/subscribers/{int(contact_id)}/notes",
        data={"note": {"title": title, "description": description, "type": note_type}},
        invalidates=("crm",),
    )


class CrmEmail(Model):
    id: int
    email_subject: Text = ""
    status: Text = ""
    is_open: Text = "0"
    click_counter: Text = ""
    created_at: LocalTime = None

    @field_validator("is_open", "click_counter", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return "" if value is None else str(value)

    @property
    def opened(self) -> bool:
        return self.is_open not in ("", "0")

    @property
    def clicks(self) -> int:
        return int(self.click_counter) if self.click_counter.isdigit() else 0


class EmailPage(Model):
    emails: list[CrmEmail] = []
    page: CrmPage = CrmPage()


def emails(client: FluentClient, *, contact_id: int, per_page: int = 10) -> EmailPage:
    """The first page of emails the contact was sent, newest first."""
    answer = client.get(
        f"{CRM}/subscribers/{int(contact_id)}/emails",
        kind="contact",
        params={"per_page": per_page, "page": 1, "filter": "all", "tab": "crm"},
    )
    paginator = answer.data.get("emails") if isinstance(answer.data, dict) else None
    paginator = paginator if isinstance(paginator, dict) else {}
    rows = [
        client.parse(CrmEmail, row) for row in paginator.get("data") or [] if isinstance(row, dict)
    ]
    return EmailPage(emails=rows, page=client.parse(CrmPage, paginator))


SIDE_READS = {
    "widgets": ("info-widgets", {}, ("widgets", "widgets_count")),
    "orders": (
        "purchase-history",
        {"provider": "woocommerce", "page": 1, "per_page": 10},
        ("orders", "total"),
    ),
    "forms": (
        "form-submissions",
        {"provider": "fluentform", "page": 1, "per_page": 10},
        ("submissions", "total"),
    ),
}


def side_count(client: FluentClient, *, contact_id: int, name: str) -> int:
    """How many info widgets ("widgets"), orders ("orders") or form submissions ("forms") the
    site's integrations provide for the contact; an absent integration counts as nothing."""
    route, params, (outer, key) = SIDE_READS[name]
    try:
        data = client.get(
            f"{CRM}/subscribers/{int(contact_id)}/{route}", kind="contact", params=params
        ).data
    except errors.UpstreamError:
        return 0
    inner = data.get(outer) if isinstance(data, dict) else None
    value = inner.get(key) if isinstance(inner, dict) else 0
    return int(value) if str(value).isdigit() else 0
