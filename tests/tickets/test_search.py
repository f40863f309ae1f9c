"""Inbox search: the plugin's own text matches plus the tickets of matching customers."""

from __future__ import annotations

import re

from dashboard.tickets import search
from tests.tickets.test_inbox import INBOX, row_keys


def customer_with_tickets(sim_site) -> dict:
    """A customer with several tickets, whose name appears in no ticket's own text."""
    site = sim_site.site
    for customer in site.customers.values():
        mine = [t for t in site.tickets.values() if t["customer_id"] == customer["id"]]
        text = " ".join(f"{t['title']} {t['content']}" for t in site.tickets.values()).lower()
        if len(mine) >= 2 and customer["last_name"].lower() not in text:
            return customer
    raise AssertionError("no such customer in the seed")


def keys_of(site, tickets) -> set[str]:
    return {f"{site.pk}:{t['id']}" for t in tickets}


def test_searching_a_customer_name_lists_their_tickets(agent_client, acme, sim):
    customer = customer_with_tickets(sim.acme)
    theirs = [t for t in sim.acme.site.tickets.values() if t["customer_id"] == customer["id"]]
    html = agent_client.get(
        INBOX, {"site": acme.pk, "status": "all", "q": customer["last_name"]}
    ).content.decode()
    assert set(row_keys(html)) == keys_of(acme, theirs)
    assert "Searched subjects, first messages and ticket numbers" in html
    assert f"{customer['first_name']} {customer['last_name']}" in html


def test_searching_an_email_across_sites_keeps_the_list_filters(agent_client, acme, academy, sim):
    customer = customer_with_tickets(sim.acme)
    expected = set()
    for site, entry in ((acme, sim.acme), (academy, sim.academy)):
        ids = {c["id"] for c in entry.site.customers.values() if c["email"] == customer["email"]}
        expected |= keys_of(
            site,
            [
                t
                for t in entry.site.tickets.values()
                if t["customer_id"] in ids and t["status"] in ("new", "active")
            ],
        )
    html = agent_client.get(INBOX, {"q": customer["email"]}).content.decode()
    assert set(row_keys(html)) == expected
    # The note names the person once, though they are a customer on both sites.
    name = f"{customer['first_name']} {customer['last_name']}"
    note = re.search(r'<p class="search-note[^>]*>(.*?)</p>', html, re.S).group(1)
    assert note.count(name) == 1


def test_text_matches_are_merged_with_the_customers_tickets(agent_client, acme, sim):
    customer = customer_with_tickets(sim.acme)
    word = customer["last_name"]
    other = next(t for t in sim.acme.site.tickets.values() if t["customer_id"] != customer["id"])
    other["title"] = f"Question from the {word} account"
    sim.acme.site.touch()
    theirs = [t for t in sim.acme.site.tickets.values() if t["customer_id"] == customer["id"]]
    html = agent_client.get(INBOX, {"site": acme.pk, "status": "all", "q": word}).content.decode()
    assert set(row_keys(html)) == keys_of(acme, [*theirs, other])
    counts = agent_client.get(
        "/tickets/counts/", {"site": acme.pk, "status": "all", "q": word}
    ).content.decode()
    everything = [*theirs, other]
    closed = sum(1 for t in everything if t["status"] == "closed")
    assert re.search(rf'id="count-status-closed"[^>]*>{closed}<', counts)


def test_a_search_cut_short_says_so(agent_client, acme, sim, monkeypatch):
    monkeypatch.setattr(search, "CUSTOMERS_PER_SITE", 1)
    html = agent_client.get(INBOX, {"site": acme.pk, "q": "example"}).content.decode()
    assert "narrow the search to see the rest" in html


def test_the_search_box_says_what_is_searched(agent_client, acme):
    html = agent_client.get(INBOX).content.decode()
    assert 'placeholder="Subject, first message, number, customer…' in html


def test_a_ticket_number_is_found_with_or_without_its_hash(agent_client, acme, sim):
    ticket_id = max(sim.acme.site.tickets)
    for needle in (str(ticket_id), f"#{ticket_id}"):
        html = agent_client.get(
            INBOX, {"site": acme.pk, "status": "all", "q": needle}
        ).content.decode()
        assert f"{acme.pk}:{ticket_id}" in row_keys(html), needle
