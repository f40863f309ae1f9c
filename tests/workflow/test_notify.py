"""The "waiting on me" count for the tab title, and the list notifications compare."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

COUNT = "/workflow/waiting-count/"


def waiting_on(sim_site, agent_id: int) -> list[dict]:
    """Open tickets whose customer wrote last, assigned to ``agent_id`` or to no one."""
    return [
        t
        for t in sim_site.site.tickets.values()
        if t["status"] != "closed"
        and t["agent_id"] in (agent_id, None)
        and (
            t["last_agent_response"] is None
            or t["last_customer_response"] > t["last_agent_response"]
        )
    ]


def test_the_count_sums_mine_and_unassigned_waiting_tickets_over_all_sites(
    agent_client, acme, academy, sim
):
    expected = len(waiting_on(sim.acme, acme.agent_person_id))
    expected += len(waiting_on(sim.academy, academy.agent_person_id))
    response = agent_client.get(COUNT)
    assert response.json() == {"count": expected, "complete": True}
    assert expected > 0


def test_the_count_is_never_cached_by_the_browser(agent_client, acme):
    cache_control = agent_client.get(COUNT)["Cache-Control"]
    assert "no-cache" in cache_control and "no-store" in cache_control


def test_a_customer_writing_on_an_answered_ticket_counts_it(agent_client, acme, sim):
    before = len(waiting_on(sim.acme, acme.agent_person_id))
    answered = next(
        t
        for t in sim.acme.site.tickets.values()
        if t["status"] == "active"
        and t["agent_id"] == acme.agent_person_id
        and t["last_agent_response"]
        and t["last_agent_response"] > t["last_customer_response"]
    )
    sim.acme.site.add_customer_reply(answered["id"], "<p>One more thing</p>")
    assert agent_client.get(COUNT).json()["count"] == before + 1


def test_a_site_whose_password_was_refused_is_not_asked(agent_client, acme, academy, sim):
    academy.auth_failed_at = timezone.now()
    academy.save()
    sim.academy.site.clear_log()
    data = agent_client.get(COUNT).json()
    assert data["count"] == len(waiting_on(sim.acme, acme.agent_person_id))
    assert sim.academy.site.count() == 0


def test_a_site_that_does_not_answer_makes_the_count_incomplete(agent_client, acme, academy, sim):
    sim.academy.site.add_fault("status_502")
    data = agent_client.get(COUNT).json()
    assert data == {"count": len(waiting_on(sim.acme, acme.agent_person_id)), "complete": False}


def test_detail_lists_my_open_tickets_with_their_last_customer_message(agent_client, acme, sim):
    data = agent_client.get(COUNT, {"detail": "1"}).json()
    mine = {
        t["id"]: t
        for t in sim.acme.site.tickets.values()
        if t["status"] != "closed" and t["agent_id"] == acme.agent_person_id
    }
    keys = {item["key"] for item in data["tickets"]}
    assert keys == {f"{acme.pk}:{tid}" for tid in mine}
    item = data["tickets"][0]
    ticket = mine[int(item["key"].split(":")[1])]
    assert item["title"] == ticket["title"] and item["site"] == "Acme Store"
    assert item["url"] == reverse("tickets:thread", args=[acme.slug, ticket["id"]])
    assert item["marker"] == ticket["last_customer_response"].isoformat()


def test_signed_out_visitors_get_no_count(client, acme):
    response = client.get(COUNT)
    assert response.status_code == 302 and "/login/" in response["Location"]


def _count_reads(sim_site) -> int:
    """One-row reads of the site's tickets: the counts' own requests."""
    return sum(
        1
        for entry in sim_site.site.request_log
        if entry.path.endswith("/tickets") and "per_page=1&" in entry.query + "&"
    )


def _expire(site) -> None:
    """What the answers' freshness running out does: every cached ticket read misses."""
    from dashboard.fluent.cache import bump_generation

    bump_generation(site.credential().site_key, "tickets")


def test_counts_are_not_asked_again_while_the_open_list_is_unchanged(agent_client, acme, sim):
    expected = len(waiting_on(sim.acme, acme.agent_person_id))
    assert agent_client.get(COUNT).json()["count"] == expected
    asked = _count_reads(sim.acme)
    assert asked == 2  # mine and unassigned

    _expire(acme)
    assert agent_client.get(COUNT).json()["count"] == expected
    # The open list was read again, fresh, and showed no change: no count was asked.
    assert _count_reads(sim.acme) == asked


def test_a_change_in_the_open_list_counts_again(agent_client, acme, sim):
    before = len(waiting_on(sim.acme, acme.agent_person_id))
    assert agent_client.get(COUNT).json()["count"] == before
    answered = next(
        t
        for t in sim.acme.site.tickets.values()
        if t["status"] == "active"
        and t["agent_id"] == acme.agent_person_id
        and t["last_agent_response"]
        and t["last_agent_response"] > t["last_customer_response"]
    )
    sim.acme.site.add_customer_reply(answered["id"], "<p>Still broken</p>")
    _expire(acme)

    assert agent_client.get(COUNT).json()["count"] == before + 1
    assert _count_reads(sim.acme) == 4
