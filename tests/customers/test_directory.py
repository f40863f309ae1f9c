"""The customers directory: all sites or one, search, the plugin's status filter, paging."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from django.urls import reverse

from tests.conftest import connect
from tests.customers.helpers import forget_requests

URL = reverse("customers:directory")
RESULTS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}


def customer_links(html: str, site) -> list[int]:
    return [int(n) for n in re.findall(rf'href="/customers/{site.slug}/(\d+)/"', html)]


def newest_first(sim_site) -> list[dict]:
    return sorted(sim_site.site.customers.values(), key=lambda c: c["id"], reverse=True)


def test_all_sites_side_by_side_with_their_totals(agent_client, acme, academy, beta, sim):
    response = agent_client.get(URL)

    html = response.content.decode()
    total = sum(len(entry.site.customers) for entry in sim.all())
    assert response.status_code == 200
    assert f'data-total="{total}"' in html
    for site, entry in ((acme, sim.acme), (academy, sim.academy), (beta, sim.beta)):
        assert customer_links(html, site) == [c["id"] for c in newest_first(entry)[:10]]
        assert f'{site.label} <span class="muted">· {len(entry.site.customers)} customers' in html


def test_search_on_one_site(agent_client, acme, academy, sim):
    wanted = [c for c in newest_first(sim.acme) if "olivia" in c["email"]]

    response = agent_client.get(URL, {"q": "olivia", "site": acme.slug}, **RESULTS)

    html = response.content.decode()
    assert "<html" not in html
    assert customer_links(html, acme) == [c["id"] for c in wanted]
    assert sim.academy.site.count("GET", "/fluent-support/v2/customers") == 0


def test_status_filter_is_the_plugins_own(agent_client, acme, sim):
    customers = newest_first(sim.acme)
    customers[3]["status"] = "inactive"
    customers[5]["status"] = "active"
    forget_requests(sim)

    inactive = agent_client.get(URL, {"status": "inactive", "site": acme.slug}).content.decode()
    active = agent_client.get(URL, {"status": "active", "site": acme.slug}).content.decode()

    assert customer_links(inactive, acme) == [customers[3]["id"]]
    assert customer_links(active, acme) == [customers[5]["id"]]
    queries = [parse_qs(entry.query) for entry in sim.acme.site.request_log]
    assert {q["status"][0] for q in queries} == {"inactive", "active"}
    assert all("filters[status]" not in q for q in queries)


def test_active_filter_explains_customers_without_a_status(agent_client, acme, sim):
    html = agent_client.get(URL, {"status": "active", "site": acme.slug}).content.decode()
    assert "No customers match" in html
    assert "Fluent Support leaves the status of most customers empty" in html


def test_one_site_pages_through_its_customers(agent_client, acme, sim):
    response = agent_client.get(URL, {"site": acme.slug, "page": 2})

    html = response.content.decode()
    expected = [c["id"] for c in newest_first(sim.acme)[25:50]]
    assert customer_links(html, acme) == expected
    assert "Page 2 of 3" in html
    assert f'href="{URL}?site={acme.slug}"' in html  # previous page: page 1 is the default
    assert f'href="{URL}?site={acme.slug}&amp;page=3"' in html


def test_all_sites_page_two_is_every_sites_page_two(agent_client, acme, beta, sim):
    html = agent_client.get(URL, {"page": 2}).content.decode()
    assert customer_links(html, acme) == [c["id"] for c in newest_first(sim.acme)[10:20]]
    assert customer_links(html, beta) == [c["id"] for c in newest_first(sim.beta)[10:20]]
    assert "Page 2 of 6" in html


def test_invalid_parameters_are_dropped_and_said(agent_client, acme, sim):
    forget_requests(sim)
    response = agent_client.get(URL, {"page": "lots", "status": "banned", "site": 999})

    assert response.status_code == 400
    html = response.content.decode()
    assert "were not valid and were ignored" in html
    assert customer_links(html, acme)  # the default view still shows
    assert all("banned" not in entry.query for entry in sim.acme.site.request_log)


def test_limited_agent_is_told_about_the_permission(agent_client, user, sim):
    connect(user, sim.acme, username="maria")
    response = agent_client.get(URL)
    assert response.status_code == 200
    assert "need the Fluent Support permission" in response.content.decode()


def test_a_site_that_is_down_leaves_the_others_listed(agent_client, acme, academy, sim):
    sim.academy.site.add_fault("status_502")

    html = agent_client.get(URL).content.decode()

    assert "Acme Academy: The site answered with a server error (502)." in html
    assert customer_links(html, acme) == [c["id"] for c in newest_first(sim.acme)[:10]]


def test_no_sites_invites_to_connect_one(agent_client):
    html = agent_client.get(URL).content.decode()
    assert "Connect a site first" in html


def test_search_text_is_escaped(agent_client, acme, sim):
    html = agent_client.get(URL, {"q": "<b>x</b>"}).content.decode()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_a_page_past_the_end_says_so(agent_client, acme, sim):
    html = agent_client.get(URL, {"site": acme.slug, "page": 9}).content.decode()
    assert "Past the last page" in html
    assert f'href="{URL}?site={acme.slug}"' in html
