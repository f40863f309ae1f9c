"""Behaviour of the simulated site: data, filters, writes, auth, controls and faults."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME, SimulatedSite, SimulatorServer
from dashboard.simulator.hostile import VECTORS
from dashboard.simulator.rest import php_parse

ADMIN = (ADMIN_USERNAME, ADMIN_APP_PASSWORD)
FS = "/wp-json/fluent-support/v2"
CRM = "/wp-json/fluent-crm/v2"
NOW = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def call(entry: Any, method: str, path: str, auth: Any = ADMIN, **kwargs: Any) -> Any:
    kwargs.setdefault("timeout", 10)
    return requests.request(method, entry.base_url + path, auth=auth, **kwargs)


def tickets(entry: Any, auth: Any = ADMIN, **params: Any) -> dict[str, Any]:
    response = call(entry, "GET", f"{FS}/tickets", auth=auth, params=params)
    assert response.status_code == 200, response.text
    return response.json()["tickets"]


def all_ids(entry: Any, **params: Any) -> list[int]:
    page = tickets(entry, per_page=1000, **params)
    return [row["id"] for row in page["data"]]


# ------------------------------------------------------------------------- data
def test_same_seed_gives_same_data() -> None:
    one = SimulatedSite(seed=7, now=NOW)
    two = SimulatedSite(seed=7, now=NOW)
    assert one.tickets == two.tickets
    assert one.contacts == two.contacts
    assert one.users["maria"].app_password == two.users["maria"].app_password


def test_different_seed_gives_different_data() -> None:
    assert SimulatedSite(seed=1, now=NOW).tickets != SimulatedSite(seed=2, now=NOW).tickets


def test_default_scale_and_realistic_mix() -> None:
    site = SimulatedSite(seed=1, now=NOW)
    assert len(site.tickets) == 150
    assert len(site.customers) == 60
    assert len(site.contacts) == 80
    statuses = {t["status"] for t in site.tickets.values()}
    assert statuses == {"new", "active", "closed"}
    kinds = {r["conversation_type"] for r in site.responses.values()}
    assert kinds == {"response", "note", "internal_info"}
    # The four seeded staff come first; the agent without a name joined after the customers.
    staff = sorted(site.agents)
    assert min(site.customers) > max(staff[:4]) and max(site.customers) < staff[4]
    assert site.agents[staff[4]]["first_name"] == site.agents[staff[4]]["last_name"] == ""
    newest = max(site.tickets.values(), key=lambda t: t["created_at"])
    assert (NOW - newest["created_at"]).total_seconds() < 6 * 3600


def test_site_name_drives_domain_and_mailboxes() -> None:
    site = SimulatedSite(seed=1, name="Acme Academy", now=NOW)
    assert site.users["admin"].email == "admin@acme-academy.test"
    assert site.store.mailboxes[1]["name"] == "Acme Support"


def test_sites_given_one_staff_domain_share_their_team() -> None:
    store = SimulatedSite(seed=1, name="Acme Store", now=NOW, staff_domain="acme.test")
    academy = SimulatedSite(seed=2, name="Acme Academy", now=NOW, staff_domain="acme.test")
    emails = [{a["email"] for a in site.agents.values()} for site in (store, academy)]
    assert emails[0] == emails[1] and "admin@acme.test" in emails[0]
    assert academy.users["admin"].email == "admin@acme.test"
    # Everything else stays the site's own, and the seed is unchanged.
    assert academy.store.mailboxes[1]["settings"]["admin_email_address"].endswith(
        "@acme-academy.test"
    )
    plain = SimulatedSite(seed=2, name="Acme Academy", now=NOW)
    assert [t["title"] for t in plain.tickets.values()] == [
        t["title"] for t in academy.tickets.values()
    ]


def test_an_edited_agent_answers_with_the_new_profile_until_reset() -> None:
    site = SimulatedSite(seed=1, now=NOW)
    site.edit_agent(3, email="t@example.test", first_name="Thomas")
    assert site.agents[3]["email"] == site.users["tom"].email == "t@example.test"
    assert site.agents[3]["first_name"] == "Thomas" and site.agents[3]["last_name"] == "Becker"
    site.reset()
    assert site.agents[3]["email"] == "tom.agent@acme-store.test"


def test_crm_has_shared_emails_and_a_near_miss_trap() -> None:
    site = SimulatedSite(seed=1, now=NOW)
    customer_emails = {p["email"] for p in site.customers.values()}
    shared = [c for c in site.contacts.values() if c["email"] in customer_emails]
    assert len(shared) >= 30
    emails = {c["email"] for c in site.contacts.values()}
    assert {"olivia.thornbury@example.com", "olivia.thornbury@example.com.au"} <= emails


def test_php_style_keys_are_parsed_into_nested_values() -> None:
    parsed = php_parse(
        [
            ("filters[agent_id][]", "3"),
            ("filters[agent_id][]", "4"),
            ("filters[status_type]", "open"),
            ("b[c]", "2"),
            ("plain", "x"),
        ]
    )
    assert parsed == {
        "filters": {"agent_id": ["3", "4"], "status_type": "open"},
        "b": {"c": "2"},
        "plain": "x",
    }


# ------------------------------------------------------------------------- ticket list
def test_omitted_status_lists_every_ticket_including_closed(sim: Any) -> None:
    page = tickets(sim.acme)
    assert page["total"] == len(sim.acme.site.tickets)
    assert page["per_page"] == 15
    assert len(page["data"]) == 15


def test_open_status_is_new_plus_active(sim: Any) -> None:
    site = sim.acme.site
    open_ids = set(all_ids(sim.acme, **{"filters[status_type]": "open"}))
    expected = {t["id"] for t in site.tickets.values() if t["status"] in ("new", "active")}
    assert open_ids == expected
    closed = all_ids(sim.acme, **{"filters[status_type]": "closed"})
    assert all(site.tickets[i]["status"] == "closed" for i in closed)


def test_waiting_for_reply_means_open_and_customer_spoke_last(sim: Any) -> None:
    site = sim.acme.site
    ids = all_ids(sim.acme, **{"filters[waiting_for_reply]": "yes", "filters[status_type]": "open"})
    assert ids
    for tid in ids:
        ticket = site.tickets[tid]
        assert ticket["status"] != "closed"
        agent_at = ticket["last_agent_response"]
        assert agent_at is None or ticket["last_customer_response"] > agent_at


def test_unassigned_and_agent_filters(sim: Any) -> None:
    site = sim.acme.site
    unassigned = all_ids(sim.acme, **{"filters[agent_id]": "unassigned"})
    assert unassigned
    assert all(site.tickets[i]["agent_id"] is None for i in unassigned)
    several = all_ids(sim.acme, **{"filters[agent_id][]": ["3", "4"]})
    assert {site.tickets[i]["agent_id"] for i in several} == {3, 4}


def test_priority_mailbox_product_and_tag_filters(sim: Any) -> None:
    site = sim.acme.site
    critical = all_ids(sim.acme, **{"filters[priority]": "critical"})
    assert critical
    assert all(site.tickets[i]["priority"] == "critical" for i in critical)
    boxes = all_ids(sim.acme, **{"filters[mailbox_id][]": ["2"]})
    assert boxes
    assert all(site.tickets[i]["mailbox_id"] == 2 for i in boxes)
    tagged = all_ids(sim.acme, **{"filters[ticket_tags][]": "1"})
    assert tagged
    assert all(1 in site.tickets[i]["tag_ids"] for i in tagged)


def test_paging_reaches_the_last_page(sim: Any) -> None:
    total = len(sim.acme.site.tickets)
    first = tickets(sim.acme, per_page=40)
    assert first["last_page"] == -(-total // 40)
    last = tickets(sim.acme, per_page=40, page=first["last_page"])
    assert last["next_page_url"] is None
    assert len(last["data"]) == total - 40 * (first["last_page"] - 1)
    assert last["prev_page_url"].startswith(sim.acme.base_url)


def test_order_type_other_than_exact_desc_sorts_ascending(sim: Any) -> None:
    descending = [r["id"] for r in tickets(sim.acme, order_by="id", order_type="DESC")["data"]]
    lowercase = [r["id"] for r in tickets(sim.acme, order_by="id", order_type="desc")["data"]]
    assert descending == sorted(descending, reverse=True)
    assert lowercase == sorted(lowercase)
    assert lowercase[0] == 1


def test_unknown_order_by_answers_500_leaking_sql(sim: Any) -> None:
    response = call(sim.acme, "GET", f"{FS}/tickets", params={"order_by": "nope"})
    assert response.status_code == 500
    assert "Unknown column 'nope'" in response.json()["message"]


def test_search_matches_ticket_text_and_id_but_not_the_customer(sim: Any) -> None:
    # As the plugin (seq_search_*): title, opening content, slug and id only.
    site = sim.acme.site
    ticket = site.tickets[5]
    customer = site.store.persons[ticket["customer_id"]]
    assert set(all_ids(sim.acme, search=customer["email"])) == set()
    assert set(all_ids(sim.acme, search=customer["last_name"])) == {
        t["id"]
        for t in site.tickets.values()
        if customer["last_name"].lower() in (t["title"] + t["content"]).lower()
    }
    assert 5 in set(all_ids(sim.acme, search="5"))
    assert set(all_ids(sim.acme, search="#5")) == set()
    assert set(all_ids(sim.acme, search="id:5")) == {5}
    mine = {t["id"] for t in site.tickets.values() if t["customer_id"] == customer["id"]}
    assert set(all_ids(sim.acme, search=f"customer_id:{customer['id']}")) == mine


def test_ten_thousand_tickets_page_answers() -> None:
    site = SimulatedSite(seed=4, tickets=10000, customers=200, contacts=20, now=NOW)
    with SimulatorServer(site) as server:
        response = requests.get(
            f"{server.base_url}{FS}/tickets",
            params={"page": 300, "filters[status_type]": "open"},
            auth=ADMIN,
            timeout=10,
        )
        assert response.status_code == 200
        page = response.json()["tickets"]
        assert page["current_page"] == 300
        assert len(page["data"]) == 15
    assert site.count(route="*/tickets") == 1


# ------------------------------------------------------------------------- ticket detail & writes
def test_reply_appears_first_in_ticket_detail(sim: Any) -> None:
    tid = next(t["id"] for t in sim.acme.site.tickets.values() if t["status"] == "active")
    posted = call(
        sim.acme, "POST", f"{FS}/tickets/{tid}/responses",
        json={"content": "<p>Fixed &mdash; try again.</p><script>x()</script>",
              "conversation_type": "response"},
    )  # fmt: skip
    assert posted.status_code == 200
    assert posted.json()["response"]["content"] == "<p>Fixed &mdash; try again.</p>\n<p>x()</p>\n"
    detail = call(sim.acme, "GET", f"{FS}/tickets/{tid}").json()
    assert detail["responses"][0]["id"] == posted.json()["response"]["id"]
    assert detail["agent_id"] == 1


def test_empty_reply_is_rejected(sim: Any) -> None:
    response = call(sim.acme, "POST", f"{FS}/tickets/5/responses", json={"content": " "})
    assert response.status_code == 422
    assert response.json() == {"content": {"required": "Reply content is required"}}


def test_form_encoded_note_is_accepted(sim: Any) -> None:
    response = call(
        sim.acme, "POST", f"{FS}/tickets/5/responses",
        data={"content": "<p>Internal.</p>", "conversation_type": "note"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["response"]["conversation_type"] == "note"


def test_close_and_reopen_change_status(sim: Any) -> None:
    site = sim.acme.site
    tid = next(t["id"] for t in site.tickets.values() if t["status"] == "active")
    closed = call(sim.acme, "POST", f"{FS}/tickets/{tid}/close")
    assert closed.json()["ticket"]["status"] == "closed"
    assert site.tickets[tid]["status"] == "closed"
    reopened = call(sim.acme, "POST", f"{FS}/tickets/{tid}/re-open")
    assert reopened.status_code == 200
    assert site.tickets[tid]["status"] == "active"


def test_missing_ticket_is_a_422_string(sim: Any) -> None:
    response = call(sim.acme, "GET", f"{FS}/tickets/999999")
    assert response.status_code == 422
    assert (
        response.json() == "No query results for model [FluentSupport\\App\\Models\\Ticket] 999999"
    )


def test_property_stores_any_value_and_rejects_unknown_columns(sim: Any) -> None:
    ok = call(sim.acme, "PUT", f"{FS}/tickets/5/property",
              json={"prop_name": "priority", "prop_value": "super-urgent"})  # fmt: skip
    assert ok.json()["message"] == "Priority has been updated"
    assert sim.acme.site.tickets[5]["priority"] == "super-urgent"
    bad = call(sim.acme, "PUT", f"{FS}/tickets/5/property",
               json={"prop_name": "bogus", "prop_value": "x"})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json().startswith("Unknown column 'bogus'")


def test_tags_add_and_remove(sim: Any) -> None:
    site = sim.acme.site
    site.tickets[5]["tag_ids"] = []
    call(sim.acme, "POST", f"{FS}/tickets/5/tags", json={"tag_id": 3})
    assert site.tickets[5]["tag_ids"] == [3]
    assert 5 in all_ids(sim.acme, **{"filters[ticket_tags][]": "3"})
    call(sim.acme, "DELETE", f"{FS}/tickets/5/tags/3")
    assert site.tickets[5]["tag_ids"] == []


def test_bulk_actions(sim: Any) -> None:
    site = sim.acme.site
    open_ids = [t["id"] for t in site.tickets.values() if t["status"] != "closed"][:2]
    closed = call(sim.acme, "POST", f"{FS}/tickets/bulk-actions",
                  json={"bulk_action": "close_tickets", "ticket_ids": open_ids})  # fmt: skip
    assert closed.json() == {"message": "2 tickets have been closed."}
    assert all(site.tickets[i]["status"] == "closed" for i in open_ids)
    unknown = call(sim.acme, "POST", f"{FS}/tickets/bulk-actions",
                   json={"bulk_action": "frobnicate", "ticket_ids": open_ids})  # fmt: skip
    assert unknown.status_code == 422
    reply = call(sim.acme, "POST", f"{FS}/tickets/bulk-reply",
                 json={"ticket_ids": open_ids, "content": "<p>All fixed.</p>"})  # fmt: skip
    assert reply.status_code == 200


def test_create_ticket_for_new_customer(sim: Any) -> None:
    response = call(
        sim.acme, "POST", f"{FS}/tickets",
        json={"ticket": {"title": "Hello", "content": "<p>Hi</p>", "create_customer": "yes"},
              "newCustomer": {"first_name": "Q", "last_name": "F", "email": "q.f@example.net"}},
    )  # fmt: skip
    assert response.status_code == 200
    ticket = response.json()["ticket"]
    assert isinstance(ticket["id"], int)
    assert sim.acme.site.store.persons[ticket["customer_id"]]["email"] == "q.f@example.net"
    invalid = call(sim.acme, "POST", f"{FS}/tickets", json={"ticket": {"customer_id": 5}})
    assert invalid.status_code == 422
    assert set(invalid.json()) == {"ticket.title", "ticket.content"}
    agent = call(sim.acme, "POST", f"{FS}/tickets",
                 json={"ticket": {"customer_id": 3, "title": "x", "content": "x"}})  # fmt: skip
    assert agent.status_code == 404


def test_put_customer_without_person_type_blanks_fields_and_answers_423(sim: Any) -> None:
    site = sim.acme.site
    cid = min(site.customers)
    email = site.customers[cid]["email"]
    response = call(sim.acme, "PUT", f"{FS}/customers/{cid}",
                    json={"first_name": "E", "email": email, "city": "Reno"})  # fmt: skip
    assert response.status_code == 423
    assert site.store.persons[cid]["person_type"] is None
    assert site.store.persons[cid]["city"] == "Reno"
    assert call(sim.acme, "GET", f"{FS}/customers/{cid}").json() == {"customer": None}


def test_customer_reply_helper_makes_ticket_wait(sim: Any) -> None:
    site = sim.acme.site
    tid = next(t["id"] for t in site.tickets.values() if t["status"] == "closed")
    site.add_customer_reply(tid, "<p>It broke again.</p>")
    assert site.tickets[tid]["status"] == "active"
    assert tid in all_ids(sim.acme, **{"filters[waiting_for_reply]": "yes"})


def test_customer_portal_reply_on_behalf(sim: Any) -> None:
    site = sim.acme.site
    ticket = site.tickets[5]
    email = site.store.persons[ticket["customer_id"]]["email"]
    response = call(sim.acme, "POST", f"{FS}/customer-portal/tickets/5/responses",
                    json={"content": "<p>Thanks</p>", "on_behalf": {"email": email}})  # fmt: skip
    assert response.status_code == 200
    detail = call(sim.acme, "GET", f"{FS}/tickets/5").json()
    assert detail["responses"][0]["person_id"] == str(ticket["customer_id"])


def test_live_activity_registers_viewers_that_expire(sim: Any) -> None:
    site = sim.acme.site
    clock = [1000.0]
    site.monotonic = lambda: clock[0]
    try:
        tom = ("tom", site.users["tom"].app_password)
        call(sim.acme, "GET", f"{FS}/tickets/5/live_activity", auth=tom)
        seen = call(sim.acme, "GET", f"{FS}/tickets/5/live_activity").json()["live_activity"]
        assert {v["first_name"] for v in seen} == {"Tom", "Alex"}
        clock[0] += 61
        call(sim.acme, "DELETE", f"{FS}/tickets/5/live_activity")
        after = call(sim.acme, "GET", f"{FS}/tickets/5/live_activity", auth=tom).json()
        assert [v["first_name"] for v in after["live_activity"]] == ["Tom"]
    finally:
        site.monotonic = time.monotonic


# ------------------------------------------------------------------------- auth & permissions
def test_wrong_password_answers_rest_forbidden(sim: Any) -> None:
    wrong = call(sim.acme, "GET", f"{FS}/tickets", auth=(ADMIN_USERNAME, "nope nope"))
    missing = call(sim.acme, "GET", f"{FS}/tickets", auth=None)
    assert wrong.status_code == missing.status_code == 401
    assert wrong.json() == missing.json()
    assert wrong.json()["code"] == "rest_forbidden"


def test_password_without_spaces_is_accepted(sim: Any) -> None:
    response = call(sim.acme, "GET", f"{FS}/me", auth=(ADMIN_USERNAME, "abcdefghijklmnopqrstuvwx"))
    assert response.status_code == 200
    assert response.json()["user_id"] == 1


def test_revoked_password_stops_working(sim: Any) -> None:
    sim.acme.site.set_app_password("admin", None)
    assert call(sim.acme, "GET", f"{FS}/me").status_code == 401
    sim.acme.site.set_app_password("admin", "zzzz zzzz zzzz zzzz zzzz zzzz")
    assert call(sim.acme, "GET", f"{FS}/me", auth=("admin", "zzzz" * 6)).status_code == 200


def test_limited_agent_sees_own_and_unassigned_only(sim: Any) -> None:
    site = sim.acme.site
    maria = ("maria", site.users["maria"].app_password)
    ids = all_ids_as(sim.acme, maria)
    assert ids
    assert all(site.tickets[i]["agent_id"] in (None, 2) for i in ids)
    other = next(t["id"] for t in site.tickets.values() if t["agent_id"] == 3)
    denied = call(sim.acme, "GET", f"{FS}/tickets/{other}", auth=maria)
    assert denied.status_code == 422
    assert denied.json() == "Sorry, You do not have permission to this ticket"
    for path in (f"{FS}/customers", f"{FS}/agents", f"{FS}/reports", f"{CRM}/subscribers"):
        assert call(sim.acme, "GET", path, auth=maria).status_code == 403, path


def all_ids_as(entry: Any, auth: Any) -> list[int]:
    return [r["id"] for r in tickets(entry, auth=auth, per_page=1000)["data"]]


def test_users_me_and_root_index(sim: Any) -> None:
    me = call(sim.acme, "GET", "/wp-json/wp/v2/users/me", params={"context": "edit"}).json()
    assert me["roles"] == ["administrator"]
    root = call(sim.acme, "GET", "/wp-json/", auth=None, params={"_fields": "name,namespaces"})
    assert root.json() == {
        "name": "Acme Store",
        "namespaces": ["oembed/1.0", "fluent-crm/v2", "fluent-support/v2", "wp/v2",
                       "wp-site-health/v1", "wp-block-editor/v1", "wp-abilities/v1"],
    }  # fmt: skip


# ------------------------------------------------------------------------- CRM
def test_crm_exact_email_lookup_is_case_insensitive(sim: Any) -> None:
    found = call(sim.acme, "GET", f"{CRM}/subscribers/0",
                 params={"get_by_email": "Olivia.Thornbury@Example.com"})  # fmt: skip
    assert found.json()["subscriber"]["email"] == "olivia.thornbury@example.com"
    missing = call(sim.acme, "GET", f"{CRM}/subscribers/0",
                   params={"get_by_email": "nobody@example.com"})  # fmt: skip
    assert missing.status_code == 422
    assert missing.json() == {"message": "Subscriber not found"}


def test_crm_search_is_partial(sim: Any) -> None:
    body = call(sim.acme, "GET", f"{CRM}/subscribers",
                params={"search": "olivia.thornbury@example.com"}).json()  # fmt: skip
    emails = {row["email"] for row in body["subscribers"]["data"]}
    assert emails == {"olivia.thornbury@example.com", "olivia.thornbury@example.com.au"}


def test_crm_status_and_tag_filters(sim: Any) -> None:
    site = sim.acme.site
    params = {"statuses[]": ["unsubscribed", "bounced"], "per_page": 100}
    body = call(sim.acme, "GET", f"{CRM}/subscribers", params=params).json()
    rows = body["subscribers"]["data"]
    assert rows
    assert {r["status"] for r in rows} <= {"unsubscribed", "bounced"}
    tagged = call(sim.acme, "GET", f"{CRM}/subscribers", params={"tags[]": "3", "per_page": 100})
    for row in tagged.json()["subscribers"]["data"]:
        assert 3 in site.contacts[row["id"]]["tag_ids"]


def test_site_without_crm_has_no_crm_routes(sim: Any) -> None:
    response = call(sim.beta, "GET", f"{CRM}/subscribers")
    assert response.status_code == 404
    assert response.json()["code"] == "rest_no_route"
    root = call(sim.beta, "GET", "/wp-json/", params={"_fields": "namespaces"}).json()
    assert "fluent-crm/v2" not in root["namespaces"]
    assert "fluent-support/v2" in root["namespaces"]


def test_site_without_support_plugin() -> None:
    site = SimulatedSite(seed=1, support=False, tickets=5, customers=5, contacts=5)
    with SimulatorServer(site) as server:
        response = requests.get(f"{server.base_url}{FS}/tickets", auth=ADMIN, timeout=5)
        assert response.status_code == 404
        root = requests.get(f"{server.base_url}/wp-json/", timeout=5).json()
        assert "fluent-support/v2" not in root["namespaces"]


def test_non_rest_path_serves_html(sim: Any) -> None:
    response = call(sim.acme, "GET", "/some/page", auth=None)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")


# ------------------------------------------------------------------------- controls & faults
def test_request_log_counts_calls(sim: Any) -> None:
    site = sim.acme.site
    tickets(sim.acme)
    call(sim.acme, "GET", f"{FS}/tickets/5")
    call(sim.acme, "GET", f"{FS}/tickets/5")
    assert site.count() == 3
    assert site.count(method="GET", route="/fluent-support/v2/tickets/*") == 2
    assert site.count(route="/wp-json/fluent-support/v2/tickets") == 1
    entry = site.request_log[-1]
    assert entry.user == "admin"
    assert entry.status == 200
    site.clear_log()
    assert site.count() == 0


def test_latency_applies_per_route(sim: Any) -> None:
    site = sim.acme.site
    site.set_latency(150, route="/fluent-support/v2/tickets/*")
    call(sim.acme, "GET", f"{FS}/tickets/5")
    call(sim.acme, "GET", f"{FS}/me")
    slow, fast = site.request_log
    assert slow.duration_ms >= 150
    assert fast.duration_ms < 150


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("status_500", 500),
        ("status_502", 502),
        ("revoked_401", 401),
        ("forbidden_403", 403),
        ("plugin_missing_404", 404),
    ],
)
def test_status_faults(sim: Any, kind: str, status: int) -> None:
    sim.acme.site.add_fault(kind, route="*/tickets")
    response = call(sim.acme, "GET", f"{FS}/tickets")
    assert response.status_code == status
    assert call(sim.acme, "GET", f"{FS}/me").status_code == 200
    if kind == "status_502":
        assert "text/html" in response.headers["Content-Type"]


def test_invalid_json_fault_truncates_the_body(sim: Any) -> None:
    sim.acme.site.add_fault("invalid_json", method="GET")
    response = call(sim.acme, "GET", f"{FS}/tickets")
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_html_200_fault_applies_a_write_and_answers_with_a_web_page(sim: Any) -> None:
    ticket_id = next(t["id"] for t in sim.acme.site.tickets.values() if t["status"] != "closed")
    sim.acme.site.add_fault("html_200", method="POST")
    response = call(sim.acme, "POST", f"{FS}/tickets/{ticket_id}/close")
    assert response.status_code == 200
    assert "text/html" in response.headers["Content-Type"]
    assert sim.acme.site.tickets[ticket_id]["status"] == "closed"


def test_reset_fault_drops_the_connection(sim: Any) -> None:
    sim.acme.site.add_fault("reset")
    with pytest.raises(requests.ConnectionError):
        call(sim.acme, "GET", f"{FS}/tickets")


def test_timeout_fault_hangs_until_released(sim: Any) -> None:
    site = sim.acme.site
    site.add_fault("timeout", route="*/tickets", seconds=30)
    with pytest.raises(requests.ReadTimeout):
        call(sim.acme, "GET", f"{FS}/tickets", timeout=0.3)
    site.clear_faults()
    assert call(sim.acme, "GET", f"{FS}/tickets").status_code == 200


def test_fault_rate_is_deterministic() -> None:
    def outcomes() -> list[int]:
        site = SimulatedSite(seed=9, tickets=5, customers=5, contacts=5)
        site.add_fault("status_500", rate=0.5)
        with SimulatorServer(site) as server:
            return [
                requests.get(f"{server.base_url}{FS}/me", auth=ADMIN, timeout=5).status_code
                for _ in range(12)
            ]

    first = outcomes()
    assert first == outcomes()
    assert set(first) == {200, 500}


def test_reset_restores_seed_and_clears_controls(sim: Any) -> None:
    site = sim.acme.site
    before = {tid: dict(t, tag_ids=list(t["tag_ids"])) for tid, t in site.tickets.items()}
    call(sim.acme, "POST", f"{FS}/tickets/5/close")
    site.add_fault("status_500")
    site.set_latency(500)
    site.reset()
    assert site.tickets == before
    assert site.count() == 0
    assert call(sim.acme, "GET", f"{FS}/me").status_code == 200


def test_http_controls(sim: Any) -> None:
    base = sim.acme.base_url + "/__simulator__"
    requests.post(f"{base}/faults", json={"kind": "forbidden_403", "route": "*/me"}, timeout=5)
    assert call(sim.acme, "GET", f"{FS}/me").status_code == 403
    requests.delete(f"{base}/faults", timeout=5)
    assert call(sim.acme, "GET", f"{FS}/me").status_code == 200
    count = requests.get(f"{base}/count", params={"route": "*/me"}, timeout=5).json()
    assert count == {"count": 2}
    requests.post(f"{base}/customer-reply", json={"ticket_id": 5, "html": "<p>Hi</p>"}, timeout=5)
    assert sim.acme.site.responses[max(sim.acme.site.responses)]["content"] == "<p>Hi</p>"
    requests.post(f"{base}/reset", timeout=5)
    assert sim.acme.site.count() == 0


# ------------------------------------------------------------------------- hostile seed
def test_hostile_corpus_is_large_and_placed_in_the_data() -> None:
    assert len(VECTORS) >= 100
    assert len(set(VECTORS)) == len(VECTORS)
    site = SimulatedSite(seed=5, hostile=True, now=NOW)
    text = repr(
        [
            site.tickets,
            site.responses,
            site.customers,
            site.contacts,
            site.store.ticket_tags,
            site.store.crm_tags,
        ]
    )
    missing = [v for v in VECTORS if repr(v)[1:-1] not in text]
    assert not missing
    titles = [t["title"] for t in site.tickets.values()]
    assert any(title in VECTORS for title in titles)
    assert any(tag["title"] in VECTORS for tag in site.store.ticket_tags.values())


def test_hostile_seed_is_deterministic() -> None:
    one = SimulatedSite(seed=5, hostile=True, now=NOW)
    two = SimulatedSite(seed=5, hostile=True, now=NOW)
    assert one.tickets == two.tickets
    assert one.contacts == two.contacts


# ------------------------------------------------------------------------- control routes
def control(site, path: str, *, remote: str, host: str, method: str = "GET"):
    answer: dict = {}

    def start_response(status, headers):
        answer["status"] = int(status.split()[0])

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": f"/__simulator__/{path}",
        "QUERY_STRING": "",
        "REMOTE_ADDR": remote,
        "HTTP_HOST": host,
        "wsgi.input": io.BytesIO(b""),
        "CONTENT_LENGTH": "0",
    }
    body = b"".join(site(environ, start_response))
    return answer["status"], json.loads(body)


@pytest.mark.parametrize(
    ("remote", "host"),
    [
        ("203.0.113.5", "127.0.0.1:8089"),  # another machine, bound to 0.0.0.0
        ("10.0.0.7", "localhost:8089"),
        ("127.0.0.1", "evil.example:8089"),  # a rebinding page in the local browser
        ("127.0.0.1", "evil.example"),
        ("127.0.0.1", ""),
    ],
)
def test_controls_refuse_anyone_but_a_local_client_by_a_local_name(remote, host) -> None:
    site = SimulatedSite(seed=1, now=NOW)
    password = site.users["admin"].app_password
    for path, method in (("state", "GET"), ("reset", "POST"), ("log", "GET")):
        status, body = control(site, path, remote=remote, host=host, method=method)
        assert status == 403
        assert password not in json.dumps(body)


@pytest.mark.parametrize(
    ("remote", "host"),
    [
        ("127.0.0.1", "127.0.0.1:8089"),
        ("127.0.0.1", "localhost"),
        ("::1", "[::1]:8089"),
        ("::ffff:127.0.0.1", "localhost:8089"),
    ],
)
def test_controls_answer_a_local_client_by_a_local_name(remote, host) -> None:
    site = SimulatedSite(seed=1, now=NOW)
    status, body = control(site, "state", remote=remote, host=host)
    assert status == 200 and body["name"] == site.name


def test_state_never_includes_passwords(sim: Any) -> None:
    state = requests.get(sim.acme.base_url + "/__simulator__/state", timeout=5).json()
    text = json.dumps(state)
    for user in sim.acme.site.users.values():
        assert not user.app_password or user.app_password not in text
    assert state["users"]["admin"] == {"has_app_password": True, "role": "administrator"}


def test_controls_over_http_refuse_a_foreign_host_header(sim: Any) -> None:
    answer = requests.get(
        sim.acme.base_url + "/__simulator__/state", headers={"Host": "evil.example"}, timeout=5
    )
    assert answer.status_code == 403


def test_a_request_held_by_a_timeout_is_not_logged_after_the_reset_that_releases_it(
    sim: Any,
) -> None:
    """A request a client gave up on stays held on the site; the next test's reset wakes it.
    It must be logged before the log is cleared, not into the next test's log."""
    site = sim.acme.site
    site.add_fault("timeout", route="/fluent-support/v2/tickets", method="POST")
    with pytest.raises(requests.ReadTimeout):
        call(sim.acme, "POST", f"{FS}/tickets", json={"title": "held"}, timeout=0.3)
    assert site.count("POST") == 0  # still held on the site

    site.reset()

    assert site.wait_idle(timeout=5)
    assert site.count("POST") == 0
    assert site.request_log == []
