"""Load more in the address: after "Load more" the URL says how many rows show, and that URL
(Back from a ticket) shows the same rows again."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse

from tests.tickets.test_inbox import INBOX, row_keys

HTMX = {"HTTP_HX_REQUEST": "true"}


def more_link(html: str) -> str:
    return unescape(re.search(r'hx-get="([^"]*cursor=[^"]+)"', html).group(1))


def test_load_more_records_the_rows_shown_and_the_address_shows_them_again(
    agent_client, acme, academy, sim
):
    first = agent_client.get(f"{INBOX}?sort=newest").content.decode()
    more = agent_client.get(more_link(first), **HTMX)
    shown = row_keys(first) + row_keys(more.content.decode())
    assert len(shown) > len(row_keys(first))

    address = more["HX-Replace-Url"]
    assert address == f"{INBOX}?sort=newest&shown={len(shown)}"

    again = agent_client.get(address).content.decode()
    assert row_keys(again) == shown
    # And Load more carries on from there, without repeating a row.
    after = agent_client.get(more_link(again), **HTMX).content.decode()
    assert not set(row_keys(after)) & set(shown)
    assert row_keys(after)


def test_the_next_ticket_after_load_more_is_found_in_the_later_slice(agent_client, acme, academy):
    first = agent_client.get(INBOX).content.decode()
    more = agent_client.get(more_link(first), **HTMX).content.decode()
    later = [tuple(int(p) for p in key.split(":")) for key in row_keys(more)]
    slugs = {acme.pk: acme.slug, academy.pk: academy.slug}
    (site_id, ticket_id), upcoming = later[0], later[1]
    closed = agent_client.post(
        reverse("tickets:close", args=[slugs[site_id], ticket_id]), {"from": ""}, **HTMX
    )
    assert closed["HX-Redirect"].startswith(
        reverse("tickets:thread", args=[slugs[upcoming[0]], upcoming[1]])
    )


def test_a_nonsense_count_is_just_the_first_rows(agent_client, acme, academy):
    first = agent_client.get(INBOX).content.decode()
    for value in ("abc", "-5", "99999999999"):
        html = agent_client.get(f"{INBOX}?shown={value}").content.decode()
        assert row_keys(html)[: len(row_keys(first))] == row_keys(first)
