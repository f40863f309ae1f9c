"""Replay the real plugin's attachment sequence (``seq_attachments_*``) against the simulator.

Each step sends what the capture sent (ids and file hashes mapped onto the simulator's own)
and compares values and formats: which uploads end up attached where, the ids' JSON types
(numeric strings or null), the signed link, and the file GETs' status and headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import requests

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME
from dashboard.simulator.attachments import png
from dashboard.simulator.store import md5

from .captures import load, sequence

STEPS = sequence("seq_attachments_")
HASH = re.compile(r"^[0-9a-f]{32}$")
UTC_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
ADMIN = (ADMIN_USERNAME, ADMIN_APP_PASSWORD)


def _content(filename: str, size: int) -> bytes:
    """Bytes of the recorded size that look like the recorded kind of file."""
    if filename.endswith(".png"):
        return png()
    head = b"<!doctype html><script>alert(1)</script>" if filename.endswith(".html") else b"a,b\n"
    return (head + b"1,2\n" * size)[:size]


@dataclass
class Ids:
    """The real site's ids and hashes -> the simulator's, learnt as the sequence goes."""

    tickets: dict[int, int] = field(default_factory=dict)
    persons: dict[int, int] = field(default_factory=dict)
    responses: dict[int, int] = field(default_factory=dict)
    attachments: dict[int, int] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    sent: dict[str, bytes] = field(default_factory=dict)  # simulator hash -> bytes uploaded
    attachment_of: dict[str, int] = field(default_factory=dict)  # simulator hash -> its id


def _sign(attachment_id: int, at) -> str:
    return md5(f"{attachment_id}{at.strftime('%Y%m%d%H')}")


def expect_attachment(captured: dict, simulated: dict, ids: Ids, base_url: str, now) -> None:
    """One attachment object: same keys, same JSON types, the same values once ids are mapped."""
    assert list(simulated) == list(captured)
    assert ids.hashes[captured["file_hash"]] == simulated["file_hash"]
    assert ids.attachments.setdefault(captured["id"], simulated["id"]) == simulated["id"]
    ids.attachment_of[simulated["file_hash"]] = simulated["id"]
    for key, mapping in (
        ("ticket_id", ids.tickets),
        ("person_id", ids.persons),
        ("conversation_id", ids.responses),
    ):
        real, ours = captured[key], simulated[key]
        assert type(ours) is type(real), key
        if real is not None:
            assert ours == str(mapping[int(real)]), key
    for key in ("file_type", "title", "driver", "status", "file_size"):
        assert simulated[key] == captured[key], key
    for key in ("created_at", "updated_at"):
        assert UTC_ISO.match(captured[key]) and UTC_ISO.match(simulated[key]), key
    assert list(simulated["settings"]) == ["local_temp_path"]
    temp = re.compile(rf"^/.+/fluent_support-[0-9a-f]{{32}}___{re.escape(captured['title'])}$")
    assert temp.match(captured["settings"]["local_temp_path"])
    assert temp.match(simulated["settings"]["local_temp_path"])
    link = re.compile(
        r"^(https?://[^/]+)/index\.php\?fst_file=([0-9a-f]{32})&secure_sign=([0-9a-f]{32})$"
    )
    real_link = link.match(captured["secureUrl"])
    assert real_link and real_link.group(2) == captured["file_hash"]
    assert simulated["secureUrl"] == (
        f"{base_url}/index.php?fst_file={simulated['file_hash']}"
        f"&secure_sign={_sign(simulated['id'], now)}"
    )


def expect_attachments(captured: list, simulated: list, ids: Ids, base_url: str, now) -> None:
    assert len(simulated) == len(captured)
    by_hash = {ids.hashes[c["file_hash"]]: c for c in captured}
    for item in simulated:
        expect_attachment(by_hash[item["file_hash"]], item, ids, base_url, now)


def _map_hashes(values: list[str], ids: Ids) -> list[str]:
    return [ids.hashes[value] for value in values]


def test_attachment_sequence_replays_like_the_real_plugin(sim) -> None:
    entry = sim.acme
    site = entry.site
    base = entry.base_url
    customer_id = next(pid for pid, rows in sorted(site.store.tickets_by_customer.items()) if rows)
    ids = Ids(persons={12: customer_id, 1: site.users[ADMIN_USERNAME].person_id})
    ticket_path = ""
    assert len(STEPS) == 15, STEPS
    for name in STEPS:
        capture = load(name)
        request = capture["request"]
        body = request["body"]
        now = site.current_time()
        if request["path"] == "/index.php":
            # A file GET: the captured hash and sign belong to the real site; use ours.
            query = dict(request["query"])
            ours = ids.hashes[query["fst_file"]]
            attachment_id = ids.attachment_of[ours]
            signs = {
                "seq_attachments_file_3_wrong_sign": query["secure_sign"],
                "seq_attachments_file_4_previous_hour_sign": _sign(
                    attachment_id, now - timedelta(hours=1)
                ),
            }
            secure_sign = signs.get(name, _sign(attachment_id, now))
            response = requests.get(
                f"{base}/index.php",
                params={"fst_file": ours, "secure_sign": secure_sign},
                auth=ADMIN if request["auth"] == "admin" else None,
                timeout=10,
            )
            assert response.status_code == capture["status"], name
            for header in ("Content-Type", "Content-Disposition", "Expires", "Cache-Control"):
                assert response.headers.get(header) == capture["headers"].get(header), header
            if capture["status"] == 200:
                assert response.content == ids.sent[ours]
            else:
                assert b"secure sign is invalid" in response.content
            continue
        path = request["path"]
        if "/tickets/40" in path:
            path = path.replace("/tickets/40", ticket_path)
        if body and "_multipart" in body:
            fields = dict(body["_multipart"])
            upload = fields.pop("file")
            if "ticket_id" in fields:
                fields["ticket_id"] = str(ids.tickets[int(fields["ticket_id"])])
            content = _content(upload["filename"], upload["size"])
            response = requests.post(
                base + path,
                data=fields,
                files={"file": (upload["filename"], content, upload["content_type"])},
                auth=ADMIN,
                timeout=10,
            )
            assert response.status_code == capture["status"], (name, response.text)
            assert response.headers["Content-Type"] == capture["headers"]["Content-Type"]
            assert response.headers.get("Allow") == capture["headers"]["Allow"]
            answer = response.json()
            if capture["status"] != 200:
                assert answer == capture["body"]
                continue
            assert list(answer) == ["attachments"] and len(answer["attachments"]) == 1
            real_hash, our_hash = capture["body"]["attachments"][0], answer["attachments"][0]
            assert HASH.match(real_hash) and HASH.match(our_hash)
            ids.hashes[real_hash] = our_hash
            ids.sent[our_hash] = content
            # An upload is invisible until a reply or a new ticket names it.
            stored = next(a for a in site.store.attachments.values() if a["file_hash"] == our_hash)
            assert stored["status"] == "in-active"
            assert stored["ticket_id"] == (
                int(fields["ticket_id"]) if "ticket_id" in fields else None
            )
            continue
        if isinstance(body, dict):
            body = dict(body)
            if "attachments" in body:
                body["attachments"] = _map_hashes(body["attachments"], ids)
            if isinstance(body.get("ticket"), dict):
                body["ticket"] = {**body["ticket"], "customer_id": customer_id}
        response = requests.request(
            request["method"], base + path, json=body, auth=ADMIN, timeout=10
        )
        assert response.status_code == capture["status"], (name, response.text[:300])
        assert response.headers["Content-Type"] == capture["headers"]["Content-Type"]
        answer, real = response.json(), capture["body"]
        if name == "seq_attachments_2_create_ticket_with_attachment":
            ids.tickets[real["ticket"]["id"]] = answer["ticket"]["id"]
            ticket_path = f"/tickets/{answer['ticket']['id']}"
            assert ids.tickets[40] == answer["ticket"]["id"]
            expect_attachments(
                real["ticket"]["attachments"], answer["ticket"]["attachments"], ids, base, now
            )
        elif request["method"] == "POST" and path.endswith("/responses"):
            ids.responses[real["response"]["id"]] = answer["response"]["id"]
            # The answer lists files only when something was attached.
            assert ("attachments" in answer["response"]) == ("attachments" in real["response"])
            if "attachments" in real["response"]:
                expect_attachments(
                    real["response"]["attachments"],
                    answer["response"]["attachments"],
                    ids,
                    base,
                    now,
                )
        else:  # GET of the ticket
            expect_attachments(
                real["ticket"]["attachments"], answer["ticket"]["attachments"], ids, base, now
            )
            assert len(answer["responses"]) == len(real["responses"])
            for real_row, our_row in zip(real["responses"], answer["responses"], strict=True):
                assert our_row["id"] == ids.responses[real_row["id"]]
                expect_attachments(real_row["attachments"], our_row["attachments"], ids, base, now)
            assert answer["ticket"]["responses"] == answer["responses"]
    # The orphan upload (made without ticket_id) was dropped by the reply and stays in-active.
    orphan = ids.hashes[
        load("seq_attachments_orphan_1_upload_without_ticket_id")["body"]["attachments"][0]
    ]
    row = next(a for a in site.store.attachments.values() if a["file_hash"] == orphan)
    assert row["status"] == "in-active" and row["conversation_id"] is None


@pytest.mark.parametrize("hours", [1, 2])
def test_a_signed_link_expires_with_its_utc_hour(sim, monkeypatch, hours) -> None:
    entry = sim.acme
    site = entry.site
    attachment = next(a for a in site.store.attachments.values() if a["title"] == "screenshot.png")
    ticket = requests.get(
        f"{entry.rest_url}fluent-support/v2/tickets/{attachment['ticket_id']}",
        auth=ADMIN,
        timeout=10,
    ).json()["ticket"]
    link = next(a for a in ticket["attachments"] if a["id"] == attachment["id"])["secureUrl"]
    assert requests.get(link, timeout=10).status_code == 200
    started = site.monotonic()
    monkeypatch.setattr(site, "monotonic", lambda: started + 3600 * hours)
    expired = requests.get(link, timeout=10)
    assert expired.status_code == 403
    assert expired.headers["Content-Type"] == "text/html; charset=UTF-8"
    fresh = requests.get(
        f"{entry.rest_url}fluent-support/v2/tickets/{attachment['ticket_id']}",
        auth=ADMIN,
        timeout=10,
    ).json()["ticket"]
    renewed = next(a for a in fresh["attachments"] if a["id"] == attachment["id"])["secureUrl"]
    assert renewed != link
    answer = requests.get(renewed, timeout=10)
    assert answer.status_code == 200 and answer.content == attachment["content"]
