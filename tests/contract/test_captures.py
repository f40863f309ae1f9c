"""Replay every in-scope capture of the real plugins against the simulator.

For each recorded request we send the same method, path, query and body with the same kind of
credentials, then compare status, the important headers, the body's shape (the same keys and
JSON types at every depth) and its formats, key path by key path: times keep the capture's zone
convention (UTC ISO-8601 or naive site-local), numbers sent as strings stay strings, enumerations
take only the values the real plugin uses, and a key the capture fills is not always null.
Values may differ. Ids in the captured paths belong to the real
site, so they are mapped to an object of the same kind (for tickets: the same status and the
same kind of assignee) that the simulator holds, except where the capture is a not-found answer.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME
from dashboard.simulator.store import add_response

from .captures import CAPTURES, load, names

REFERENCE_ONLY = {
    "fs_activity_logger", "fs_options_countries", "fs_settings_menu", "fs_customer_field",
    "fs_ping", "fs_mailbox_1_tickets", "fs_tickets_agent_insights",
    "fs_tickets_agent_performance", "fs_reports_day_time_stats", "fs_reports_resolve_growth",
    "fs_reports_response_growth", "fs_reports_ticket_response_stats",
    "fs_reports_tickets_growth", "fs_reports_tickets_growth_range", "crm_reports_subscribers",
    "crm_subscriber_emails", "crm_subscriber_info_widgets",
    "crm_create_subscriber_duplicate_422", "crm_create_subscriber_invalid_email",
}  # fmt: skip
NOT_FOUND_IDS = {"999999", "99999", "999"}
NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")


def _load(name: str) -> dict[str, Any]:
    return load(name)


def _capture_names() -> list[str]:
    # Write sequences (seq_*) are replayed step by step by their own tests, from the state the
    # step before them left; here each capture stands alone.
    return [n for n in names() if n not in REFERENCE_ONLY and not n.startswith("seq_")]


def _real_tickets() -> dict[int, dict[str, Any]]:
    """Status and assignee of the real site's tickets, as first seen in the GET captures."""
    known: dict[int, dict[str, Any]] = {}
    for name in _capture_names():
        capture = _load(name)
        if capture["request"]["method"] != "GET" or capture["status"] != 200:
            continue
        body = capture["body"]
        rows: list[dict[str, Any]] = []
        if isinstance(body, dict) and isinstance(body.get("tickets"), dict):
            rows = body["tickets"].get("data", [])
        elif isinstance(body, dict) and isinstance(body.get("ticket"), dict):
            rows = [body["ticket"]]
        for row in rows:
            if "status" in row and "agent_id" in row:
                known.setdefault(int(row["id"]), row)
    return known


NAMES = _capture_names()
REAL_TICKETS = _real_tickets()


# ------------------------------------------------------------------------- shape comparison
def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and bool(NUMERIC.match(value))


def shape_problems(captured: Any, simulated: Any, where: str = "$") -> list[str]:
    """Differences in keys and JSON types between a captured and a simulated value."""
    if captured is None or simulated is None:
        return []  # null is compatible with anything, in either direction
    if isinstance(captured, bool) or isinstance(simulated, bool):
        if isinstance(captured, bool) and isinstance(simulated, bool):
            return []
        return [f"{where}: {type(captured).__name__} vs {type(simulated).__name__}"]
    if isinstance(captured, (int, float)) and not isinstance(captured, bool):
        return [] if _is_number(simulated) else [f"{where}: number vs {simulated!r}"[:200]]
    if isinstance(captured, str):
        if isinstance(simulated, str):
            return []
        if _is_number(captured) and _is_number(simulated):
            return []  # a numeric string in one row is a number in another
        return [f"{where}: string vs {type(simulated).__name__}"]
    # PHP writes an empty array as [] even where it means an empty map: an empty container in
    # the capture says nothing about the keys or elements that may appear.
    if isinstance(captured, (dict, list)) and not captured:
        if isinstance(simulated, (dict, list)):
            return []
        return [f"{where}: container vs {type(simulated).__name__}"]
    if isinstance(captured, dict):
        if isinstance(simulated, list) and not simulated:
            return []
        if not isinstance(simulated, dict):
            return [f"{where}: object vs {type(simulated).__name__}"]
        problems = []
        missing = captured.keys() - simulated.keys()
        extra = simulated.keys() - captured.keys()
        if missing:
            problems.append(f"{where}: missing keys {sorted(missing)}")
        if extra:
            problems.append(f"{where}: extra keys {sorted(extra)}")
        for key in captured.keys() & simulated.keys():
            problems += shape_problems(captured[key], simulated[key], f"{where}.{key}")
        return problems
    if isinstance(captured, list):
        if not isinstance(simulated, list):
            return [f"{where}: array vs {type(simulated).__name__}"]
        problems = []
        for index, item in enumerate(simulated):
            attempts = [shape_problems(option, item, f"{where}[{index}]") for option in captured]
            if all(attempts):
                problems += min(attempts, key=len)
        return problems
    return [f"{where}: unexpected captured type {type(captured).__name__}"]


# ------------------------------------------------------------------------- format comparison
UTC_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
OTHER_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
SITE_LOCAL = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
DATE_ONLY = re.compile(r"^\d{4}-\d\d-\d\d$")
TIME_KINDS = frozenset({"utc", "other-iso", "local", "date"})
# Ticket columns the real plugin sends as naive site-local times even where a capture only
# recorded them empty (REAL-API.md, fidelity fact 6); FluentCRM sends every date this way.
LOCAL_TICKET_KEYS = frozenset(
    {"last_agent_response", "last_customer_response", "resolved_at", "last_response_at"}
)
TICKET_STATUSES = frozenset({"new", "active", "closed"})
PRIORITIES = frozenset({"normal", "medium", "critical"})
SUBSCRIBER_STATUSES = frozenset(
    {"subscribed", "pending", "unsubscribed", "transactional", "bounced", "complained", "spammed"}
)
# Keys that are null or not by the state of the row (an unassigned or open ticket, an agent
# without a job title, a customer without an address): in a small sample the simulator's rows
# may all be null by chance, so only a sample of ten rows or more must fill them somewhere.
NULL_BY_ROW = frozenset(
    {
        "agent_id", "closed_by", "resolved_at", "total_close_time", "first_response_time",
        "last_agent_response", "last_customer_response", "product_id", "title",
        "address_line_1", "address_line_2", "city", "zip", "state", "country", "note",
        "last_response_at", "user_id", "remote_uid",
    }
)  # fmt: skip
SMALL_SAMPLE = 10

# Counts in the reports' summaries' "stats" (agents, mine, products, mailboxes): a numeric
# string, but the number 0 for none (captures: `"closed": "9"` beside `"closed": 0`).
ZERO_IS_A_NUMBER = frozenset({"responses", "opens", "closed"})
# Where a key path ends in one of these parents, its `status` is a ticket's or a contact's.
TICKET_PARENTS = ("$.ticket", "$.tickets.data[]", "$.tickets[]", "$.other_tickets[]")
CONTACT_PARENTS = ("$.subscriber", "$.subscribers.data[]", "$.fluentcrm_profile", "$.contact")


def kind(value: Any) -> str:
    """The JSON type of a scalar, with strings told apart by the format they carry."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        if UTC_ISO.match(value):
            return "utc"
        if OTHER_ISO.match(value):
            return "other-iso"
        if SITE_LOCAL.match(value):
            return "local"
        if DATE_ONLY.match(value):
            return "date"
        if NUMERIC.match(value):
            return "numeric-string"
        return "string"
    return "container"


def profile(value: Any, path: str = "$", out: dict[str, list[Any]] | None = None) -> dict:
    """Every scalar in a body, grouped by key path (list items share a path, as do id keys)."""
    out = {} if out is None else out
    if isinstance(value, dict):
        for key, item in value.items():
            profile(item, f"{path}.{'{id}' if key.isdigit() else key}", out)
    elif isinstance(value, list):
        for item in value:
            profile(item, f"{path}[]", out)
    else:
        out.setdefault(path, []).append(value)
    return out


def allowed_values(path: str, fluent_crm: bool) -> frozenset[str] | None:
    """The values the real plugin uses for an enumerated key, or None if it is not one."""
    parent, _, key = path.rpartition(".")
    if key in ("priority", "client_priority"):
        return PRIORITIES
    if key == "conversation_type":
        return frozenset({"response", "note", "internal_info"})
    if key == "person_type":
        return frozenset({"agent", "customer"})
    if key == "status" and parent in CONTACT_PARENTS:
        return SUBSCRIBER_STATUSES
    if key == "status" and parent in TICKET_PARENTS and not fluent_crm:
        return TICKET_STATUSES
    if key == "status" and fluent_crm and parent == "$.subscribers[]":
        return SUBSCRIBER_STATUSES
    return None


def _zero_is_a_number_problems(path: str, values: list[Any]) -> list[str]:
    def plugin_like(v: Any) -> bool:
        if isinstance(v, str):
            return v.isdigit() and v != "0"
        return v == 0 and type(v) is int

    wrong = [v for v in values if not plugin_like(v)]
    if wrong:
        return [f"{path}: {wrong[0]!r}, where the plugin sends 0 for none and a string otherwise"]
    return []


def format_problems(captured: Any, simulated: Any, *, fluent_crm: bool = False) -> list[str]:
    """Differences in formats between a captured and a simulated body, per key path.

    Within one key path (all rows of a list together) the simulator must send times in the
    zone convention the capture shows, keep numbers that the capture always sends as strings
    as strings (and numbers as numbers; where the capture mixes both for one path, either is
    allowed), use only the real enumeration values, and not answer null in every row where the
    capture has a value (a single row may still be null: agent_id of an unassigned ticket; see
    NULL_BY_ROW).
    """
    real = profile(captured)
    problems = []
    for path, values in profile(simulated).items():
        seen = {kind(v) for v in values} - {"null"}
        expected = {kind(v) for v in real.get(path, [])} - {"null"}
        key = path.rpartition(".")[2]
        shown = repr(next((v for v in values if v is not None), None))[:60]
        real_times = expected & TIME_KINDS
        if real_times:
            if seen - real_times:
                problems.append(
                    f"{path}: {sorted(seen)} where the capture has {sorted(real_times)}: {shown}"
                )
        elif key in LOCAL_TICKET_KEYS or (fluent_crm and key.endswith(("_at", "_date"))):
            wrong = seen & (TIME_KINDS - {"local", "date"})
            if wrong:
                problems.append(
                    f"{path}: {sorted(wrong)} where the plugin sends site-local, e.g. {shown}"
                )
        if key in ZERO_IS_A_NUMBER and path.endswith("summary[].stats." + key):
            problems += _zero_is_a_number_problems(path, values)
        elif expected == {"numeric-string"} and "number" in seen:
            problems.append(f"{path}: number where the capture always sends a string, e.g. {shown}")
        elif expected == {"number"} and "numeric-string" in seen:
            problems.append(f"{path}: string where the capture always sends a number, e.g. {shown}")
        by_chance = key in NULL_BY_ROW and len(values) < SMALL_SAMPLE
        if expected and not seen and not by_chance:
            problems.append(f"{path}: always null where the capture has {sorted(expected)}")
        allowed = allowed_values(path, fluent_crm)
        if allowed is not None:
            unknown = {v for v in values if isinstance(v, str)} - allowed
            if unknown:
                problems.append(f"{path}: {sorted(unknown)} is not one of {sorted(allowed)}")
    return problems


def _is_crm(path: str) -> bool:
    return "/fluent-crm/" in path


# ------------------------------------------------------------------------- id mapping
class Mapper:
    """Maps the real site's ids in one capture onto objects the simulator holds."""

    def __init__(self, site: Any, capture: dict[str, Any]) -> None:
        self.site = site
        self.capture = capture
        self.tickets: dict[int, int] = {}
        self.customers: dict[int, int] = {}

    def ticket(self, real_id: int) -> int:
        if str(real_id) in NOT_FOUND_IDS:
            return real_id
        if real_id in self.tickets:
            return self.tickets[real_id]
        real = REAL_TICKETS.get(real_id)
        assert real is not None, f"no captured state for real ticket {real_id}"
        wanted_status = real["status"]
        wanted_agent = _agent_kind(real["agent_id"])
        used = set(self.tickets.values())
        for ticket in sorted(self.site.tickets.values(), key=lambda t: -t["id"]):
            if ticket["id"] in used:
                continue
            if (
                ticket["status"] == wanted_status
                and _agent_kind(ticket["agent_id"]) == wanted_agent
            ):
                self.tickets[real_id] = ticket["id"]
                return ticket["id"]
        raise AssertionError(f"simulator has no {wanted_status} ticket like real {real_id}")

    def customer(self, real_id: int) -> int:
        if str(real_id) in NOT_FOUND_IDS or real_id <= 4:
            return real_id  # not found, or one of the agents (ids 1-4 on both sites)
        if real_id not in self.customers:
            with_tickets = [
                pid
                for pid, rows in sorted(self.site.store.tickets_by_customer.items())
                if rows and self.site.store.persons[pid]["person_type"] == "customer"
            ]
            self.customers[real_id] = with_tickets[len(self.customers) + 1]
        return self.customers[real_id]

    def response(self, ticket_id: int, real_id: int) -> int:
        if str(real_id) in NOT_FOUND_IDS:
            return real_id
        # The captured ids were replies written by earlier captures: write one here too.
        site = self.site
        with site.lock:
            ticket = site.tickets[ticket_id]
            row = add_response(
                site.store, ticket, 1, "response", "<p>Earlier reply.</p>\n", site.current_time()
            )
        return row["id"]

    def path(self, path: str) -> str:
        def ticket_part(match: re.Match[str]) -> str:
            return f"/tickets/{self.ticket(int(match.group(1)))}"

        path = re.sub(r"/tickets/(\d+)", ticket_part, path)
        match = re.search(r"/tickets/(\d+)/responses/(\d+)", path)
        if match:
            new_id = self.response(int(match.group(1)), int(match.group(2)))
            path = path.replace(match.group(0), f"/tickets/{match.group(1)}/responses/{new_id}")
        return re.sub(
            r"/customers/(\d+)",
            lambda m: f"/customers/{self.customer(int(m.group(1)))}",
            path,
        )

    def body(self, body: Any, path: str) -> Any:
        if not isinstance(body, dict):
            return body
        body = json.loads(json.dumps(body))
        if isinstance(body.get("ticket_ids"), list):
            body["ticket_ids"] = [self.ticket(int(t)) for t in body["ticket_ids"]]
        ticket = body.get("ticket")
        if isinstance(ticket, dict) and isinstance(ticket.get("customer_id"), int):
            ticket["customer_id"] = self.customer(ticket["customer_id"])
        match = re.search(r"/customers/(\d+)$", path)
        if match and "email" in body:
            person = self.site.store.persons.get(int(match.group(1)))
            if person is not None:
                body["email"] = person["email"]
                if "id" in body:
                    body["id"] = person["id"]
                if "hash" in body:
                    body["hash"] = person["hash"]
        return body


def _agent_kind(agent_id: Any) -> str:
    if agent_id is None:
        return "none"
    return "maria" if int(agent_id) == 2 else "other"


def _auth(site: Any, kind: str) -> tuple[str, str] | None:
    if kind == "admin":
        return (ADMIN_USERNAME, ADMIN_APP_PASSWORD)
    if kind == "maria":
        return ("maria", site.users["maria"].app_password)
    if kind == "wrong":
        return (ADMIN_USERNAME, "wxyz wxyz wxyz wxyz wxyz wxyz")
    return None


def _query_pairs(query: Any) -> list[tuple[str, str]]:
    if not query:
        return []
    items = query.items() if isinstance(query, dict) else query
    return [(str(key), str(value)) for key, value in items]


# ------------------------------------------------------------------------- the test
def test_captures_are_present() -> None:
    assert CAPTURES.is_dir(), f"captures not found at {CAPTURES}"
    assert len(NAMES) > 100


@pytest.mark.parametrize("name", NAMES)
def test_simulator_answers_like_capture(name: str, sim_sites: Any) -> None:
    capture = _load(name)
    request = capture["request"]
    entry = sim_sites.acme
    site = entry.site
    # Every capture starts from the seed (a few ms): reads too, or they would see whatever the
    # test before them wrote.
    site.reset()
    mapper = Mapper(site, capture)
    path = mapper.path(request["path"])
    body = mapper.body(request.get("body"), path)
    response = requests.request(
        request["method"],
        entry.base_url + path,
        params=_query_pairs(request.get("query")),
        json=body if body is not None else None,
        auth=_auth(site, request["auth"]),
        timeout=10,
    )
    assert response.status_code == capture["status"], response.text[:500]
    captured_headers = capture["headers"]
    assert response.headers.get("Content-Type") == captured_headers.get("Content-Type")
    assert response.headers.get("Allow") == captured_headers.get("Allow")
    for header in ("X-Robots-Tag", "Cache-Control", "Expires"):
        assert response.headers.get(header) == captured_headers.get(header), header
    assert 'rel="https://api.w.org/"' in response.headers.get("Link", "")
    simulated = response.json()
    problems = shape_problems(capture["body"], simulated)
    problems += format_problems(capture["body"], simulated, fluent_crm=_is_crm(request["path"]))
    assert not problems, "\n".join(problems[:30])


# ------------------------------------------------------------------------- the rules themselves
def _rows(*rows: dict[str, Any]) -> dict[str, Any]:
    return {"tickets": {"data": list(rows)}}


def test_format_check_rejects_utc_time_where_plugin_sends_site_local() -> None:
    captured = _rows({"last_customer_response": "2026-11-23 06:50:21"})
    simulated = _rows({"last_customer_response": "2026-11-23T11:50:21+00:00"})
    assert format_problems(captured, simulated)
    assert not format_problems(captured, _rows({"last_customer_response": "2026-11-24 01:00:00"}))


def test_format_check_rejects_site_local_time_where_plugin_sends_utc() -> None:
    captured = _rows({"created_at": "2026-11-22T20:33:48+00:00"})
    assert format_problems(captured, _rows({"created_at": "2026-11-22 15:33:48"}))
    assert format_problems(captured, _rows({"created_at": "2026-11-22T15:33:48-05:00"}))


def test_format_check_keeps_numeric_strings_strings_unless_the_capture_mixes_them() -> None:
    assert format_problems(_rows({"agent_id": "3"}), _rows({"agent_id": 3}))
    mixed = _rows({"closed": "9"}, {"closed": 0})
    assert not format_problems(mixed, _rows({"closed": 4}, {"closed": "2"}))


def test_format_check_wants_zero_counts_as_the_number_zero_and_others_as_strings() -> None:
    captured = {"summary": [{"stats": {"closed": "1"}}]}
    assert not format_problems(
        captured, {"summary": [{"stats": {"closed": 0}}, {"stats": {"closed": "3"}}]}
    )
    assert format_problems(captured, {"summary": [{"stats": {"closed": "0"}}]})
    assert format_problems(captured, {"summary": [{"stats": {"closed": 3}}]})
    # A capture whose counts were all none still allows a string for some.
    none = {"summary": [{"stats": {"opens": 0}}]}
    assert not format_problems(
        none, {"summary": [{"stats": {"opens": "2"}}, {"stats": {"opens": 0}}]}
    )


def test_format_check_allows_only_real_enumeration_values() -> None:
    captured = _rows({"status": "new", "priority": "normal"})
    assert format_problems(captured, _rows({"status": "open", "priority": "normal"}))
    assert format_problems(captured, _rows({"status": "new", "priority": "urgent"}))
    assert not format_problems(captured, _rows({"status": "closed", "priority": "critical"}))


def test_format_check_rejects_always_null_where_the_capture_has_a_value() -> None:
    captured = _rows({"mailbox_id": "1"})
    assert format_problems(captured, _rows(*[{"mailbox_id": None}] * 3))
    # A key that is null by the row's state may be null in a small sample.
    assert not format_problems(_rows({"agent_id": "2"}), _rows({"agent_id": None}))
    assert format_problems(_rows({"agent_id": "2"}), _rows(*[{"agent_id": None}] * 12))
