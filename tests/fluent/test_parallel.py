"""run_parallel and the work a request thread does while its calls are out (meanwhile)."""

from __future__ import annotations

import threading
import time
from functools import partial

import pytest

from dashboard.fluent.parallel import meanwhile, run_parallel
from dashboard.fluent.reference import me_get
from dashboard.fluent.tickets import TicketQuery, ticket_list
from dashboard.sites.services import client_for

ALL = TicketQuery(status_type="all")


def test_waiting_work_runs_in_the_request_thread_while_the_sites_answer(acme, sim):
    latency_ms = 600
    sim.acme.site.set_latency(latency_ms)
    client = client_for(acme)
    sim.acme.site.clear_log()
    done: list[tuple[str, int]] = []
    started = time.perf_counter()

    def work() -> None:
        # The site logs a request once it has answered it.
        done.append((threading.current_thread().name, sim.acme.site.count("GET")))

    with meanwhile(work):
        outcomes = run_parallel(
            {
                "page": partial(ticket_list, client, query=ALL),
                "me": partial(me_get, client),
            }
        )
    assert all(outcome.ok for outcome in outcomes.values())
    # Once, in this thread, before the site had answered either call.
    assert done == [(threading.current_thread().name, 0)]
    assert sim.acme.site.count("GET") == 2
    assert time.perf_counter() - started >= latency_ms / 1000


def test_waiting_work_also_overlaps_a_single_call(acme, sim):
    sim.acme.site.set_latency(600)
    sim.acme.site.clear_log()
    answered_before_work: list[int] = []
    with meanwhile(lambda: answered_before_work.append(sim.acme.site.count("GET"))):
        outcome = run_parallel({"page": partial(ticket_list, client_for(acme), query=ALL)})
    assert outcome["page"].ok
    assert answered_before_work == [0]


def test_waiting_work_runs_at_the_end_of_a_block_without_calls():
    order: list[str] = []
    with meanwhile(lambda: order.append("work")):
        order.append("block")
    assert order == ["block", "work"]


def test_waiting_work_is_done_once_across_several_rounds_of_calls(acme, sim):
    runs: list[int] = []
    client = client_for(acme)
    with meanwhile(lambda: runs.append(1)):
        for _ in range(3):
            run_parallel(
                {
                    "page": partial(ticket_list, client, query=ALL, refresh=True),
                    "me": partial(me_get, client),
                }
            )
    assert runs == [1]


def test_an_error_in_waiting_work_still_collects_the_calls(acme, sim):
    client = client_for(acme)

    def broken() -> None:
        raise RuntimeError("a bug in the waiting work")

    with pytest.raises(RuntimeError, match="waiting work"), meanwhile(broken):
        run_parallel({"page": partial(ticket_list, client, query=ALL)})
    # The call itself went out and was answered.
    assert sim.acme.site.count("GET", "/fluent-support/v2/tickets") == 1


def _stored(client) -> int:
    return len(list(client.session.cache.responses.keys()))


def test_an_answer_is_stored_at_once_while_the_others_still_wait_for_their_sites(
    acme, academy, sim
):
    from dashboard.fluent import trace

    sim.academy.site.set_latency(600)
    fast, slow = client_for(acme), client_for(academy)
    stored_in_the_page = []
    with trace.collect(defer=True) as collected:
        outcomes = run_parallel(
            {
                "fast": partial(ticket_list, fast, query=ALL),
                "slow": partial(ticket_list, slow, query=ALL),
            }
        )
        stored_in_the_page.append(_stored(fast))
    assert all(outcome.ok for outcome in outcomes.values())
    # The fast site's answer and its last good copy were written while the slow one was out;
    # the slow one's, the last of the round, wait until the answer has been sent.
    assert stored_in_the_page == [2]
    assert _stored(slow) == 0 and len(collected.deferred) == 2
    trace.run_deferred(collected)
    assert _stored(slow) == 2


def test_answers_arriving_together_are_stored_after_the_page(acme, sim):
    from dashboard.fluent import trace

    client = client_for(acme)
    queries = [TicketQuery(status_type=status) for status in ("open", "closed", "all", "new")]
    with trace.collect(defer=True) as collected:
        outcomes = run_parallel(
            {query.status_type: partial(ticket_list, client, query=query) for query in queries}
        )
        stored_during_the_page = _stored(client)
    assert all(outcome.ok for outcome in outcomes.values())
    # Nothing waits for a site once the last answer is in: at least that one is deferred.
    assert stored_during_the_page < 2 * len(queries)
    trace.run_deferred(collected)
    assert _stored(client) == 2 * len(queries)


def test_the_request_thread_counts_its_wait_for_sites_once(acme, academy, sim):
    """Server-Timing's "wait": the wall time the request thread spent on sites, so the rest of
    a request is the dashboard's own work. Parallel calls count once, not summed."""
    from dashboard.fluent import trace

    latency_ms = 300
    for running in (sim.acme, sim.academy):
        running.site.set_latency(latency_ms)
    one, other = client_for(acme), client_for(academy)
    with trace.collect() as collected:
        started = time.perf_counter()
        outcomes = run_parallel(
            {
                "one": partial(ticket_list, one, query=ALL),
                # A round of its own inside the pool: its wait is the pool's, not the request's.
                "other": lambda: run_parallel(
                    {
                        "page": partial(ticket_list, other, query=ALL),
                        "me": partial(me_get, other),
                    }
                ),
            }
        )
        elapsed = time.perf_counter() - started
    assert outcomes["one"].ok and all(o.ok for o in outcomes["other"].value.values())
    assert latency_ms / 1000 <= collected.waited_seconds <= elapsed
    # Summed over the three calls, the time on sites is more than the page waited.
    assert collected.upstream_seconds > collected.waited_seconds


def test_a_single_call_waits_only_when_it_goes_to_the_site(acme, sim):
    from dashboard.fluent import trace

    sim.acme.site.set_latency(300)
    client = client_for(acme)
    with trace.collect() as first:
        assert run_parallel({"page": partial(ticket_list, client, query=ALL)})["page"].ok
    assert first.calls == 1 and first.waited_seconds >= 0.3
    with trace.collect() as again:
        assert run_parallel({"page": partial(ticket_list, client, query=ALL)})["page"].ok
    # Answered from the cache: the request's own work, no wait.
    assert again.hits == 1 and again.waited_seconds == 0.0


def test_a_round_inside_a_call_in_the_request_thread_is_not_counted_twice(acme, sim):
    from dashboard.fluent import trace

    latency_ms = 300
    sim.acme.site.set_latency(latency_ms)
    client = client_for(acme)
    with trace.collect() as collected:
        started = time.perf_counter()
        # A single call runs in the request thread; its own round is part of its time.
        outcome = run_parallel(
            {
                "only": lambda: run_parallel(
                    {"page": partial(ticket_list, client, query=ALL), "me": partial(me_get, client)}
                )
            }
        )
        elapsed = time.perf_counter() - started
    assert all(o.ok for o in outcome["only"].value.values())
    assert latency_ms / 1000 <= collected.waited_seconds <= elapsed
