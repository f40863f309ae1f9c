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


def test_the_thread_policy_admits_the_sites_images_and_remote_ones_only_when_asked(
    agent_client, acme, sim
):
    # The site's own images show in every thread; other hosts only after "Load remote images".
    from urllib.parse import urlsplit

    ticket_id = next(iter(sim.acme.site.tickets))
    page = f"/sites/{acme.slug}/tickets/{ticket_id}/"
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(sim.acme.base_url))

    def img_src(url: str) -> list[str]:
        policy = agent_client.get(url)["Content-Security-Policy"]
        (directive,) = [d for d in policy.split("; ") if d.startswith("img-src ")]
        return directive.split()[1:]

    plain = img_src(page)
    assert origin in plain and "https:" not in plain
    assert "https:" in img_src(page + "?images=message-opening")
    # The inbox keeps the policy from settings: no site, no remote host.
    assert img_src("/") == ["'self'", "data:"]
