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
