"""One user's connections, tickets and customers are invisible to every other user: by URL (a
team site they have not connected answers with the prompt to connect it, and a connection's
number with a 404), by form field, and through every cache."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from dashboard.sites.models import Site
from tests.conftest import connect
from tests.customers.helpers import OLIVIA, customer_by_email
from tests.queues.helpers import figure

HTMX = {"HTTP_HX_REQUEST": "true"}
SECRET_NOTE = "Private note only the owner may read"


@pytest.fixture
def intruder(other_user, sim) -> Client:
    """User B, signed in, with a site of their own (so no page is empty for lack of sites)."""
    connect(other_user, sim.beta)
    client = Client()
    client.force_login(other_user)
    client.get(reverse("sites:list"))  # holds a CSRF cookie, as a browser would
    return client


@pytest.fixture
def owned(user, acme, sim):
    """User A's site, one of its open tickets with a customer, and a clean request log."""
    olivia = customer_by_email(sim.acme, OLIVIA)
    olivia["note"] = SECRET_NOTE
    ticket_id = next(
        tid
        for tid in sim.acme.site.store.tickets_by_customer[olivia["id"]]
        if sim.acme.site.tickets[tid]["status"] != "closed"
    )
    response_id = sim.acme.site.store.responses_by_ticket[ticket_id][0]
    for entry in sim.all():
        entry.site.clear_log()
    return {
        "site": acme,
        "ticket": ticket_id,
        "customer": olivia["id"],
        "response": response_id,
        "status": sim.acme.site.tickets[ticket_id]["status"],
    }


# Every URL that names one of A's objects: (method, URL name, which ids, form data).
OWNED_URLS = [
    ("GET", "sites:edit", "s", {}),
    ("POST", "sites:edit", "s", {"base_url": "http://example.com"}),
    ("POST", "sites:verify", "s", {}),
    ("GET", "sites:remove", "s", {}),
    ("POST", "sites:remove", "s", {}),
    ("GET", "tickets:thread", "st", {}),
    ("GET", "tickets:conversation", "st", {}),
    ("GET", "tickets:thread_nav", "st", {}),
    ("GET", "tickets:presence", "st", {}),
    ("POST", "tickets:leave", "st", {}),
    ("POST", "tickets:reply", "st", {"text": "Intruder reply"}),
    ("POST", "tickets:response_edit", "str", {"text": "Changed"}),
    ("POST", "tickets:response_delete", "str", {}),
    ("POST", "tickets:property", "st", {"name": "priority", "value": "critical"}),
    ("POST", "tickets:close", "st", {}),
    ("POST", "tickets:reopen", "st", {}),
    ("POST", "tickets:tag_add", "st", {"tag": "1"}),
    ("POST", "tickets:tag_remove", "st1", {}),
    ("GET", "customers:panel", "sc?", {}),
    ("GET", "customers:contact", "sc?", {}),
    ("GET", "customers:customer", "sc", {}),
    ("GET", "customers:edit", "sc", {}),
    ("POST", "customers:edit", "sc", {"first_name": "X", "email": "x@example.com"}),
    ("GET", "customers:delete", "sc", {}),
    ("POST", "customers:delete", "sc", {}),
    ("GET", "customers:customer_options", "?site", {}),
    ("POST", "workflow:snooze", "st", {"until": "tomorrow"}),
    ("POST", "workflow:wake", "st", {}),
    ("GET", "workflow:reply_pick", "?site&ticket", {}),
    ("POST", "workflow:sla_save", "s", {"first_response_hours": "1"}),
]


def owned_url(o: dict, name: str, ids: str, by: str = "slug") -> str:
    site, tid = (o["site"].slug if by == "slug" else str(o["site"].pk)), o["ticket"]
    args = {
        "s": [site],
        "st": [site, tid],
        "str": [site, tid, o["response"]],
        "st1": [site, tid, 1],
        "sc": [site, o["customer"]],
        "sc?": [site, o["customer"]],
    }.get(ids, [])
    path = reverse(name, args=args)
    if ids == "sc?":
        return f"{path}?ticket={tid}"
    if ids == "?site":
        return f"{path}?site={site}&customer_q=o"
    if ids == "?site&ticket":
        return f"{path}?site={site}&ticket={tid}"
    return path


@pytest.mark.parametrize("by", ["slug", "number"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("method", "name", "ids", "data"),
    [pytest.param(*entry, id=f"{entry[0]}-{entry[1]}") for entry in OWNED_URLS],
)
def test_another_users_objects_are_out_of_reach_by_url(
    intruder, owned, sim, method, name, ids, data, htmx, by
):
    path = owned_url(owned, name, ids, by)
    headers = HTMX if htmx else {}

    if method == "GET":
        response = intruder.get(path, **headers)
    else:
        response = intruder.post(path, data, **headers)

    if name == "customers:customer_options" and not htmx:
        # Without JavaScript the search sends the browser to the new-ticket form, which picks
        # one of B's own sites: a redirect that reveals nothing is fine.
        assert response.status_code in (302, 404)
    elif ids.startswith("?"):
        # A form's site field takes the user's own connections only: anything else is refused.
        assert response.status_code in (400, 404)
    elif by == "number":
        # A number in a path is someone's connection: nobody else's business.
        assert response.status_code == 404
    else:
        # The team's site, which B has not connected: B is asked to connect it, and sees
        # nothing of it until then.
        assert response.status_code == 403
        assert f"/sites/{owned['site'].slug}/connect/" in response.content.decode()
    # Not a byte of A's data, and not a single request to A's site on B's behalf.
    assert SECRET_NOTE not in response.content.decode()
    assert sim.acme.site.request_log == []
    assert Site.objects.filter(pk=owned["site"].pk).exists()


def test_inbox_ignores_another_users_site_id(intruder, owned, sim):
    response = intruder.get(f"/?site={owned['site'].pk}")

    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert f'data-key-id="{owned["site"].pk}:' not in html
    assert "Acme Store" not in html
    assert sim.acme.site.request_log == []


def test_customers_directory_ignores_another_users_site_id(intruder, owned, sim):
    response = intruder.get(f"{reverse('customers:directory')}?site={owned['site'].pk}")

    assert response.status_code in (200, 400)
    assert "Acme Store" not in response.content.decode()
    assert sim.acme.site.request_log == []


def test_new_ticket_refuses_another_users_site(intruder, owned, sim):
    tickets_before = len(sim.acme.site.tickets)
    data = {
        "intent": "create",
        "site": owned["site"].pk,
        "priority": "normal",
        "customer_mode": "existing",
        "customer": owned["customer"],
        "title": "Planted by B",
        "content": "Planted by B",
    }

    response = intruder.post(reverse("customers:new_ticket"), data)

    assert response.status_code in (404, 422)
    assert len(sim.acme.site.tickets) == tickets_before
    assert sim.acme.site.request_log == []


def test_queues_and_export_never_count_another_users_site(intruder, owned, sim):
    stats = intruder.get(f"{reverse('queues:stats')}?site={owned['site'].pk}", **HTMX)
    export = intruder.get(f"{reverse('queues:export')}?site={owned['site'].pk}")

    assert stats.status_code == export.status_code == 200
    assert "Acme Store" not in stats.content.decode()
    assert "Acme Store" not in export.content.decode()
    assert sim.acme.site.request_log == []


@pytest.mark.parametrize("action", ["close", "assign_me", "delete"])
def test_bulk_actions_with_another_users_ticket_keys_change_nothing(intruder, owned, sim, action):
    key = f"{owned['site'].pk}:{owned['ticket']}"
    before = dict(sim.acme.site.tickets[owned["ticket"]])

    response = intruder.post(
        reverse("tickets:bulk"), {"action": action, "t": [key], "confirm": "1"}, **HTMX
    )

    assert response.status_code < 500
    assert sim.acme.site.tickets.get(owned["ticket"]) == before
    assert sim.acme.site.request_log == []


# Cached answers: the same WordPress site, two credentials


@pytest.fixture
def shared(user, other_user, sim):
    """A connects Acme as its administrator, B connects the same site as Maria, a limited agent
    who sees only her own and unassigned tickets and no customer data."""
    mine = connect(user, sim.acme, username="admin")
    theirs = connect(other_user, sim.acme, username="maria")
    a, b = Client(), Client()
    a.force_login(user)
    b.force_login(other_user)
    for client in (a, b):
        client.get(reverse("sites:list"))  # a CSRF cookie, as after logging in
    return mine, theirs, a, b


def marias_open_count(sim_site) -> int:
    maria = sim_site.site.users["maria"].person_id
    return sum(
        1
        for t in sim_site.site.tickets.values()
        if t["status"] in ("new", "active") and t["agent_id"] in (None, maria)
    )


def total(html: str) -> int:
    return int(re.search(r'data-total="(\d+)"', html).group(1))


def test_inbox_answers_are_never_shared_between_credentials(shared, sim):
    mine, theirs, a, b = shared
    all_open = sum(1 for t in sim.acme.site.tickets.values() if t["status"] in ("new", "active"))
    assert marias_open_count(sim.acme) < all_open

    a_page = a.get(f"/?site={mine.slug}")
    b_page = b.get(f"/?site={theirs.pk}")

    assert total(a_page.content.decode()) == all_open
    assert total(b_page.content.decode()) == marias_open_count(sim.acme)
    assert b_page.get("X-Page-Cache") is None
    assert f'data-key-id="{mine.pk}:' not in b_page.content.decode()


def test_all_sites_inbox_page_cache_is_per_user(shared, sim):
    _mine, _theirs, a, b = shared
    a.get("/")
    a_again = a.get("/")
    assert a_again.get("X-Page-Cache") == "hit"  # the page cache is on: the check is meaningful

    b_page = b.get("/")
    b_again = b.get("/")

    assert b_page.get("X-Page-Cache") is None
    assert b_page.content != a_again.content
    assert total(b_again.content.decode()) == marias_open_count(sim.acme)


def test_customer_panel_never_shows_another_credentials_customer_details(shared, sim):
    mine, theirs, a, b = shared
    olivia = customer_by_email(sim.acme, OLIVIA)
    olivia["note"] = SECRET_NOTE
    maria = sim.acme.site.users["maria"].person_id
    ticket_id = next(
        tid
        for tid in sim.acme.site.store.tickets_by_customer[olivia["id"]]
        if sim.acme.site.tickets[tid]["agent_id"] in (None, maria)
    )

    a_html = a.get(
        reverse("customers:panel", args=[mine.slug, olivia["id"]]) + f"?ticket={ticket_id}", **HTMX
    ).content.decode()
    b_response = b.get(
        reverse("customers:panel", args=[theirs.slug, olivia["id"]]) + f"?ticket={ticket_id}",
        **HTMX,
    )

    assert SECRET_NOTE in a_html
    b_html = b_response.content.decode()
    assert b_response.status_code == 200
    assert SECRET_NOTE not in b_html
    assert "Access private data" in b_html or "permission" in b_html
    assert b_response.get("X-Page-Cache") is None


def test_contact_lookup_is_not_served_from_another_credentials_cache(shared, sim):
    mine, theirs, a, b = shared
    olivia = customer_by_email(sim.acme, OLIVIA)
    ticket_id = sim.acme.site.store.tickets_by_customer[olivia["id"]][0]
    path = "customers:contact"

    a_html = a.get(
        reverse(path, args=[mine.slug, olivia["id"]]) + f"?ticket={ticket_id}", **HTMX
    ).content.decode()
    b_html = b.get(
        reverse(path, args=[theirs.slug, olivia["id"]]) + f"?ticket={ticket_id}", **HTMX
    ).content.decode()

    assert 'data-crm-state="found"' in a_html
    # Maria may not read FluentCRM: she must not get the contact A's credential fetched.
    assert 'data-crm-state="found"' not in b_html


def test_queue_figures_are_each_credentials_own(shared, sim):
    mine, theirs, a, b = shared
    a_html = a.get(reverse("queues:stats"), **HTMX).content.decode()
    b_html = b.get(reverse("queues:stats"), **HTMX).content.decode()

    all_open = sum(1 for t in sim.acme.site.tickets.values() if t["status"] in ("new", "active"))
    assert figure(a_html, f"site:{mine.pk}", "open").text == str(all_open)
    assert figure(b_html, f"site:{theirs.pk}", "open").text == str(marias_open_count(sim.acme))
