"""Remote images in customers' messages wait until the agent asks, as in a mail client: a
tracking pixel tells its sender nothing by default."""

from __future__ import annotations

import re
from html import unescape

from dashboard.html import clean_html
from tests.tickets.test_thread import ticket_where, url

PIXEL = "https://tracker.example/open.gif?id=42"
SITE = "https://shop.example"


def test_remote_images_are_held_back_and_the_sites_own_are_kept():
    html = f'<p>Hi<img src="{PIXEL}" alt="logo"><img src="{SITE}/wp-content/a.png"></p>'
    held = clean_html(html, base_url=SITE)
    assert "tracker.example" not in held
    assert 'alt="logo"' in held
    assert f'src="{SITE}/wp-content/a.png"' in held
    assert "tracker.example" in clean_html(html, base_url=SITE, remote_images=True)


def test_a_tracking_pixel_loads_only_when_the_agent_asks(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.add_customer_reply(
        ticket_id, f'<p>Here is the screenshot.</p><p><img src="{PIXEL}" alt="screenshot"></p>'
    )
    page = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    assert "tracker.example" not in page
    link = re.search(r'<a href="([^"]*)" rel="nofollow">Load remote images</a>', page)
    assert link is not None

    loaded = agent_client.get(unescape(link.group(1)).split("#")[0]).content.decode()
    assert f'src="{PIXEL.replace("&", "&amp;")}"' in loaded
    # Only that message's: the control is gone for it.
    assert "Load remote images" not in loaded
