"""Attaching files to a reply or note: each upload goes through the dashboard to the simulated
site's ``ticket_file_upload`` with the agent's own connection, and the message names them."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dashboard.fluent.uploads import MAX_BYTES
from dashboard.simulator.attachments import CSV, png
from tests.conftest import connect
from tests.tickets.test_thread import HTMX, open_composer, textarea, ticket_where, url

# What the thread shows after a send is checked here: the agent stays on the ticket.
pytestmark = pytest.mark.usefixtures("stays_after_send")

UPLOADS = "/fluent-support/v2/ticket_file_upload"


def upload(client, site, ticket_id: int, name: str, content: bytes, kind: str = ""):
    kind = kind or "application/octet-stream"
    return client.post(
        url("upload", site, ticket_id), {"file": SimpleUploadedFile(name, content, kind)}
    )


def stored(sim_site, file_hash: str) -> dict:
    return next(a for a in sim_site.site.store.attachments.values() if a["file_hash"] == file_hash)


def send(client, site, ticket_id, values, *, text, action="reply", files=None, htmx=True):
    data = {
        **open_composer(client, site, ticket_id),
        "text": text,
        "action": action,
        "mode": "note" if action == "note" else "reply",
        "attachments": values,
    }
    if files:
        data["files"] = files
    return client.post(url("reply", site, ticket_id), data, **(HTMX if htmx else {}))


def test_upload_goes_to_the_site_for_this_ticket_and_answers_the_chip(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.clear_log()
    response = upload(agent_client, acme, ticket_id, "screen shot.png", png(), "image/png")
    assert response.status_code == 200, response.content
    answer = response.json()
    file_hash, size, name = answer["value"].split(":", 2)
    assert re.fullmatch(r"[0-9a-f]{32}", file_hash)
    assert (int(size), name, answer["size_label"]) == (
        len(png()),
        "screen shot.png",
        f"{len(png())} B",
    )
    row = stored(sim.acme, file_hash)
    # Made with the agent's own connection, for this ticket, invisible until a message names it.
    assert row["ticket_id"] == ticket_id and row["status"] == "in-active"
    assert row["person_id"] == sim.acme.site.users["admin"].person_id
    assert row["file_type"] == "image/png" and row["content"] == png()
    assert sim.acme.site.count("POST", UPLOADS) == 1


def test_a_type_the_site_refuses_is_refused_before_upload(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.clear_log()
    response = upload(
        agent_client, acme, ticket_id, "page.html", b"<script>1</script>", "text/html"
    )
    assert response.status_code == 422
    assert "page.html cannot be attached" in response.json()["error"]
    assert sim.acme.site.count("POST", UPLOADS) == 0


def test_the_sites_own_refusal_is_said_in_its_words(agent_client, acme, sim):
    """A .png that is no picture passes our name check; the site reads the bytes and refuses."""
    ticket_id = ticket_where(sim.acme)
    response = upload(agent_client, acme, ticket_id, "fake.png", b"<html>not a picture</html>")
    assert response.status_code == 422
    assert response.json()["error"] == (
        "fake.png: Only Photos, CSV, PDF/Docs, Zip, JSON files are allowed."
    )
    assert sim.acme.site.count("POST", UPLOADS) == 1


def test_a_file_over_the_limit_is_refused_unsent(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.clear_log()
    response = upload(agent_client, acme, ticket_id, "big.csv", b"a" * (MAX_BYTES + 1))
    assert response.status_code == 422
    assert "big.csv is 2.0 MB; files can be up to 2 MB" in response.json()["error"]
    assert sim.acme.site.count("POST", UPLOADS) == 0
    # At the limit itself the site takes it, as the plugin's "KB <= 2048" rule does.
    assert upload(agent_client, acme, ticket_id, "edge.csv", b"a" * MAX_BYTES).status_code == 200


def test_the_simulated_site_refuses_a_file_over_two_megabytes(acme, sim):
    import requests

    from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME

    answer = requests.post(
        f"{sim.acme.rest_url}fluent-support/v2/ticket_file_upload",
        data={"is_agent": "yes", "ticket_id": "1"},
        files={"file": ("big.html", b"a" * (MAX_BYTES + 1), "text/html")},
        auth=(ADMIN_USERNAME, ADMIN_APP_PASSWORD),
        timeout=10,
    )
    assert answer.status_code == 422
    # Every failed rule is listed, the size first (the plugin's validation order).
    assert answer.json() == {
        "file": {
            "max": "The file cannot be more than 2.0MB. Please upload somewhere like "
            "Dropbox/Google Drive and paste the link in the response",
            "mimetypes": "Only Photos, CSV, PDF/Docs, Zip, JSON files are allowed.",
        }
    }


def test_a_site_not_connected_is_refused_and_nothing_is_sent(client, other_user, acme, sim):
    ticket_id = ticket_where(sim.acme)
    client.force_login(other_user)
    sim.acme.site.clear_log()
    assert upload(client, acme, ticket_id, "a.csv", CSV).status_code == 403
    assert sim.acme.site.request_log == []


def test_a_ticket_the_connection_cannot_read_is_404_and_nothing_uploaded(client, other_user, sim):
    # Maria is a limited agent: a ticket of another agent is not hers to read.
    ticket_id = next(t["id"] for t in sim.acme.site.tickets.values() if t["agent_id"] == 1)
    mine = connect(other_user, sim.acme, username="maria")
    client.force_login(other_user)
    sim.acme.site.clear_log()
    assert upload(client, mine, ticket_id, "a.csv", CSV).status_code == 404
    assert sim.acme.site.count("POST", UPLOADS) == 0


def test_an_upload_needs_csrf(client, user, acme, sim):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = upload(strict, acme, ticket_where(sim.acme), "a.csv", CSV)
    assert response.status_code == 403


def test_reply_with_files_shows_them_in_the_thread(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    values = [
        upload(agent_client, acme, ticket_id, name, content).json()["value"]
        for name, content in (("calibration.png", png()), ("export.csv", CSV))
    ]
    response = send(agent_client, acme, ticket_id, values, text="Here are both files.")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reply sent." in html
    (row,) = [
        r
        for r in sim.acme.site.responses.values()
        if r["ticket_id"] == ticket_id and "Here are both files." in r["content"]
    ]
    files = [
        a for a in sim.acme.site.store.attachments.values() if a["conversation_id"] == row["id"]
    ]
    assert sorted(a["title"] for a in files) == ["calibration.png", "export.csv"]
    assert all(a["status"] == "active" for a in files)
    # The swapped thread lists them under the reply, and the emptied composer has no chips.
    item = html[html.index(f'id="message-{row["id"]}"') :]
    ends = [i for i in (item.find('<li class="message '), item.find("</ol>")) if i > 0]
    item = item[: min(ends)]
    assert ">calibration.png</a>" in item and ">export.csv</a>" in item
    composer = html[html.index('id="composer"') :]
    assert 'name="attachments"' not in composer


def test_note_with_a_file_attaches_it_to_the_note(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    value = upload(agent_client, acme, ticket_id, "log.txt", b"error at 12:00\n").json()["value"]
    send(agent_client, acme, ticket_id, [value], text="Log from the customer.", action="note")
    (row,) = [
        r for r in sim.acme.site.responses.values() if "Log from the customer." in r["content"]
    ]
    assert row["conversation_type"] == "note"
    (attached,) = [
        a for a in sim.acme.site.store.attachments.values() if a["conversation_id"] == row["id"]
    ]
    assert attached["title"] == "log.txt"


def test_a_reply_that_fails_keeps_its_text_and_its_files(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    value = upload(agent_client, acme, ticket_id, "export.csv", CSV).json()["value"]
    sim.acme.site.add_fault("status_500", route="/fluent-support/v2/tickets/*/responses")
    response = send(agent_client, acme, ticket_id, [value], text="Please see the export.")
    assert response.status_code >= 400
    html = response.content.decode()
    assert textarea(html) == "Please see the export."
    composer = html[html.index('id="composer"') :]
    assert f'name="attachments" value="{value}"' in composer
    assert ">export.csv</span>" in composer and "Not sent." in composer
    # Sent again once the site is back: the same upload goes with it.
    sim.acme.site.clear_faults()
    fields = {"attachments": [value]}
    response = send(agent_client, acme, ticket_id, fields["attachments"], text="Please see it.")
    assert "Reply sent." in response.content.decode()
    assert stored(sim.acme, value.split(":")[0])["status"] == "active"


def test_without_javascript_the_form_carries_its_files(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    files = [SimpleUploadedFile("orders.csv", CSV, "text/csv")]
    response = send(
        agent_client, acme, ticket_id, [], text="Orders attached.", files=files, htmx=False
    )
    assert response.status_code == 302
    (row,) = [r for r in sim.acme.site.responses.values() if "Orders attached." in r["content"]]
    (attached,) = [
        a for a in sim.acme.site.store.attachments.values() if a["conversation_id"] == row["id"]
    ]
    assert attached["title"] == "orders.csv" and attached["content"] == CSV


def test_without_javascript_a_refused_file_keeps_the_text_and_the_good_files(
    agent_client, acme, sim
):
    ticket_id = ticket_where(sim.acme)
    files = [
        SimpleUploadedFile("orders.csv", CSV, "text/csv"),
        SimpleUploadedFile("page.html", b"<p>hi</p>", "text/html"),
    ]
    response = send(agent_client, acme, ticket_id, [], text="Two files.", files=files, htmx=False)
    assert response.status_code == 422
    html = response.content.decode()
    assert textarea(html) == "Two files." and "page.html cannot be attached" in html
    good = re.search(r'name="attachments" value="([0-9a-f]{32}):\d+:orders\.csv"', html)
    assert good, "the uploaded file is kept in the form"
    # Nothing was posted: the agent decides what to do about the refused file.
    assert not [r for r in sim.acme.site.responses.values() if "Two files." in r["content"]]
    assert stored(sim.acme, good.group(1))["status"] == "in-active"


def test_forged_or_repeated_values_are_left_out(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    value = upload(agent_client, acme, ticket_id, "a.csv", CSV).json()["value"]
    response = send(
        agent_client, acme, ticket_id, [value, value, "nothex:1:x.csv", ""], text="Once."
    )
    assert "Reply sent." in response.content.decode()
    (row,) = [r for r in sim.acme.site.responses.values() if "Once." in r["content"]]
    assert (
        len(
            [
                a
                for a in sim.acme.site.store.attachments.values()
                if a["conversation_id"] == row["id"]
            ]
        )
        == 1
    )
