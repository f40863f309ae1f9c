"""SLA targets: the settings page, who may change them, sharing per WordPress site, the badge,
and the overdue counts per site and agent for the queues page."""

from __future__ import annotations

from datetime import timedelta

from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dashboard.fluent.tickets import ticket_get
from dashboard.sites.services import client_for
from dashboard.workflow import services
from dashboard.workflow.models import SlaPolicy
from dashboard.workflow.ui import sla_of
from tests.conftest import connect

SETTINGS = "/workflow/sla/"


def save(client, site, **data):
    return client.post(reverse("workflow:sla_save", args=[site.slug]), data)


def test_the_page_lists_each_site_with_its_mailboxes(agent_client, acme, academy):
    page = agent_client.get(SETTINGS).content.decode()
    assert "Acme Store" in page and "Acme Academy" in page
    assert "Acme Billing" in page  # a mailbox of acme, offered for its own targets


def test_targets_are_saved_per_site_and_removed_when_emptied(agent_client, acme):
    response = save(agent_client, acme, first_response_hours=4, next_reply_hours=24)
    assert response.status_code == 302
    policy = SlaPolicy.objects.get()
    assert (policy.site_url, policy.mailbox_id) == (acme.base_url, None)
    assert (policy.first_response_hours, policy.next_reply_hours) == (4, 24)
    save(agent_client, acme, first_response_hours="", next_reply_hours="")
    assert not SlaPolicy.objects.exists()


def test_a_mailbox_gets_its_own_targets_and_can_lose_them(agent_client, acme):
    save(agent_client, acme, first_response_hours=8, next_reply_hours=24)
    response = agent_client.post(
        reverse("workflow:sla_save", args=[acme.slug]),
        {"mailbox": 2, "first_response_hours": 1},
        HTTP_HX_REQUEST="true",
    )
    card = response.content.decode()
    assert response.status_code == 200 and 'id="site-' in card and "<html" not in card
    assert "Acme Billing" in card
    assert SlaPolicy.objects.get(mailbox_id=2).first_response_hours == 1
    save(agent_client, acme, mailbox=2, remove="1")
    assert list(SlaPolicy.objects.values_list("mailbox_id", flat=True)) == [None]


def test_out_of_range_hours_are_refused_in_the_card(agent_client, acme):
    response = agent_client.post(
        reverse("workflow:sla_save", args=[acme.slug]),
        {"first_response_hours": 721},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "less than or equal to 720" in response.content.decode()
    assert not SlaPolicy.objects.exists()


def test_only_users_who_manage_the_sites_settings_change_targets(client, user, sim):
    agent_site = connect(user, sim.acme, username="tom")  # an agent without "manage settings"
    client.force_login(user)
    page = client.get(SETTINGS).content.decode()
    assert "Read only" in page
    response = client.post(
        reverse("workflow:sla_save", args=[agent_site.slug]),
        {"first_response_hours": 2},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert not SlaPolicy.objects.exists()


def test_targets_belong_to_the_wordpress_site_so_colleagues_share_them(
    agent_client, acme, other_user, sim
):
    save(agent_client, acme, first_response_hours=3, next_reply_hours=5)
    colleague_site = connect(other_user, sim.acme)
    policies = services.policies_for_sites([colleague_site])
    assert policies[colleague_site.base_url][None].next_reply_hours == 5


def test_a_user_cannot_set_targets_through_someone_elses_site(agent_client, other_user, sim):
    theirs = connect(other_user, sim.beta)
    assert save(agent_client, theirs, first_response_hours=1).status_code == 403


def waiting_ticket(sim_site, client):
    """A ticket of the site whose customer wrote last (over two hours ago), parsed as the
    dashboard sees it."""
    raw = max(
        (
            t
            for t in sim_site.site.tickets.values()
            if t["status"] == "active"
            and t["last_agent_response"]
            and t["last_customer_response"] > t["last_agent_response"]
            and timezone.now() - t["last_customer_response"] > timedelta(hours=2)
        ),
        key=lambda t: t["last_customer_response"],
    )
    return raw, ticket_get(client, ticket_id=raw["id"]).ticket


def test_the_badge_says_how_long_until_the_reply_is_due_or_how_late_it_is(
    agent_client, acme, sim, user
):
    raw, ticket = waiting_ticket(sim.acme, client_for(acme))
    waited = timezone.now() - raw["last_customer_response"]
    hours = int(waited.total_seconds() // 3600) + 3  # due in a bit over two hours
    SlaPolicy.objects.create(site_url=acme.base_url, next_reply_hours=hours)
    request = RequestFactory().get("/")
    request.user = user
    template = engines["django"].from_string("{% load workflow %}{% sla_badge state %}")
    badge = template.render({"state": sla_of(request, acme, ticket)}, request)
    assert "due in 2 h" in badge and "sla-overdue" not in badge
    SlaPolicy.objects.update(next_reply_hours=1)
    late = engines["django"].from_string("{% load workflow %}{% sla_badge state %}")
    request = RequestFactory().get("/")
    request.user = user
    assert "sla-overdue" in late.render({"state": sla_of(request, acme, ticket)}, request)


def test_overdue_counts_per_site_and_agent_match_the_tickets_own_times(acme, academy, sim):
    SlaPolicy.objects.create(site_url=acme.base_url, first_response_hours=6, next_reply_hours=12)
    now = timezone.now()
    counts = services.overdue_counts([acme, academy], now=now)
    assert academy.pk not in counts  # no targets there: nothing to count
    expected: dict[int | None, int] = {}
    for t in sim.acme.site.tickets.values():
        if t["status"] == "closed":
            continue
        if t["last_agent_response"] is None:
            due = t["created_at"] + timedelta(hours=6)
        elif t["last_customer_response"] > t["last_agent_response"]:
            due = t["last_customer_response"] + timedelta(hours=12)
        else:
            continue
        if due < now:
            expected[t["agent_id"]] = expected.get(t["agent_id"], 0) + 1
    result = counts[acme.pk]
    assert result.error is None and not result.at_least
    assert result.total == sum(expected.values()) > 0
    assert result.by_agent == expected


def test_a_site_that_does_not_answer_has_no_overdue_count_and_says_why(acme, sim):
    SlaPolicy.objects.create(site_url=acme.base_url, first_response_hours=1)
    sim.acme.site.add_fault("status_502")
    result = services.overdue_counts([acme])[acme.pk]
    assert result.total is None and result.error is not None
