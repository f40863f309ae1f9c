"""The cached service layer against simulated sites over real HTTP."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings

from dashboard.fluent import errors
from dashboard.fluent.parallel import run_parallel
from dashboard.fluent.reference import me_get
from dashboard.fluent.tickets import TicketQuery, response_create, ticket_get, ticket_list
from dashboard.sites.services import client_for
from tests.conftest import connect

TICKETS = "/fluent-support/v2/tickets"
ALL = TicketQuery(status_type="all")


def test_a_warm_read_does_not_reach_the_site(acme, sim):
    client = client_for(acme)
    sim.acme.site.clear_log()
    first = ticket_list(client, query=ALL)
    second = ticket_list(client, query=ALL)
    assert [t.id for t in first.items] == [t.id for t in second.items]
    assert sim.acme.site.count(method="GET", route=TICKETS) == 1


def test_one_users_cached_answer_never_reaches_another(user, other_user, sim):
    # Same URL, two credentials: the limited agent must get her own (filtered) list, not the
    # administrator's cached one.
    admin_site = connect(user, sim.acme)
    maria_site = connect(other_user, sim.acme, username="maria")
    admin_total = ticket_list(client_for(admin_site), query=ALL).total
    sim.acme.site.clear_log()
    maria_total = ticket_list(client_for(maria_site), query=ALL).total
    assert sim.acme.site.count(method="GET", route=TICKETS) == 1
    assert maria_total < admin_total


def test_a_write_by_one_user_invalidates_what_another_user_cached(user, other_user, sim):
    mine = client_for(connect(user, sim.acme))
    theirs = client_for(connect(other_user, sim.acme, username="tom"))
    ticket_id = next(t["id"] for t in sim.acme.site.tickets.values() if t["status"] != "closed")
    before = ticket_get(theirs, ticket_id=ticket_id)
    ticket_get(theirs, ticket_id=ticket_id)  # warm
    response_create(mine, ticket_id=ticket_id, content="<p>Fixed on our side.</p>")
    after = ticket_get(theirs, ticket_id=ticket_id)
    assert len(after.responses) == len(before.responses) + 1
    assert "Fixed on our side." in after.conversation[-1].content


@pytest.mark.parametrize("fault", ["status_500", "status_502", "reset", "invalid_json"])
def test_a_failing_site_serves_the_last_answer_marked_stale(acme, sim, fault):
    client = client_for(acme)
    fresh = ticket_list(client, query=ALL)
    sim.acme.site.add_fault(fault, route=f"{TICKETS}*")
    answer = client.get(
        "/wp-json/fluent-support/v2/tickets",
        kind="ticket_list",
        params=ALL.params(page=1, per_page=15),
        refresh=True,
    )
    assert answer.stale
    assert answer.fetched_at is not None
    assert answer.data["tickets"]["total"] == fresh.total


def test_a_slow_site_past_the_timeout_serves_stale_data(acme, sim):
    client = client_for(acme)
    ticket_list(client, query=ALL)
    sim.acme.site.add_fault(
        "timeout", route=f"{TICKETS}*", seconds=settings.UPSTREAM_READ_TIMEOUT + 1
    )
    answer = client.get(
        "/wp-json/fluent-support/v2/tickets",
        kind="ticket_list",
        params=ALL.params(page=1, per_page=15),
        refresh=True,
    )
    assert answer.stale


def test_a_failing_site_with_nothing_cached_raises_unavailable(acme, sim):
    sim.acme.site.add_fault("status_500", route=f"{TICKETS}*")
    with pytest.raises(errors.UnavailableError, match="server error"):
        ticket_list(client_for(acme), query=ALL)


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("revoked_401", errors.AuthError),
        ("forbidden_403", errors.ForbiddenError),
        ("plugin_missing_404", errors.NotFoundError),
        ("invalid_json", errors.BadReplyError),
        ("reset", errors.UnavailableError),
        ("status_502", errors.UnavailableError),
    ],
)
def test_upstream_failures_map_to_one_small_taxonomy(acme, sim, fault, expected):
    sim.acme.site.add_fault(fault, route=f"{TICKETS}*")
    with pytest.raises(expected) as caught:
        ticket_list(client_for(acme), query=ALL)
    assert caught.value.site_label == "Acme Store"
    assert "SQL" not in caught.value.user_message


def test_missing_ticket_is_not_found(acme):
    with pytest.raises(errors.NotFoundError, match="ticket does not exist"):
        ticket_get(client_for(acme), ticket_id=999999)


def test_validation_errors_carry_the_sites_field_messages(acme, sim):
    ticket_id = next(iter(sim.acme.site.tickets))
    with pytest.raises(errors.InvalidInputError) as caught:
        response_create(client_for(acme), ticket_id=ticket_id, content="")
    assert caught.value.field_errors == {"content": ["Reply content is required"]}


def test_a_write_is_never_retried(acme, sim):
    ticket_id = next(t["id"] for t in sim.acme.site.tickets.values() if t["status"] != "closed")
    sim.acme.site.add_fault("reset", route=f"{TICKETS}/{ticket_id}/responses", method="POST")
    sim.acme.site.clear_log()
    with pytest.raises(errors.UnavailableError):
        response_create(client_for(acme), ticket_id=ticket_id, content="<p>Once</p>")
    assert sim.acme.site.count(method="POST") == 1


def test_a_read_is_retried_once_on_a_connection_error(acme, sim):
    sim.acme.site.add_fault("reset", route=f"{TICKETS}*", rate=1.0)
    sim.acme.site.clear_log()
    with pytest.raises(errors.UnavailableError):
        ticket_list(client_for(acme), query=ALL)
    assert sim.acme.site.count(method="GET", route=f"{TICKETS}*") == 2


def test_parallel_reads_take_about_the_slowest_calls_time(acme, academy, beta, sim):
    latency_ms = 300
    for entry in sim.all():
        entry.site.set_latency(latency_ms)
    calls = {
        site.pk: partial(ticket_list, client_for(site), query=ALL) for site in (acme, academy, beta)
    }
    calls["me"] = partial(me_get, client_for(acme))
    started = time.perf_counter()
    outcomes = run_parallel(calls)
    elapsed = time.perf_counter() - started
    assert all(outcome.ok for outcome in outcomes.values())
    # Four calls of 300 ms each: serial would take 1.2 s.
    assert elapsed < 2.5 * latency_ms / 1000


def test_one_failing_site_does_not_hide_the_others(acme, academy, sim):
    sim.academy.site.add_fault("status_500")
    outcomes = run_parallel(
        {
            "acme": partial(ticket_list, client_for(acme), query=ALL),
            "academy": partial(ticket_list, client_for(academy), query=ALL),
        }
    )
    assert outcomes["acme"].ok and outcomes["acme"].value.total > 0
    assert isinstance(outcomes["academy"].error, errors.UnavailableError)


def test_local_times_are_read_in_the_sites_zone(acme, sim):
    ticket = next(
        t for t in ticket_list(client_for(acme), query=ALL).items if t.last_customer_response
    )
    raw = sim.acme.site.tickets[ticket.id]
    assert ticket.last_customer_response.tzinfo is not None
    assert ticket.created_at.utcoffset().total_seconds() == 0
    # The naive site-local string, read in America/New_York, is the same instant again.
    assert str(ticket.last_customer_response.tzinfo) == "America/New_York"
    assert ticket.last_customer_response == raw["last_customer_response"]


def test_removing_a_site_deletes_its_cached_data(acme, agent_client):
    ticket_list(client_for(acme), query=ALL)
    folder = Path(settings.UPSTREAM_CACHE_PATH).with_suffix("")
    if settings.REDIS_URL:
        import redis

        conn = redis.Redis.from_url(settings.REDIS_URL)
        assert conn.keys(f"dashboard-upstream:{acme.cache_key}*")
        agent_client.post(f"/sites/{acme.slug}/remove/")
        assert not conn.keys(f"dashboard-upstream:{acme.cache_key}*")
    else:
        assert list(folder.glob(f"{acme.cache_key}.sqlite*"))
        agent_client.post(f"/sites/{acme.slug}/remove/")
        assert not list(folder.glob(f"{acme.cache_key}.sqlite*"))


def test_a_write_cut_off_after_sending_may_have_been_applied(acme, sim):
    ticket_id = next(t["id"] for t in sim.acme.site.tickets.values() if t["status"] != "closed")
    sim.acme.site.add_fault("reset", route=f"{TICKETS}/{ticket_id}/responses", method="POST")
    with pytest.raises(errors.UnavailableError) as caught:
        response_create(client_for(acme), ticket_id=ticket_id, content="<p>Once</p>")
    assert caught.value.maybe_applied


def test_a_write_that_never_connected_was_not_applied(acme, sim):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    acme.team_site.base_url = f"http://127.0.0.1:{port}"
    with pytest.raises(errors.UnavailableError) as caught:
        response_create(client_for(acme), ticket_id=1, content="<p>Once</p>")
    assert not caught.value.maybe_applied


def test_a_read_beside_a_slow_write_still_comes_from_the_cache(acme, sim):
    """A write in one thread must not switch the cache off for reads in others: leaving a
    ticket (DELETE live_activity) while the next one opens left that page reading everything
    from the site again."""
    import threading

    from dashboard.fluent.tickets import live_activity_leave

    ticket_id = next(iter(sim.acme.site.tickets))
    client = client_for(acme)
    me_get(client)  # cached now
    sim.acme.site.set_latency(600, route="/fluent-support/v2/tickets/*/live_activity")
    writer = threading.Thread(
        target=live_activity_leave, args=(client,), kwargs={"ticket_id": ticket_id}
    )
    writer.start()
    deadline = time.monotonic() + 5
    while sim.acme.site.wait_idle(timeout=0.01) and time.monotonic() < deadline:
        pass  # until the site is answering the write, which it holds for 600 ms
    assert writer.is_alive()
    before = sim.acme.site.count("GET", "/fluent-support/v2/me")
    me_get(client)
    writer.join()
    assert sim.acme.site.count("GET", "/fluent-support/v2/me") == before


def test_stored_answers_and_their_last_good_copies_hold_no_credential(acme, sim):
    import base64

    client = client_for(acme)
    ticket_list(client, query=ALL)
    password = sim.acme.site.users["admin"].app_password
    secrets = {password, base64.b64encode(f"admin:{password}".encode()).decode()}
    stored = list(client.session.cache.responses.values())
    # The answer under its generation and its last good copy, one entry each.
    assert len(stored) == 2
    for entry in stored:
        assert entry.request.headers["Authorization"] == "REDACTED"
        assert entry.json()["tickets"]["total"] > 0
        text = repr(entry.request.headers) + repr(entry.headers) + entry.url
        assert not any(secret in text for secret in secrets)
