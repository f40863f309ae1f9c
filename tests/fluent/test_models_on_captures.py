"""The real plugins' recorded answers, read by the client's own parsing and models.

The captures (tests/captures/, recorded on a real site whose time zone is America/New_York)
go through the same `parse`/`paginator` calls and models the calls in dashboard/fluent/
(tickets.py, customers.py, reference.py, reports.py, crm.py) use, and through the one
status-to-error mapping, `errors.from_status`. Values are checked, not only that parsing
succeeds: which time fields are UTC and which are site-local (each checked at one instant, often
against the same instant sent the other way), numeric strings read as ints, PHP's empty `[]`
where an object is meant, missing nested objects, HTML content kept as sent.

Only the answers the client reads are here: the `type=`-narrowed ticket-essentials variants,
the /agents list and the CRM /tags and /lists routes are never called by the client.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from dashboard.fluent import errors
from dashboard.fluent.crm import Contact, ContactProfile, CrmList, CrmTag
from dashboard.fluent.models import (
    CustomerProfile,
    CustomerSummary,
    Essentials,
    Me,
    Response,
    Thread,
    Ticket,
    TicketTag,
)
from dashboard.fluent.parsing import Page, paginator, parse
from dashboard.fluent.reports import Summary
from tests.contract.captures import body, load, names

SITE_ZONE = ZoneInfo("America/New_York")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def ticket_page(name: str) -> Page[Ticket]:
    return parse(Page[Ticket], paginator(body(name), "tickets"), zone=SITE_ZONE)


def ticket_list_captures() -> list[str]:
    return [
        name
        for name in names()
        if not name.startswith("seq_")
        and load(name)["status"] == 200
        and "/fluent-support/" in load(name)["request"]["path"]
        and isinstance(load(name)["body"], dict)
        and isinstance(load(name)["body"].get("tickets"), dict)
    ]


# ------------------------------------------------------------------------- ticket lists
@pytest.mark.parametrize("name", ticket_list_captures())
def test_every_ticket_list_reads_times_in_their_own_zone(name: str) -> None:
    """Each row's times, per field: UTC where the plugin sends ISO, site-local where naive."""
    raw_rows = body(name)["tickets"]["data"]
    page = ticket_page(name)
    assert [t.id for t in page.items] == [r["id"] for r in raw_rows]
    assert page.total == body(name)["tickets"]["total"]
    for raw, ticket in zip(raw_rows, page.items, strict=True):
        for field in ("created_at", "updated_at", "waiting_since"):
            if raw[field]:
                assert getattr(ticket, field) == datetime.fromisoformat(raw[field])
                assert getattr(ticket, field).utcoffset().total_seconds() == 0
        for field in ("last_customer_response", "last_agent_response", "resolved_at"):
            if raw[field]:
                naive = datetime.strptime(raw[field], "%Y-%m-%d %H:%M:%S")
                assert getattr(ticket, field) == naive.replace(tzinfo=SITE_ZONE), field
        # Foreign keys and counts arrive as strings and read as ints (or None).
        assert ticket.agent_id == (int(raw["agent_id"]) if raw["agent_id"] else None)
        assert ticket.customer_id == int(raw["customer_id"])
        assert ticket.response_count == int(raw["response_count"])
        assert (ticket.agent is None) == (raw.get("agent") is None)


def test_ticket_row_reads_site_local_times_at_the_same_instant_as_utc_ones() -> None:
    # Ticket 120: the customer's last reply is sent site-local ("2026-11-23 06:50:21", EST)
    # and, as waiting_since, in UTC ("2026-11-23T11:50:21+00:00"): one instant.
    ticket = ticket_page("fs_tickets_default").items[0]
    assert ticket.id == 120
    assert ticket.last_customer_response == utc(2026, 11, 23, 11, 50, 21)
    assert ticket.waiting_since == utc(2026, 11, 23, 11, 50, 21)
    assert ticket.last_agent_response == utc(2026, 11, 23, 11, 45, 40)
    assert ticket.resolved_at == utc(2026, 11, 23, 11, 50, 21)
    assert ticket.created_at == utc(2026, 11, 22, 20, 33, 48)
    assert ticket.updated_at == utc(2026, 11, 23, 11, 50, 21)
    assert (ticket.customer_id, ticket.agent_id, ticket.mailbox_id, ticket.product_id) == (
        32,
        1,
        2,
        4,
    )
    assert ticket.response_count == 3
    assert ticket.customer is not None and ticket.customer.name == "Kwame Marchetti"
    assert ticket.agent is not None and ticket.agent.name == "Alex Admin"
    assert ticket.mailbox is not None and ticket.mailbox.name == "Acme Billing"
    assert [t.title for t in ticket.tags] == ["urgent", "billing"]
    assert ticket.live_activity == []  # PHP's empty array
    assert not ticket.is_waiting  # closed


def test_unassigned_ticket_row_has_no_agent() -> None:
    ticket = ticket_page("fs_tickets_default").items[1]
    assert ticket.id == 119
    assert ticket.agent_id is None and ticket.agent is None
    assert ticket.customer is not None


# ------------------------------------------------------------------------- ticket detail
def test_ticket_detail_reads_times_across_daylight_saving_and_keeps_html() -> None:
    thread = parse(Thread, body("fs_ticket_detail"), zone=SITE_ZONE)
    ticket = thread.ticket
    # 2026-09-30 is summer time (EDT, UTC-4): the naive "22:38:48" is 02:38:48 UTC next day,
    # the instant of the agent's last reply (response 30), and the customer's last reply is
    # the instant of response 31 and of waiting_since.
    replies = {r.id: r for r in thread.responses}
    assert ticket.last_agent_response == utc(2026, 10, 1, 2, 38, 48) == replies[30].created_at
    assert ticket.last_customer_response == utc(2026, 10, 1, 3, 45, 38)
    assert ticket.last_customer_response == ticket.waiting_since == replies[31].created_at
    assert ticket.resolved_at is None
    assert ticket.is_waiting
    # The customer's last_response_at is site-local in winter (EST): its updated_at in UTC.
    assert ticket.customer is not None and ticket.agent is not None
    assert ticket.customer.last_response_at == utc(2026, 11, 23, 12, 16, 35)
    assert ticket.customer.created_at == utc(2026, 11, 23, 12, 16, 18)
    assert ticket.customer.title == "Office Manager"
    assert ticket.customer.zip == "69002"  # a numeric string that is not a number
    assert ticket.agent.id == 3 and ticket.agent.title == "Senior Support Engineer"
    assert thread.viewer_agent_id == 1
    assert replies[31].content == (
        "<p>Still not working on my side, unfortunately. Same error as before.</p>\n"
    )
    assert replies[31].is_from_customer and replies[31].person_id == 17
    assert replies[27].is_note and not replies[30].is_from_customer
    assert [r.id for r in thread.conversation][-2:] == [30, 31]  # oldest first
    assert ticket.live_activity[0].name == "Alex Admin"


def test_closed_ticket_detail_reads_resolved_at_as_site_local() -> None:
    ticket = parse(Thread, body("fs_ticket_detail_closed"), zone=SITE_ZONE).ticket
    assert ticket.status == "closed"
    assert ticket.resolved_at == utc(2026, 11, 23, 12, 5, 7) == ticket.updated_at
    assert ticket.last_agent_response == utc(2026, 11, 23, 12, 4, 28)


# ------------------------------------------------------------------------- customers
def test_customers_list_reads_counts_and_site_local_last_response() -> None:
    page = parse(
        Page[CustomerSummary], paginator(body("fs_customers"), "customers"), zone=SITE_ZONE
    )
    first = page.items[0]
    assert (first.id, first.name, first.zip) == (23, "Abigail Moreau", "LS1 4AP")
    assert (first.total_tickets, first.total_responses) == (3, 5)
    assert first.last_response_at == utc(2026, 11, 23, 12, 16, 39)
    assert first.created_at == utc(2026, 11, 23, 12, 16, 19)
    assert first.avatar == ""  # null avatar


def test_customer_detail_reads_tickets_and_a_missing_customer_as_none() -> None:
    profile = parse(CustomerProfile, body("fs_customer_detail_with_all"), zone=SITE_ZONE)
    assert profile.customer is not None
    assert profile.customer.address == "151 Elm St, 73301 Austin, TX, US"
    assert profile.customer.last_response_at == utc(2026, 11, 23, 12, 16, 39)
    assert [(t.id, t.status) for t in profile.tickets] == [
        (110, "closed"),
        (70, "closed"),
        (30, "active"),
    ]
    assert profile.tickets[0].created_at == utc(2026, 11, 17, 22, 16, 33)
    missing = parse(CustomerProfile, body("fs_customer_not_found"), zone=SITE_ZONE)
    assert missing.customer is None and missing.tickets == []


# ------------------------------------------------------------------------- reference data
def test_essentials_read_agents_and_php_maps() -> None:
    essentials = parse(Essentials, body("fs_ticket_essentials"), zone=SITE_ZONE)
    assert [a.id for a in essentials.agents] == [1, 2, 3, 4]
    assert essentials.agent(2) is not None and essentials.agent(2).name == "Maria Ortega"
    assert essentials.agent(2).picture == ""  # photo is "" in essentials
    assert essentials.statuses == {"new": "New", "active": "Active", "closed": "Closed"}
    assert list(essentials.priorities) == ["normal", "medium", "critical"]
    assert essentials.products[0].title == "WidgetPro Desktop"
    assert essentials.tags[0].title == "bug"
    assert essentials.mailboxes[0].name == "Acme Support"


def test_me_reads_the_agent_and_permissions() -> None:
    admin = parse(Me, body("fs_me"), zone=SITE_ZONE)
    maria = parse(Me, body("fs_me_agent_maria"), zone=SITE_ZONE)
    assert admin.is_agent and admin.person is not None and admin.person.id == 1
    assert admin.person.title == ""  # null title
    assert maria.person is not None and maria.person.title == "Support Engineer"
    assert maria.can("fst_manage_unassigned_tickets")
    assert not maria.can("fst_manage_other_tickets")


@pytest.mark.parametrize(
    ("name", "label", "expected"),
    [
        ("fs_reports_agents_summary", "Alex Admin", (2, 16, 1, 1)),
        ("fs_mailbox_reports_summary", "Acme Support", (7, 0, 1, 2)),
        ("fs_product_reports_summary", "WidgetPro Desktop", (5, 0, 1, 1)),
    ],
)
def test_report_summaries_read_mixed_string_and_number_counts(
    name: str, label: str, expected: tuple[int, ...]
) -> None:
    rows = parse(Summary, body(name), zone=SITE_ZONE).summary
    first = rows[0]
    assert first.label == label
    stats = first.stats
    assert (stats.responses, stats.opens, stats.closed, stats.interactions) == expected


# ------------------------------------------------------------------------- write answers
def test_write_answers_read_fresh_ints_and_keep_stored_html() -> None:
    reply = parse(Response, body("fs_post_response")["response"], zone=SITE_ZONE)
    raw = body("fs_post_response")["response"]
    assert reply.ticket_id == int(raw["ticket_id"]) and reply.person_id == int(raw["person_id"])
    assert reply.content == raw["content"] and reply.created_at is not None
    created = parse(Ticket, body("fs_create_ticket")["ticket"], zone=SITE_ZONE)
    assert created.id == body("fs_create_ticket")["ticket"]["id"]
    assert created.customer_id == int(body("fs_create_ticket")["ticket"]["customer_id"])
    tags = [parse(TicketTag, tag) for tag in body("fs_tags_add")["tags"]]
    assert [t.id for t in tags] == [tag["id"] for tag in body("fs_tags_add")["tags"]]


# ------------------------------------------------------------------------- FluentCRM
def test_crm_contact_reads_every_date_as_site_local() -> None:
    profile = parse(ContactProfile, body("crm_subscriber_by_email"), zone=SITE_ZONE)
    contact = profile.contact
    assert contact.email == "olivia.thornbury@example.com"
    assert contact.created_at == utc(2026, 11, 23, 12, 17, 16)
    assert contact.updated_at == utc(2026, 11, 23, 12, 17, 16)
    assert contact.last_activity is None
    assert contact.total_points == 0  # "0"
    assert contact.status == "subscribed"
    assert [t.title for t in contact.tags] == ["Customer", "Newsletter", "VIP"]
    assert [item.title for item in contact.lists][:2] == [
        "Enterprise Customers",
        "Monthly Newsletter",
    ]
    assert contact.custom_values == {}


def test_crm_contact_with_custom_fields_reads_php_empty_arrays() -> None:
    raw = body("crm_subscriber_detail_with")
    assert raw["custom_fields"] == []  # the real answer: PHP's empty array
    profile = parse(ContactProfile, raw, zone=SITE_ZONE)
    assert profile.fields == [] and profile.custom_fields == []
    stats = raw["subscriber"].get("stats")
    if isinstance(stats, dict):
        assert profile.contact.stats.emails == int(stats["emails"])
    # A contact without custom values is sent `"custom_values": []` by PHP.
    raw["subscriber"]["custom_values"] = []
    assert parse(ContactProfile, raw, zone=SITE_ZONE).contact.custom_values == {}


@pytest.mark.parametrize(
    "name", [n for n in names() if n.startswith("crm_subscribers_") and load(n)["status"] == 200]
)
def test_every_crm_contact_row_reads_site_local_dates_and_string_numbers(name: str) -> None:
    rows = body(name)["subscribers"]["data"]
    assert rows
    for raw in rows:
        contact = parse(Contact, raw, zone=SITE_ZONE)
        naive = datetime.strptime(raw["created_at"], "%Y-%m-%d %H:%M:%S")
        assert contact.created_at == naive.replace(tzinfo=SITE_ZONE)
        assert contact.total_points == int(raw["total_points"])
        assert contact.status in {"subscribed", "pending", "unsubscribed", "bounced"}


def test_crm_tags_and_lists_read_as_the_contact_embeds_them() -> None:
    tags = [parse(CrmTag, row) for row in body("crm_tags")["tags"]["data"]]
    assert (tags[0].id, tags[0].title, tags[0].slug) == (7, "Webinar Attendee", "webinar-attendee")
    lists = [parse(CrmList, row) for row in body("crm_lists")["lists"]]
    assert (lists[0].id, lists[0].title) == (4, "Beta Program")


# ------------------------------------------------------------------------- errors
def _response(name: str) -> requests.Response:
    capture = load(name)
    response = requests.Response()
    response.status_code = capture["status"]
    response.headers.update(capture["headers"])
    response._content = b"" if capture["body"] is None else json.dumps(capture["body"]).encode()
    return response


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("err_no_auth", errors.AuthError),
        ("err_wrong_password", errors.AuthError),
        ("err_wrong_password_crm", errors.AuthError),
        ("maria_agents_forbidden", errors.ForbiddenError),
        ("maria_crm_subscribers", errors.ForbiddenError),
        ("maria_ticket_of_other_agent", errors.ForbiddenError),
        ("err_unknown_route", errors.RouteMissingError),
        ("fs_ticket_singular_route_404", errors.RouteMissingError),
        ("fs_ticket_not_found", errors.NotFoundError),
        ("fs_delete_response_nonexistent", errors.NotFoundError),
        ("fs_create_ticket_bad_customer", errors.NotFoundError),
        ("crm_subscriber_not_found", errors.NotFoundError),
        ("crm_subscriber_by_email_missing", errors.NotFoundError),
        ("fs_put_customer_without_person_type_BUG", errors.NotFoundError),
        ("fs_tickets_bad_order_by", errors.UnavailableError),
        ("fs_bulk_unknown_action", errors.InvalidInputError),
        ("fs_property_invalid_name", errors.InvalidInputError),
    ],
)
def test_error_answers_map_to_their_kind(name: str, kind: type[errors.UpstreamError]) -> None:
    error = errors.from_status(_response(name), site_label="captures")
    assert type(error) is kind
    assert error.status == load(name)["status"]
    assert "SQL" not in error.message  # never shown to a person


def test_validation_answers_name_the_fields() -> None:
    empty = errors.from_status(_response("fs_post_response_empty_422"), site_label="")
    assert empty.field_errors == {"content": ["Reply content is required"]}
    create = errors.from_status(_response("fs_create_ticket_validation_422"), site_label="")
    assert create.field_errors == {
        "title": ["Ticket title is required"],
        "content": ["Ticket content is required"],
    }
