"""The banner of a site whose Application Password was refused says what it really means."""

from __future__ import annotations

from django.urls import reverse


def test_refused_password_banner_matches_what_the_pages_still_show(agent_client, acme, sim):
    ticket_id = max(sim.acme.site.tickets)
    thread = reverse("tickets:thread", args=[acme.slug, ticket_id])
    agent_client.get(thread)
    sim.acme.site.set_app_password("admin", "zzzz zzzz zzzz zzzz zzzz zzzz")
    agent_client.get("/", {"refresh": "1"})
    acme.refresh_from_db()
    assert acme.needs_reconnect

    page = agent_client.get(thread).content.decode()
    # The thread read before the refusal is still on screen...
    assert sim.acme.site.tickets[ticket_id]["title"] in page
    # ...so the banner must not claim the site's tickets are hidden.
    assert "not shown" not in page
    assert "the inbox leaves its tickets out, its pages show the last copy read" in page
    assert reverse("sites:edit", args=[acme.slug]) in page


def test_a_password_that_works_again_clears_the_refused_mark_by_itself(agent_client, acme, sim):
    original = sim.acme.site.users["admin"].app_password
    sim.acme.site.set_app_password("admin", "zzzz zzzz zzzz zzzz zzzz zzzz")
    agent_client.get("/", {"refresh": "1"})
    acme.refresh_from_db()
    assert acme.needs_reconnect

    # The site's owner restores the password: the next page that reaches the site (a ticket
    # read fresh; the inbox leaves refused sites out) clears the mark, without Re-verify.
    sim.acme.site.set_app_password("admin", original)
    ticket_id = max(sim.acme.site.tickets)
    thread = reverse("tickets:thread", args=[acme.slug, ticket_id])
    page = agent_client.get(thread, {"refresh": "1"}).content.decode()
    acme.refresh_from_db()
    assert not acme.needs_reconnect
    assert "WordPress refused the stored Application Password" not in page
    assert sim.acme.site.tickets[ticket_id]["title"] in agent_client.get("/").content.decode()
