"""Bad input in the address or a form is refused with a message (400 or a form error), never a
500, and never passed raw to a WordPress site."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from django.urls import reverse

from dashboard.tickets.query import PER_PAGE
from tests.tickets.test_thread import open_composer, ticket_where

HTMX = {"HTTP_HX_REQUEST": "true"}
LONG = "needle" + "x" * 10_000  # 10 kB of search text
INBOX_REFUSAL = "were not valid and were ignored"


def logged_queries(sim_site) -> str:
    return "\n".join(f"{e.method} {e.path}?{e.query}" for e in sim_site.site.request_log)


def no_raw_value_upstream(sim_site, *raw: str) -> None:
    log = logged_queries(sim_site)
    for value in raw:
        assert value not in log
        assert quote(value, safe="") not in log


# The inbox


@pytest.mark.parametrize(
    ("params", "raw"),
    [
        pytest.param({"page": "-1"}, "page=-1", id="page-negative"),
        pytest.param({"page": "abc"}, "page=abc", id="page-text"),
        pytest.param({"page": "999999"}, "page=999999", id="page-huge"),
        pytest.param({"status": "bogus"}, "bogus", id="status-unknown"),
        pytest.param({"sort": "nonexistent_col"}, "nonexistent_col", id="sort-unknown"),
        pytest.param({"sort": "id;DROP TABLE"}, "DROP", id="sort-sql"),
        pytest.param({"agent": "1' OR '1'='1"}, "OR", id="agent-quotes"),
        pytest.param({"priority": "urgent"}, "urgent", id="priority-unknown"),
        pytest.param({"mailbox": "-5"}, "-5", id="mailbox-negative"),
        pytest.param({"tag": "1e9999"}, "1e9999", id="tag-overflow"),
        pytest.param({"q": LONG}, "needlexxx", id="search-10kB"),
        pytest.param({"site": "Not a site!"}, "Not a site", id="site-text"),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_inbox_refuses_bad_parameters_with_a_400_and_a_message(
    agent_client, acme, sim, params, raw, htmx
):
    response = agent_client.get(f"/?{urlencode(params)}", **(HTMX if htmx else {}))

    assert response.status_code == 400
    assert INBOX_REFUSAL in response.content.decode()
    no_raw_value_upstream(sim.acme, raw)


def test_inbox_ignores_parameters_it_does_not_know(agent_client, acme, sim):
    sim.acme.site.clear_log()
    response = agent_client.get("/?per_page=100000&order_by=secret_col&filters[x]=1")

    assert response.status_code < 500
    no_raw_value_upstream(sim.acme, "per_page=100000", "secret_col")
    listings = [e for e in sim.acme.site.request_log if e.path.endswith("/tickets")]
    assert listings and all(f"per_page={PER_PAGE}" in e.query for e in listings)


def test_inbox_page_past_the_end_is_empty_not_an_error(agent_client, acme, sim):
    response = agent_client.get(f"/?site={acme.slug}&page=5000")

    assert response.status_code in (200, 400)
    assert 'data-key-id="' not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("tickets:counts", {"status": "bogus", "site": "x"}),
        ("tickets:changes", {"since": "yesterday", "site": "x"}),
        ("tickets:changes", {"since": "9" * 40}),
    ],
    ids=["counts", "changes-since-text", "changes-since-huge"],
)
def test_inbox_fragments_refuse_bad_parameters(agent_client, acme, sim, name, params):
    response = agent_client.get(f"{reverse(name)}?{urlencode(params)}", **HTMX)

    assert response.status_code < 500
    no_raw_value_upstream(sim.acme, "bogus", "yesterday", "9" * 40)


# The thread


@pytest.mark.parametrize(
    "path",
    [
        "/sites/abc/tickets/1/",
        "/sites/1/tickets/abc/",
        "/sites/1/tickets/-1/",
        "/sites/1/tickets/1.5/",
        "/sites/99999999999999999999/tickets/1/",
        "/sites/1/tickets/1/responses/abc/edit/",
    ],
    ids=["site-text", "ticket-text", "ticket-negative", "ticket-decimal", "site-huge", "resp-text"],
)
def test_thread_urls_with_ids_that_are_not_numbers_are_404(agent_client, acme, sim, path):
    assert agent_client.get(path).status_code == 404


@pytest.mark.parametrize(
    "site", ["²", "٣", "1" * 5000, "ACME-STORE", "%00", "-1"], ids=lambda v: v[:12].encode().hex()
)
@pytest.mark.parametrize("page", ["/", "/customers/new-ticket/", "/reports/", "/reports/mine/"])
def test_a_site_named_oddly_is_never_a_500(agent_client, acme, sim, page, site):
    # "²" and "٣" are digits to str.isdigit but no number to int().
    response = agent_client.get(page, {"site": site})
    assert response.status_code in (200, 400, 404), response.status_code


def test_thread_with_a_huge_ticket_id_is_not_a_500(agent_client, acme, sim):
    response = agent_client.get(reverse("tickets:thread", args=[acme.slug, 10**18]))

    assert 400 <= response.status_code < 500


PROPERTY = "/fluent-support/v2/tickets/*/property"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "status", "value": "closed"}, "Select a valid choice"),
        ({"name": "title", "value": "x"}, "Select a valid choice"),
        ({"name": "priority", "value": "urgent"}, "Choose normal, medium or critical."),
        ({"name": "priority", "value": "critical'--"}, "Choose normal, medium or critical."),
        ({"name": "client_priority", "value": "high"}, "Choose normal, medium or critical."),
        ({"name": "agent_id", "value": "abc"}, "is not on this site"),
        ({"name": "agent_id", "value": "999"}, "is not on this site"),
        ({"name": "mailbox_id", "value": "-1"}, "is not on this site"),
        ({"name": "priority", "value": "x" * 500}, "at most 20 characters"),
        ({"name": "priority"}, "required"),
    ],
    ids=[
        "name-status",
        "name-title",
        "priority-urgent",
        "priority-injection",
        "client-priority-high",
        "agent-text",
        "agent-unknown",
        "mailbox-negative",
        "value-too-long",
        "value-missing",
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_property_change_with_a_bad_value_is_a_form_error_and_nothing_is_sent(
    agent_client, acme, sim, data, message, htmx
):
    ticket_id = ticket_where(sim.acme)
    before = dict(sim.acme.site.tickets[ticket_id])
    sim.acme.site.clear_log()

    response = agent_client.post(
        reverse("tickets:property", args=[acme.slug, ticket_id]),
        data,
        follow=not htmx,
        **(HTMX if htmx else {}),
    )

    assert response.status_code < 500
    assert message in response.content.decode()
    assert sim.acme.site.count("PUT", PROPERTY) == 0
    assert sim.acme.site.count("POST", PROPERTY) == 0
    assert sim.acme.site.tickets[ticket_id] == before


@pytest.mark.parametrize("tag", ["no such tag", "<script>", "9999", "x" * 500])
def test_adding_an_unknown_tag_says_so_and_sends_nothing(agent_client, acme, sim, tag):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.clear_log()

    response = agent_client.post(
        reverse("tickets:tag_add", args=[acme.slug, ticket_id]), {"tag": tag}, **HTMX
    )

    assert response.status_code < 500
    html = response.content.decode()
    assert "There is no tag" in html or "at most 100 characters" in html
    assert "<script>" not in html
    assert sim.acme.site.count("POST", "/fluent-support/v2/tickets/*/tags") == 0


def test_a_reply_longer_than_the_limit_is_refused_with_the_text_kept(agent_client, acme, sim):
    from dashboard.tickets.forms import MAX_TEXT

    ticket_id = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.clear_log()

    response = agent_client.post(
        reverse("tickets:reply", args=[acme.slug, ticket_id]),
        {"text": "y" * (MAX_TEXT + 1), "action": "reply", "mode": "reply", **fields},
        **HTMX,
    )

    assert response.status_code == 422
    assert f"at most {MAX_TEXT} characters" in response.content.decode()
    assert sim.acme.site.count("POST") == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"token": "not-a-token"},
        {"token": ""},
        {"action": "delete_everything"},
        {"mode": "public"},
        {"last_seen": "-1"},
        {"last_seen": "abc"},
    ],
    ids=[
        "token-bad",
        "token-empty",
        "action-unknown",
        "mode-unknown",
        "seen-negative",
        "seen-text",
    ],
)
def test_a_reply_with_tampered_fields_is_refused_and_not_posted(agent_client, acme, sim, fields):
    ticket_id = ticket_where(sim.acme)
    good = open_composer(agent_client, acme, ticket_id)
    sim.acme.site.clear_log()
    data = {"text": "Tampered", "action": "reply", "mode": "reply", **good, **fields}

    response = agent_client.post(
        reverse("tickets:reply", args=[acme.slug, ticket_id]), data, **HTMX
    )

    assert 400 <= response.status_code < 500
    assert "Tampered" in response.content.decode()  # the text is kept for the agent
    assert sim.acme.site.count("POST") == 0


# Customers


@pytest.mark.parametrize(
    ("params", "raw"),
    [
        ({"page": "lots"}, "lots"),
        ({"page": "-4"}, "page=-4"),
        ({"page": "99999999"}, "99999999"),
        ({"status": "banned"}, "banned"),
        ({"site": "999"}, None),
        ({"site": "abc"}, None),
        ({"q": LONG}, "needlexxx"),
    ],
    ids=[
        "page-text",
        "page-negative",
        "page-huge",
        "status",
        "site-unknown",
        "site-text",
        "q-10kB",
    ],
)
def test_customers_directory_refuses_bad_parameters_with_a_message(
    agent_client, acme, sim, params, raw
):
    response = agent_client.get(f"{reverse('customers:directory')}?{urlencode(params)}")

    assert response.status_code in (200, 400)
    assert "were not valid and were ignored" in response.content.decode()
    if raw:
        no_raw_value_upstream(sim.acme, raw)


@pytest.mark.parametrize("ticket", ["abc", "-1", "0", "9" * 30])
def test_customer_panel_refuses_a_ticket_that_is_not_a_number(agent_client, acme, sim, ticket):
    customer_id = next(iter(sim.acme.site.customers))
    for name in ("customers:panel", "customers:contact"):
        url = reverse(name, args=[acme.slug, customer_id])
        response = agent_client.get(f"{url}?ticket={ticket}", **HTMX)
        assert response.status_code == 400
    no_raw_value_upstream(sim.acme, f"={ticket}")


def test_customer_edit_with_bad_fields_is_a_form_error_and_nothing_is_sent(agent_client, acme, sim):
    customer_id = next(iter(sim.acme.site.customers))
    sim.acme.site.clear_log()

    response = agent_client.post(
        reverse("customers:edit", args=[acme.slug, customer_id]),
        {"first_name": "x" * 500, "email": "not an email", "note": "n" * 5000},
    )

    assert response.status_code in (400, 422)
    assert "Enter a valid email address." in response.content.decode()
    assert sim.acme.site.count("PUT") == 0


def test_new_ticket_with_bad_fields_is_a_form_error_and_nothing_is_sent(agent_client, acme, sim):
    sim.acme.site.clear_log()

    response = agent_client.post(
        reverse("customers:new_ticket"),
        {
            "intent": "create",
            "site": acme.pk,
            "priority": "urgent",
            "customer_mode": "telepathy",
            "title": "",
            "content": "c" * 30_000,
        },
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in html and "at most 20000 characters" in html
    assert sim.acme.site.count("POST") == 0


@pytest.mark.parametrize(
    ("field", "value"), [("priority", "urgent"), ("customer_mode", "telepathy")]
)
def test_new_ticket_says_which_choice_was_not_valid(agent_client, acme, sim, field, value):
    customer_id = next(iter(sim.acme.site.customers))
    data = {
        "intent": "create",
        "site": acme.pk,
        "priority": "normal",
        "customer_mode": "existing",
        "customer": customer_id,
        "title": "Subject",
        "content": "Body",
        field: value,
    }
    sim.acme.site.clear_log()

    response = agent_client.post(reverse("customers:new_ticket"), data)

    assert response.status_code == 422
    assert f"Select a valid choice. {value} is not one of the available choices." in (
        response.content.decode()
    )
    assert sim.acme.site.count("POST") == 0


# Queues and workflow


@pytest.mark.parametrize("params", [{"refresh": "'; DROP"}, {"site": "abc"}, {"x": LONG}])
def test_queues_never_fail_on_odd_parameters(agent_client, acme, sim, params):
    for name in ("queues:overview", "queues:stats", "queues:export"):
        response = agent_client.get(f"{reverse(name)}?{urlencode(params)}", **HTMX)
        assert response.status_code < 500
    no_raw_value_upstream(sim.acme, "DROP", "needlexxx")


@pytest.mark.parametrize(
    "data",
    [
        {"when": "yesterday"},
        {"when": "custom", "custom": "not a date"},
        {"when": "custom", "custom": "1999-01-01T10:00"},
        {"when": "custom", "custom": "2999-01-01T10:00"},
        {},
    ],
    ids=["when-unknown", "custom-text", "custom-past", "custom-far-future", "empty"],
)
def test_snooze_with_a_bad_time_is_a_form_error(agent_client, acme, sim, data):
    from dashboard.workflow.models import Snooze

    ticket_id = ticket_where(sim.acme)

    response = agent_client.post(
        reverse("workflow:snooze", args=[acme.slug, ticket_id]), data, **HTMX
    )

    assert response.status_code == 422
    assert 'class="errorlist' in response.content.decode() or "error" in response.content.decode()
    assert not Snooze.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"first_response_hours": "-1"},
        {"first_response_hours": "abc"},
        {"next_reply_hours": "999999999"},
        {"mailbox": "-3", "first_response_hours": "4"},
    ],
    ids=["hours-negative", "hours-text", "hours-huge", "mailbox-negative"],
)
def test_sla_targets_with_bad_hours_are_a_form_error(agent_client, acme, sim, data):
    from dashboard.workflow.models import SlaPolicy

    response = agent_client.post(reverse("workflow:sla_save", args=[acme.slug]), data, **HTMX)

    assert response.status_code == 422
    assert not SlaPolicy.objects.exists()


@pytest.mark.parametrize(
    "params",
    [{"site": "abc"}, {"site": "1", "ticket": "-1"}, {"site": "1", "q": LONG}, {}],
    ids=["site-text", "ticket-negative", "q-10kB", "no-site"],
)
def test_reply_picker_refuses_bad_parameters_with_a_400(agent_client, acme, sim, params):
    response = agent_client.get(f"{reverse('workflow:reply_pick')}?{urlencode(params)}", **HTMX)

    assert response.status_code == 400
    no_raw_value_upstream(sim.acme, "needlexxx")


def test_saved_reply_form_refuses_an_empty_title_and_a_huge_body(agent_client, acme, sim):
    from dashboard.workflow.models import SavedReply

    response = agent_client.post(
        reverse("workflow:reply_create"), {"title": "  ", "body": "b" * 20_000}
    )

    assert response.status_code in (200, 400, 422)
    assert "This field is required." in response.content.decode()
    assert not SavedReply.objects.exists()


def test_saved_replies_search_longer_than_the_limit_is_refused(agent_client, acme):
    response = agent_client.get(f"{reverse('workflow:replies')}?{urlencode({'q': LONG})}")

    assert response.status_code in (200, 400)
    assert LONG not in response.content.decode()
