"""The inbox against three simulated sites of different sizes, over real HTTP."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from dashboard.tickets import listing
from dashboard.tickets.query import PER_PAGE, InboxQuery

INBOX = "/"


def row_keys(html: str) -> list[str]:
    return re.findall(r'data-key-id="(\d+:\d+)"', html)


def total(html: str) -> int:
    return int(re.search(r'data-total="(\d+)"', html).group(1))


def open_ids(sim_site, **where) -> set[int]:
    return {
        t["id"]
        for t in sim_site.site.tickets.values()
        if t["status"] in ("new", "active") and all(t.get(k) == v for k, v in where.items())
    }


def test_no_sites_invites_to_connect_one(agent_client):
    html = agent_client.get(INBOX).content.decode()
    assert "Connect your first site" in html
    assert reverse("sites:connect") in html


def test_default_view_merges_open_tickets_of_all_sites(agent_client, acme, academy, beta, sim):
    response = agent_client.get(INBOX)
    html = response.content.decode()
    expected = len(open_ids(sim.acme)) + len(open_ids(sim.academy)) + len(open_ids(sim.beta))
    assert total(html) == expected
    keys = row_keys(html)
    assert len(keys) == PER_PAGE
    assert {key.split(":")[0] for key in keys} >= {str(acme.pk), str(academy.pk)}


def test_merged_list_is_ordered_by_last_activity_across_sites(agent_client, acme, academy, sim):
    html = agent_client.get(INBOX).content.decode()
    by_site = {acme.pk: sim.acme.site, academy.pk: sim.academy.site}
    times = []
    for key in row_keys(html):
        site_id, ticket_id = map(int, key.split(":"))
        times.append(by_site[site_id].tickets[ticket_id]["updated_at"])
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize("sort", ["activity", "waiting", "newest", "priority"])
def test_load_more_never_duplicates_or_skips_a_ticket(agent_client, acme, academy, beta, sim, sort):
    """Three sites of different sizes, walked to the end with the cursor."""
    expected = {f"{acme.pk}:{i}" for i in open_ids(sim.acme)}
    expected |= {f"{academy.pk}:{i}" for i in open_ids(sim.academy)}
    expected |= {f"{beta.pk}:{i}" for i in open_ids(sim.beta)}
    seen: list[str] = []
    url = f"{INBOX}?sort={sort}"
    for _ in range(100):
        html = agent_client.get(url, HTTP_HX_REQUEST="true").content.decode()
        seen += row_keys(html)
        more = re.search(r'hx-get="([^"]*cursor=[^"]+)"', html)
        if not more:
            break
        url = more.group(1).replace("&amp;", "&")
    assert len(seen) == len(set(seen)), "a ticket was shown twice"
    assert set(seen) == expected, "a ticket was skipped"


def test_load_more_reads_only_the_slices_it_needs(agent_client, acme, academy, beta, sim):
    for entry in sim.all():
        entry.site.clear_log()
    agent_client.get(INBOX)
    calls = sum(
        entry.site.count(method="GET", route="/fluent-support/v2/tickets") for entry in sim.all()
    )
    assert calls == 3  # one page per site, nothing more


def test_single_site_uses_the_sites_own_pages(agent_client, acme, sim):
    html = agent_client.get(f"{INBOX}?site={acme.slug}&page=2").content.decode()
    ordered = sorted(
        (t for t in sim.acme.site.tickets.values() if t["status"] != "closed"),
        key=lambda t: t["updated_at"],
        reverse=True,
    )
    expected = [f"{acme.pk}:{t['id']}" for t in ordered[PER_PAGE : 2 * PER_PAGE]]
    assert row_keys(html) == expected
    assert 'aria-current="page">2<' in html
    assert any(f"per_page={PER_PAGE}" in entry.query for entry in sim.acme.site.request_log)


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ("agent=unassigned", {"agent_id": None}),
        ("priority=critical", {"priority": "critical"}),
    ],
)
def test_filters_use_the_sites_own_filters(agent_client, acme, sim, params, where):
    html = agent_client.get(f"{INBOX}?site={acme.slug}&{params}").content.decode()
    assert total(html) == len(open_ids(sim.acme, **where))
    assert any("filters%5B" in entry.query for entry in sim.acme.site.request_log)


def test_mailbox_product_and_tag_filters_come_from_reference_data(agent_client, acme, sim):
    ticket = next(
        t for t in sim.acme.site.tickets.values() if t["mailbox_id"] and t["status"] == "new"
    )
    html = agent_client.get(
        f"{INBOX}?site={acme.slug}&mailbox={ticket['mailbox_id']}"
    ).content.decode()
    assert total(html) == len(open_ids(sim.acme, mailbox_id=ticket["mailbox_id"]))
    assert 'name="mailbox"' in html and 'name="product"' in html and 'name="tag"' in html


def test_assigned_to_me_maps_to_my_agent_id_on_each_site(agent_client, acme, academy, sim):
    html = agent_client.get(f"{INBOX}?agent=me").content.decode()
    mine = len(open_ids(sim.acme, agent_id=acme.agent_person_id))
    mine += len(open_ids(sim.academy, agent_id=academy.agent_person_id))
    assert total(html) == mine


def test_waiting_for_reply_filter(agent_client, acme, sim):
    html = agent_client.get(f"{INBOX}?site={acme.slug}&waiting=1").content.decode()
    waiting = [
        t
        for t in sim.acme.site.tickets.values()
        if t["status"] != "closed"
        and t["last_customer_response"]
        and (not t["last_agent_response"] or t["last_customer_response"] > t["last_agent_response"])
    ]
    assert total(html) == len(waiting)


def test_search_finds_by_title(agent_client, acme, sim):
    ticket = next(iter(sim.acme.site.tickets.values()))
    word = max(ticket["title"].split(), key=len)
    html = agent_client.get(f"{INBOX}?site={acme.slug}&status=all&q={word}").content.decode()
    assert f"{acme.pk}:{ticket['id']}" in row_keys(html) or total(html) > PER_PAGE


def test_status_tabs_switch_and_closed_shows_closed(agent_client, acme, sim):
    html = agent_client.get(f"{INBOX}?site={acme.slug}&status=closed").content.decode()
    closed = {t["id"] for t in sim.acme.site.tickets.values() if t["status"] == "closed"}
    assert total(html) == len(closed)
    assert {int(k.split(":")[1]) for k in row_keys(html)} <= closed


def test_htmx_filter_change_returns_only_the_results(agent_client, acme):
    full = agent_client.get(f"{INBOX}?site={acme.slug}")
    fragment = agent_client.get(
        f"{INBOX}?site={acme.slug}&priority=critical",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert b'id="results"' in fragment.content
    assert len(fragment.content) < len(full.content)
    assert b'id="inbox-filters"' not in fragment.content  # the search box keeps focus
    assert "HX-Request" in full["Vary"]


def test_invalid_parameters_are_dropped_with_a_400_and_a_message(agent_client, acme, sim):
    response = agent_client.get(f"{INBOX}?status=bogus&sort=nonexistent_col&page=-3&agent=%27")
    assert response.status_code == 400
    assert "were not valid and were ignored" in response.content.decode()
    for entry in sim.acme.site.request_log:
        assert "nonexistent_col" not in entry.query
        assert "bogus" not in entry.query


def test_another_users_site_id_is_ignored(agent_client, other_user, sim):
    from tests.conftest import connect

    theirs = connect(other_user, sim.acme)
    html = agent_client.get(f"{INBOX}?site={theirs.pk}").content.decode()
    assert "Connect your first site" in html


def test_counts_fragment_swaps_tab_and_sidebar_counts(agent_client, acme, sim):
    html = agent_client.get(reverse("tickets:counts")).content.decode()
    new = sum(1 for t in sim.acme.site.tickets.values() if t["status"] == "new")
    assert f'id="count-status-new" class="count" hx-swap-oob="true">{new}<' in html
    assert f'id="count-site-{acme.pk}"' in html


def test_a_failing_site_shows_a_warning_while_the_others_list(agent_client, acme, academy, sim):
    sim.academy.site.add_fault("status_500")
    html = agent_client.get(INBOX).content.decode()
    assert "Acme Academy: The site answered with a server error (500)." in html
    keys = row_keys(html)
    assert keys and all(key.startswith(f"{acme.pk}:") for key in keys)


def test_merged_inbox_reads_only_the_rows_it_compares(acme, academy, beta, sim, monkeypatch):
    from dashboard.fluent import tickets as fluent_tickets

    read = []
    parse = fluent_tickets.FluentClient.parse

    def counting(self, model, data):
        if model is fluent_tickets.Ticket:
            read.append(data["id"])
        return parse(self, model, data)

    monkeypatch.setattr(fluent_tickets.FluentClient, "parse", counting)
    page = listing.load([acme, academy, beta], InboxQuery())
    listed = sum(min(PER_PAGE, len(open_ids(s))) for s in (sim.acme, sim.academy, sim.beta))
    assert len(page.rows) == PER_PAGE < listed
    # A page, plus at most the next candidate of each site.
    assert PER_PAGE <= len(read) <= PER_PAGE + 3


def test_a_site_whose_rows_do_not_fit_is_named_while_the_others_list(
    agent_client, acme, academy, sim
):
    # The newest message of an Academy ticket comes back with an id that is no number.
    newest = max(sim.academy.site.store.responses.values(), key=lambda r: r["created_at"])
    newest["id"] = "not-a-number"
    html = agent_client.get(INBOX).content.decode()
    assert "Acme Academy: The site&#x27;s answer did not have the expected shape" in html
    keys = row_keys(html)
    assert keys and all(key.startswith(f"{acme.pk}:") for key in keys)


def test_a_revoked_password_marks_the_site_and_offers_reconnect(agent_client, acme, academy, sim):
    sim.academy.site.set_app_password("admin", "zzzz zzzz zzzz zzzz zzzz zzzz")
    agent_client.get(INBOX)
    academy.refresh_from_db()
    assert academy.needs_reconnect
    html = agent_client.get(INBOX).content.decode()
    assert "WordPress refused the stored Application Password" in html
    assert reverse("sites:edit", args=[academy.slug]) in html


def test_a_down_site_shows_its_cached_tickets_marked_stale(agent_client, acme, sim):
    fresh = agent_client.get(f"{INBOX}?site={acme.slug}").content.decode()
    sim.acme.site.add_fault("reset")
    stale = agent_client.get(f"{INBOX}?site={acme.slug}&refresh=1").content.decode()
    assert row_keys(stale) == row_keys(fresh)
    assert "showing data from" in stale and "site unreachable" in stale


def test_empty_filter_result_offers_to_clear_filters(agent_client, acme):
    html = agent_client.get(f"{INBOX}?site={acme.slug}&q=zzzzqqqxxx").content.decode()
    assert "No tickets match these filters" in html and "Clear filters" in html


def test_rows_link_to_the_thread_remembering_the_list(agent_client, acme):
    html = agent_client.get(f"{INBOX}?site={acme.slug}&priority=critical").content.decode()
    link = re.search(r'class="row-title" href="([^"]+)"', html).group(1)
    assert link.startswith(f"/sites/{acme.slug}/tickets/")
    assert "from=site%3D" in link and "priority%3Dcritical" in link


def test_bulk_close_groups_per_site_and_reports(agent_client, acme, academy, sim):
    acme_ids = sorted(open_ids(sim.acme))[:2]
    academy_ids = sorted(open_ids(sim.academy))[:1]
    keys = [f"{acme.pk}:{i}" for i in acme_ids] + [f"{academy.pk}:{i}" for i in academy_ids]
    for entry in sim.all():
        entry.site.clear_log()
    response = agent_client.post(
        reverse("tickets:bulk"), {"action": "close", "t": keys, "next": "/"}
    )
    assert response.status_code == 302
    assert all(sim.acme.site.tickets[i]["status"] == "closed" for i in acme_ids)
    assert sim.academy.site.tickets[academy_ids[0]]["status"] == "closed"
    assert sim.acme.site.count(method="POST", route="/fluent-support/v2/tickets/bulk-actions") == 1
    page = agent_client.get("/").content.decode()
    assert "Acme Store:" in page and "Acme Academy:" in page


def test_bulk_reports_a_failing_site_and_does_the_rest(agent_client, acme, academy, sim):
    sim.academy.site.add_fault("status_500", route="/fluent-support/v2/tickets/bulk-actions")
    acme_id = min(open_ids(sim.acme))
    academy_id = min(open_ids(sim.academy))
    response = agent_client.post(
        reverse("tickets:bulk"),
        {"action": "close", "t": [f"{acme.pk}:{acme_id}", f"{academy.pk}:{academy_id}"]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert sim.acme.site.tickets[acme_id]["status"] == "closed"
    assert sim.academy.site.tickets[academy_id]["status"] != "closed"
    assert f"Acme Academy: not changed (#{academy_id})" in html
    assert response["HX-Trigger"] == "ticketUpdated"


def test_bulk_delete_asks_first_without_javascript(agent_client, acme, sim):
    ticket_id = min(open_ids(sim.acme))
    key = f"{acme.pk}:{ticket_id}"
    response = agent_client.post(reverse("tickets:bulk"), {"action": "delete", "t": [key]})
    assert response.status_code == 200
    assert "Delete 1 ticket" in response.content.decode()
    assert ticket_id in sim.acme.site.tickets
    agent_client.post(reverse("tickets:bulk"), {"action": "delete", "t": [key], "confirm": "1"})
    assert ticket_id not in sim.acme.site.tickets


def test_bulk_assign_to_me_uses_each_sites_agent(agent_client, acme, sim):
    ticket_id = next(iter(open_ids(sim.acme, agent_id=None)))
    agent_client.post(
        reverse("tickets:bulk"), {"action": "assign_me", "t": [f"{acme.pk}:{ticket_id}"]}
    )
    assert sim.acme.site.tickets[ticket_id]["agent_id"] == acme.agent_person_id


def test_bulk_refuses_tickets_of_sites_that_are_not_mine(agent_client, other_user, sim):
    from tests.conftest import connect

    theirs = connect(other_user, sim.acme)
    ticket_id = min(open_ids(sim.acme))
    agent_client.post(
        reverse("tickets:bulk"), {"action": "close", "t": [f"{theirs.pk}:{ticket_id}"]}
    )
    assert sim.acme.site.tickets[ticket_id]["status"] != "closed"


def test_live_check_counts_tickets_changed_since_render(agent_client, acme, sim):
    since = datetime.now(UTC).isoformat()
    quiet = agent_client.get(reverse("tickets:changes"), {"site": acme.pk, "since": since})
    assert b"new / updated" not in quiet.content
    ticket_id = max(open_ids(sim.acme))
    sim.acme.site.add_customer_reply(ticket_id, "<p>Any news?</p>")
    busy = agent_client.get(
        reverse("tickets:changes"), {"site": acme.pk, "since": since, "refresh": "1"}
    )
    assert b"1 new / updated" in busy.content


def test_neighbours_follow_the_list_the_agent_came_from(acme):
    query = InboxQuery(site_id=acme.pk, site_slug=acme.slug)
    page = listing.load([acme], query)
    first, second, third = (row.ticket.id for row in page.rows[:3])
    previous, following = listing.neighbours([acme], query, acme.pk, second)
    assert previous.startswith(f"/sites/{acme.slug}/tickets/{first}/")
    assert following.startswith(f"/sites/{acme.slug}/tickets/{third}/")
    assert "from=site" in following


def test_sidebar_site_counts_are_each_sites_open_tickets(agent_client, acme, academy, sim):
    for params in ("", "?priority=critical"):
        html = agent_client.get(reverse("tickets:counts") + params).content.decode()
        for site, entry in ((acme, sim.acme), (academy, sim.academy)):
            expected = len(open_ids(entry))
            assert f'id="count-site-{site.pk}" class="count" hx-swap-oob="true">{expected}<' in html


def test_all_sites_count_is_every_open_ticket_whatever_the_list_shows(
    agent_client, acme, academy, sim
):
    everything = len(open_ids(sim.acme)) + len(open_ids(sim.academy))
    for params in (
        "",
        f"?site={acme.slug}",
        "?priority=critical",
        f"?site={academy.slug}&agent=me",
    ):
        html = agent_client.get(reverse("tickets:counts") + params).content.decode()
        assert f'id="count-view-open" class="count" hx-swap-oob="true">{everything}<' in html


def test_rows_name_their_site_only_where_the_list_mixes_sites(agent_client, acme, academy, sim):
    def rows_html(html: str) -> list[str]:
        return re.findall(r"<li class=\"row[^>]*>.*?</li>", html)

    merged = agent_client.get(INBOX).content.decode()
    labels = {
        re.search(r'site-badge[^>]*title="([^"]+)"', row).group(1) for row in rows_html(merged)
    }
    assert labels == {"Acme Store", "Acme Academy"}

    one = agent_client.get(INBOX, {"site": acme.pk}).content.decode()
    rows = rows_html(one)
    assert len(rows) == PER_PAGE
    assert not any("site-badge" in row for row in rows)
    assert 'class="rows rows-one-site"' in one


def test_row_text_from_the_site_is_escaped(agent_client, acme, sim):
    ticket_id = max(open_ids(sim.acme))
    sim.acme.site.tickets[ticket_id]["title"] = '<img src=x onerror="alert(1)"> & "quotes"'
    html = agent_client.get(INBOX, {"site": acme.pk, "refresh": "1"}).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;quotes&quot;" in html
    assert '<img src=x onerror="alert(1)">' not in html
