"""An outage after a write: every page keeps its last good answer, marked stale."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

from tests.tickets.test_inbox import INBOX, row_keys
from tests.tickets.test_thread import open_composer, ticket_where, url
from tests.tickets.test_thread_compose import post


def test_a_note_does_not_take_away_the_outage_fallback(agent_client, acme, sim):
    inbox = agent_client.get(f"{INBOX}?site={acme.slug}").content.decode()
    written = ticket_where(sim.acme)
    other = next(
        t["id"]
        for t in sim.acme.site.tickets.values()
        if t["id"] != written and t["status"] in ("new", "active")
    )
    other_title = sim.acme.site.tickets[other]["title"]
    written_title = sim.acme.site.tickets[written]["title"]
    assert agent_client.get(url("thread", acme, other)).status_code == 200
    fields = open_composer(agent_client, acme, written)
    assert (
        post(agent_client, acme, written, fields, text="Checked.", action="note").status_code == 200
    )

    sim.acme.site.add_fault("reset")

    stale_inbox = agent_client.get(f"{INBOX}?site={acme.slug}").content.decode()
    assert row_keys(stale_inbox) == row_keys(inbox)
    assert "showing data from" in stale_inbox and "site unreachable" in stale_inbox
    response = agent_client.get(url("thread", acme, other))
    html = response.content.decode()
    assert response.status_code == 200
    assert other_title in html and "showing data from" in html
    # The written thread was read back after the note, so its copy may still be fresh (with
    # the note); otherwise it is the copy from before the note, marked stale.
    response = agent_client.get(url("thread", acme, written))
    html = response.content.decode()
    assert response.status_code == 200
    assert written_title in html
    assert "Checked." in html or "showing data from" in html
    response = agent_client.get(url("thread", acme, written, refresh=1))
    html = response.content.decode()
    assert response.status_code == 200
    assert written_title in html and "showing data from" in html


def test_fresh_reads_after_a_write_never_show_the_older_copy(agent_client, acme, sim):
    written = ticket_where(sim.acme)
    fields = open_composer(agent_client, acme, written)
    post(agent_client, acme, written, fields, text="Fresh-after-write.", action="note")
    html = agent_client.get(url("thread", acme, written)).content.decode()
    assert "Fresh-after-write." in html and "showing data from" not in html


def test_a_thread_with_no_copy_on_a_down_site_offers_retry_and_the_way_back(
    agent_client, acme, sim
):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.add_fault("reset")
    origin = urlencode({"from": f"site={acme.slug}&status=closed"})
    response = agent_client.get(f"{url('thread', acme, ticket_id)}?{origin}")
    html = response.content.decode()
    assert response.status_code < 500
    assert "Acme Store: The site could not be reached." in html
    retry = rf'<a class="btn" href="[^"]*tickets/{ticket_id}/\?from=[^"]*">Retry</a>'
    assert re.search(retry, html)
    back = re.search(r'<a class="btn" href="([^"]*)">Back to the list</a>', html)
    assert back is not None
    assert unescape(back.group(1)) == f"/?site={acme.slug}&status=closed"
