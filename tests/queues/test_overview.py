from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.fluent.tickets import ticket_close, ticket_list
from dashboard.queues import waiting as queue_waiting
from dashboard.sites.models import Site
from dashboard.sites.services import client_for
from dashboard.tickets.people import email_key
from dashboard.tickets.query import InboxQuery
from tests.conftest import connect
from tests.queues.helpers import (
    Expected,
    buckets,
    closed_today,
    data_total,
    figure,
    is_open,
    is_waiting,
    shown,
)

STATS = "/queues/stats/"


def load(agent_client, *, htmx: bool = False, **params):
    """The figures as the page shows them; the whole page (rather than the htmx fragment, which
    has the same markup) so the test client also hands over the template's context."""
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = agent_client.get(STATS, params, **headers)
    assert response.status_code == 200
    return response, response.content.decode()


def close_one_ticket(sim_site, site: Site) -> dict:
    """Close one of our own open tickets through the plugin's route: closed today, by us."""
    me = sim_site.site.users["admin"].person_id
    ticket = next(t for t in sim_site.site.tickets.values() if is_open(t) and t["agent_id"] == me)
    ticket_close(client_for(site), ticket_id=ticket["id"])
    return ticket


# The frame


def test_frame_shows_at_once_without_asking_any_site(agent_client, sim, acme, academy):
    for entry in sim.all():
        entry.site.clear_log()

    response = agent_client.get("/queues/")

    assert response.status_code == 200
    assert sum(entry.site.count() for entry in sim.all()) == 0
    html = response.content.decode()
    assert 'hx-get="/queues/stats/"' in html
    assert 'hx-trigger="load, queues-refresh from:body"' in html
    assert "figure-skeleton" in html
    # One skeleton row per site and the total row, in the final table layout.
    assert html.count('class="skeleton figure-skeleton"') >= 3 * 9
    assert "Acme Store" in html and "Acme Academy" in html


def test_no_sites_explains_how_to_start(agent_client, db):
    response = agent_client.get("/queues/")
    assert response.status_code == 200
    assert "Connect a site" in response.content.decode()


def test_htmx_gets_the_fragment_and_a_plain_request_the_whole_page(agent_client, acme):
    _, fragment = load(agent_client, htmx=True)
    assert "<html" not in fragment and 'data-figure="open"' in fragment

    page = agent_client.get(STATS)
    html = page.content.decode()
    assert "<html" in html and 'data-figure="open"' in html
    # Loaded already: the whole page does not ask for its figures a second time.
    assert 'hx-trigger="queues-refresh from:body"' in html
    assert "HX-Request" in page["Vary"]


# Figures against the simulator's data


def test_site_figures_match_the_simulators_tickets(agent_client, sim, acme, academy, beta):
    close_one_ticket(sim.acme, acme)
    before = timezone.now()
    response, html = load(agent_client)
    after = timezone.now()

    for sim_site, site in ((sim.acme, acme), (sim.academy, academy), (sim.beta, beta)):
        want = Expected.of(sim_site)
        row = f"site:{site.pk}"
        assert figure(html, row, "open").text == str(want.open)
        assert figure(html, row, "new").text == str(want.new)
        assert figure(html, row, "unassigned").text == str(want.unassigned)
        assert figure(html, row, "waiting").text == str(want.waiting)
        assert figure(html, row, "closed").text == str(want.closed_today)
        shown_buckets = [int(f.text) for f in shown(html) if f.row == row and f.column == "bucket"]
        low, high = buckets(sim_site, before), buckets(sim_site, after)
        assert all(lo <= got <= hi for lo, got, hi in zip(low, shown_buckets, high, strict=True))
        model = next(r for r in response.context["overview"].sites if r.site.pk == site.pk)
        assert model.oldest.since == want.oldest

    assert Expected.of(sim.acme).closed_today >= 1


def test_total_row_adds_up_every_site(agent_client, sim, acme, academy, beta):
    now = timezone.now()
    response, html = load(agent_client)

    wants = [Expected.of(s) for s in sim.all()]
    assert figure(html, "site:all", "open").text == str(sum(w.open for w in wants))
    assert figure(html, "site:all", "unassigned").text == str(sum(w.unassigned for w in wants))
    assert figure(html, "site:all", "waiting").text == str(sum(w.waiting for w in wants))
    total = response.context["overview"].total
    assert total.oldest.since == min(w.oldest for w in wants)
    per_site = [buckets(s, now) for s in sim.all()]
    assert [b.value for b in total.buckets] == [sum(col) for col in zip(*per_site, strict=True)]


def test_buckets_count_waiting_tickets_past_each_threshold_and_link_to_the_oldest_first(
    agent_client, sim, acme
):
    response, _ = load(agent_client)
    row = response.context["overview"].sites[0]
    client = client_for(acme)
    for hours, bucket in zip((4, 24, 72), row.buckets, strict=True):
        # The linked list, oldest first: its first N rows are exactly the bucket.
        query = InboxQuery.from_params(
            dict(p.split("=") for p in bucket.url.split("?", 1)[1].split("&")), [acme]
        )
        page = ticket_list(
            client, query=query.for_site(acme), per_page=bucket.value + 1, refresh=True
        )
        limit = timezone.now() - timedelta(hours=hours)
        head, rest = page.items[: bucket.value], page.items[bucket.value :]
        assert all(t.last_customer_response <= limit for t in head)
        assert all(t.last_customer_response > limit for t in rest)
        assert f"first {bucket.value} rows" in bucket.hint


def test_agent_mailbox_and_product_breakdowns_match_the_simulator(agent_client, sim, acme):
    closed = close_one_ticket(sim.acme, acme)
    _, html = load(agent_client)

    site = sim.acme.site
    tickets = list(site.tickets.values())
    zone, today = site.clock.zone, site.current_time().astimezone(site.clock.zone).date()
    for agent_id, agent in site.agents.items():
        # One site: each agent is a person of their own, their row keyed by the person.
        row = f"person:{email_key(agent['email'])}"
        mine = [t for t in tickets if t["agent_id"] == agent_id]
        waiting = [t for t in mine if is_waiting(t)]
        assert figure(html, row, "open").text == str(sum(1 for t in mine if is_open(t)))
        assert figure(html, row, "waiting").text == str(len(waiting))
        want_closed = closed_today(site, today, zone, closed_by=agent_id, agent_id=agent_id)
        assert figure(html, row, "closed").text == str(want_closed)
        oldest = figure(html, row, "oldest")
        if waiting:
            first = min(waiting, key=lambda t: t["last_customer_response"])
            assert oldest.href == f"/sites/{acme.slug}/tickets/{first['id']}/"
        else:
            assert oldest.text == "—"
    closer = site.agents[closed["agent_id"]]
    assert figure(html, f"person:{email_key(closer['email'])}", "closed").text != "0"
    for mailbox_id in site.store.mailboxes:
        row = f"mailbox:{acme.pk}:{mailbox_id}"
        want = sum(1 for t in tickets if is_open(t) and t["mailbox_id"] == mailbox_id)
        assert figure(html, row, "open").text == str(want)
        want_closed = closed_today(site, today, zone, mailbox_id=mailbox_id)
        assert figure(html, row, "closed").text == str(want_closed)
    for product_id in site.store.products:
        row = f"product:{acme.pk}:{product_id}"
        want = sum(1 for t in tickets if is_open(t) and t["product_id"] == product_id)
        assert figure(html, row, "open").text == str(want)


def test_longest_waiting_are_the_ten_oldest_across_sites_each_linking_to_its_thread(
    agent_client, sim, acme, academy, beta
):
    response, html = load(agent_client)

    everyone = [
        (t["last_customer_response"], site.pk, t["id"])
        for sim_site, site in ((sim.acme, acme), (sim.academy, academy), (sim.beta, beta))
        for t in sim_site.site.tickets.values()
        if is_waiting(t)
    ]
    want = [(pk, ticket_id) for _, pk, ticket_id in sorted(everyone)[:10]]
    longest = response.context["overview"].longest
    assert [(w.site.pk, w.ticket.id) for w in longest] == want
    slugs = {site.pk: site.slug for site in (acme, academy, beta)}
    for pk, ticket_id in want:
        assert f'href="/sites/{slugs[pk]}/tickets/{ticket_id}/"' in html


# Every number leads to the inbox showing the same count


FILTERABLE = {"open", "new", "unassigned", "waiting"}


def test_each_number_links_to_an_inbox_showing_the_same_count(
    agent_client, sim, acme, academy, beta
):
    _, html = load(agent_client)
    checked = {"site": 0, "person": 0, "agent": 0, "mailbox": 0, "product": 0}
    for shown_figure in shown(html):
        if shown_figure.column not in FILTERABLE:
            continue
        assert shown_figure.href.startswith("/"), shown_figure
        inbox = agent_client.get(shown_figure.href)
        assert inbox.status_code == 200, shown_figure.href
        assert data_total(inbox.content.decode()) == int(shown_figure.text), shown_figure
        checked[shown_figure.row.split(":")[0]] += 1
    # Every kind of row was followed: sites and the total, agents, mailboxes, products.
    assert checked["site"] == 4 * 4
    # The sites' agents all have emails of their own site: one person each, on one site.
    assert checked["person"] == 2 * sum(len(s.site.agents) for s in sim.all())
    assert checked["mailbox"] == sum(len(s.site.store.mailboxes) for s in sim.all())
    assert checked["product"] == sum(len(s.site.store.products) for s in sim.all())


def test_every_figure_is_a_link(agent_client, acme, academy):
    _, html = load(agent_client)
    figures = [f for f in shown(html) if f.text != "—"]
    assert len(figures) > 40
    for item in figures:
        assert item.href, item


# Failures and permissions


def test_one_failing_site_shows_a_warning_while_the_others_show_figures(
    agent_client, sim, acme, academy, beta
):
    sim.beta.site.add_fault("status_500", "/fluent-support/v2/*")

    response, html = load(agent_client)

    failed = next(r for r in response.context["overview"].sites if r.site.pk == beta.pk)
    assert failed.error is not None
    assert 'class="is-failed"' in html and "server error (500)" in html
    assert f'data-note="failed" data-site="{beta.pk}"' in html
    for sim_site, site in ((sim.acme, acme), (sim.academy, academy)):
        assert figure(html, f"site:{site.pk}", "open").text == str(Expected.of(sim_site).open)
    want = Expected.of(sim.acme).open + Expected.of(sim.academy).open
    assert figure(html, "site:all", "open").text == str(want)
    assert "(2 of 3)" in html
    assert "Sum over the 2 of 3 sites" in figure(html, "site:all", "open").title


def test_a_refused_password_asks_to_reconnect_that_site(agent_client, sim, acme, beta):
    sim.beta.site.add_fault("revoked_401")

    _, html = load(agent_client)

    assert f'href="/sites/{beta.slug}/edit/"' in html
    beta.refresh_from_db()
    assert beta.needs_reconnect
    assert figure(html, f"site:{acme.pk}", "open").text == str(Expected.of(sim.acme).open)

    # From then on the site is not asked until it is reconnected; the page says why.
    sim.beta.site.clear_log()
    _, again = load(agent_client)
    assert sim.beta.site.count() == 0
    assert f'data-note="reconnect" data-site="{beta.pk}"' in again


def test_a_site_down_after_a_good_read_shows_its_last_figures_marked_stale(agent_client, sim, acme):
    _, html = load(agent_client)
    before = figure(html, f"site:{acme.pk}", "open").text
    sim.acme.site.add_fault("status_502", "/fluent-support/v2/*")

    _, stale = load(agent_client, htmx=True, refresh="1")

    assert figure(stale, f"site:{acme.pk}", "open").text == before
    assert 'data-note="stale"' in stale and "Acme Store" in stale


def test_limited_agent_sees_why_closed_today_is_missing_and_counts_of_what_they_see(
    agent_client, user, sim
):
    site = connect(user, sim.acme, username="maria")
    maria = sim.acme.site.users["maria"].person_id
    sim.acme.site.clear_log()

    response, html = load(agent_client)

    assert sim.acme.site.count(route="/fluent-support/v2/*reports*") == 0
    want = Expected.of(sim.acme, limited_to=maria)
    row = f"site:{site.pk}"
    assert figure(html, row, "open").text == str(want.open)
    assert figure(html, row, "waiting").text == str(want.waiting)
    closed = figure(html, row, "closed")
    assert closed.text == "—" and "View All Reports" in closed.title
    assert "View All Reports" in html and "may only see tickets assigned to it" in html
    # Other agents' rows would read 0 for this user: only their own row is shown.
    agents = response.context["overview"].agents
    assert [a.agent.id for a in agents] == [maria]


def test_reports_refused_by_the_site_are_explained_not_an_error(agent_client, sim, acme):
    for route in (
        "/fluent-support/v2/reports/*",
        "/fluent-support/v2/mailbox-reports/*",
        "/fluent-support/v2/product-reports/*",
    ):
        sim.acme.site.add_fault("forbidden_403", route)

    response, html = load(agent_client)

    row = response.context["overview"].sites[0]
    assert row.error is None and row.reports_denied and not row.problems
    assert figure(html, f"site:{acme.pk}", "closed").text == "—"
    assert figure(html, f"site:{acme.pk}", "open").text == str(Expected.of(sim.acme).open)
    assert "View All Reports" in html


def test_a_report_that_fails_leaves_only_its_figures_empty(agent_client, sim, acme):
    sim.acme.site.add_fault("status_502", "/fluent-support/v2/mailbox-reports/*")

    response, html = load(agent_client)

    row = response.context["overview"].sites[0]
    assert row.error is None and row.problems
    assert figure(html, f"site:{acme.pk}", "closed").text == "—"
    assert figure(html, f"site:{acme.pk}", "waiting").text == str(Expected.of(sim.acme).waiting)
    assert 'data-note="problems"' in html


def test_other_peoples_sites_are_not_counted(agent_client, other_user, sim, acme):
    connect(other_user, sim.beta)

    response, _ = load(agent_client)

    assert [r.site.pk for r in response.context["overview"].sites] == [acme.pk]
    assert response.context["overview"].total is None


# Cost


def test_waiting_list_is_read_only_as_far_as_the_buckets_need(
    agent_client, sim, acme, monkeypatch, settings
):
    # One threshold of 40 days, in pages of 5: part of the waiting list is younger than that.
    settings.WAITING_THRESHOLDS_HOURS = [40 * 24]
    monkeypatch.setattr(queue_waiting, "PAGE_SIZE", 5)
    monkeypatch.setattr(queue_waiting, "MAX_PAGES", 10)
    sim.acme.site.clear_log()

    response, _ = load(agent_client)

    waiting = sorted(
        t["last_customer_response"] for t in sim.acme.site.tickets.values() if is_waiting(t)
    )
    limit = timezone.now() - timedelta(days=40)
    older = sum(1 for at in waiting if at <= limit)
    # Pages of 5 up to and including the first ticket younger than the threshold, and at
    # least two pages for the top ten.
    want_pages = max(min(older // 5 + 1, -(-len(waiting) // 5)), 2)
    scans = [
        e
        for e in sim.acme.site.request_log
        if "waiting_for_reply" in e.query and "per_page=5&" in e.query + "&"
    ]
    assert len(scans) == want_pages < -(-len(waiting) // 5)
    assert response.context["overview"].sites[0].buckets[0].value == older


def test_a_backlog_past_the_reading_limit_is_shown_as_a_lower_bound(
    agent_client, sim, acme, monkeypatch
):
    monkeypatch.setattr(queue_waiting, "PAGE_SIZE", 5)
    monkeypatch.setattr(queue_waiting, "MAX_PAGES", 2)

    _, html = load(agent_client)

    first = next(f for f in shown(html) if f.row == f"site:{acme.pk}" and f.column == "bucket")
    assert first.text == "10+"


def test_calls_per_site_stay_within_the_documented_budget(agent_client, sim, acme):
    sim.acme.site.clear_log()
    load(agent_client)
    store = sim.acme.site.store
    # Agents' open and waiting counts come from the agents report, one of the 3 reports: the
    # team's size costs nothing (see test_bounded.py).
    budget = 4 + len(store.mailboxes) + len(store.products) + 3
    # Plus the reference data, read once and then cached for ten minutes: ticket-essentials,
    # and for its agent without a name, /me and /agents (for the email essentials leave out).
    assert sim.acme.site.count() == budget + 3
    sim.acme.site.clear_log()
    load(agent_client)
    assert sim.acme.site.count() == 0  # within the cache's lifetime nothing is read again


def test_refresh_reads_fresh_figures(agent_client, sim, acme):
    _, html = load(agent_client)
    before = int(figure(html, f"site:{acme.pk}", "waiting").text)
    replied = next(t for t in sim.acme.site.tickets.values() if is_open(t) and not is_waiting(t))
    sim.acme.site.add_customer_reply(replied["id"], "<p>Any news?</p>")

    _, cached = load(agent_client)
    _, fresh = load(agent_client, refresh="1")

    assert int(figure(cached, f"site:{acme.pk}", "waiting").text) == before
    assert int(figure(fresh, f"site:{acme.pk}", "waiting").text) == before + 1


def test_warm_figures_are_kept_as_rendered_until_a_write(agent_client, sim, acme):
    load(agent_client, htmx=True)
    sim.acme.site.clear_log()
    again, html = load(agent_client, htmx=True)
    assert again.get("X-Page-Cache") == "hit"
    assert sim.acme.site.count() == 0
    before = int(figure(html, f"site:{acme.pk}", "open").text)

    close_one_ticket(sim.acme, acme)
    after, fresh = load(agent_client, htmx=True)
    assert after.get("X-Page-Cache") is None
    assert int(figure(fresh, f"site:{acme.pk}", "open").text) == before - 1


# CSV


def test_csv_download_has_the_tables_figures(agent_client, sim, acme, academy):
    response = agent_client.get("/queues/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="queues-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    sites = {r["Site"]: r for r in rows if r["Section"] == "Site"}
    for sim_site, site in ((sim.acme, acme), (sim.academy, academy)):
        want = Expected.of(sim_site)
        assert sites[site.label]["Open"] == str(want.open)
        assert sites[site.label]["Waiting"] == str(want.waiting)
        assert sites[site.label]["Unassigned"] == str(want.unassigned)
        assert sites[site.label]["Closed today"] == str(want.closed_today)
    total = next(r for r in rows if r["Section"] == "Total")
    assert total["Open"] == str(Expected.of(sim.acme).open + Expected.of(sim.academy).open)
    assert {r["Section"] for r in rows} == {
        "Site",
        "Total",
        "Agent",
        "Person",
        "Mailbox",
        "Product",
    }
    assert "Waiting over 24 h" in rows[0]


def test_csv_has_one_row_per_person_across_sites(agent_client, sim, acme, academy, priya):
    text = agent_client.get("/queues/export.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    hers = [r for r in rows if r["Section"] == "Person" and r["Name"].startswith("Priya")]
    assert len(hers) == 1
    assert sorted(hers[0]["Site"].split(", ")) == sorted([acme.label, academy.label])
    per_site = [
        r for r in rows if r["Section"] == "Agent" and r["Name"] in ("Priya Nair", "Priya N.")
    ]
    assert int(hers[0]["Open"]) == sum(int(r["Open"]) for r in per_site) > 0


@pytest.mark.parametrize("label", ["=HYPERLINK(1)", "+1", "@SUM(A1)"])
def test_csv_never_hands_a_formula_to_a_spreadsheet(agent_client, user, sim, label):
    connect(user, sim.beta, label=label)
    response = agent_client.get("/queues/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Site", f"'{label}", f"'{label}"] == rows[1][:3]
