"""The thread page: one ticket of one site, its conversation and header, read from a simulated
site over real HTTP. Helpers here are shared by the other ``test_thread_*`` modules."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from dashboard.fluent.models import Thread
from dashboard.fluent.parsing import parse
from dashboard.tickets.conversation import conversation, html_to_plain, split_quoted
from tests.conftest import connect

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, site, ticket_id: int, *args, **params) -> str:
    path = reverse(f"tickets:{name}", args=[site.slug, ticket_id, *args])
    return f"{path}?{urlencode(params)}" if params else path


def ticket_where(sim_site, *, statuses=("new", "active"), kinds=(), agent="any") -> int:
    """The first ticket of a simulated site matching a status, kinds of responses and agent."""
    site = sim_site.site
    for ticket in site.tickets.values():
        if ticket["status"] not in statuses:
            continue
        if agent != "any" and ticket["agent_id"] != agent:
            continue
        rows = [site.responses[r] for r in site.store.responses_by_ticket.get(ticket["id"], [])]
        if all(any(row["conversation_type"] == kind for row in rows) for kind in kinds):
            return ticket["id"]
    raise AssertionError("no such ticket in the seed")


def rows_of(sim_site, ticket_id: int) -> list[dict]:
    site = sim_site.site
    return [site.responses[r] for r in site.store.responses_by_ticket.get(ticket_id, [])]


def composer_fields(html: str) -> dict[str, str]:
    form = html[html.index('id="composer"') :]
    return {
        "token": re.search(r'name="token" value="([^"]+)"', form).group(1),
        "last_seen": re.search(r'name="last_seen" id="last-seen" value="(\d+)"', form).group(1),
    }


def open_composer(client, site, ticket_id: int) -> dict[str, str]:
    """What the browser holds after loading the page: the composer's hidden fields."""
    return composer_fields(client.get(url("thread", site, ticket_id)).content.decode())


def bodies(html: str) -> str:
    """Only the message bodies of a page: what came from the site, none of our own forms."""
    found = re.findall(
        r'<div class="message-body"[^>]*>(.*?)</div>\s*(?:<ul class="attachments"|<div class="edit'
        r'-slot"|</li>)',
        html,
        re.S,
    )
    return "\n".join(found)


def textarea(html: str, name: str = "text") -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return match.group(1) if match else ""


# The page


def test_page_shows_the_header_and_the_conversation_in_order(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response", "note"))
    ticket = sim.acme.site.tickets[ticket_id]
    response = agent_client.get(url("thread", acme, ticket_id))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"#{ticket_id}" in html and ticket["title"] in html
    assert 'class="site-badge' in html and acme.label in html
    assert f"pill-{ticket['status']}" in html
    assert f"priority-{ticket['priority']}" in html
    # The opening message first, then every row oldest first, each once.
    positions = [html.index('id="message-opening"')]
    positions += [html.index(f'id="message-{row["id"]}"') for row in rows_of(sim.acme, ticket_id)]
    assert positions == sorted(positions)


def test_notes_customers_and_activity_are_told_apart(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response", "note", "internal_info"))
    html = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    for row in rows_of(sim.acme, ticket_id):
        item = re.search(rf'<li class="([^"]+)" id="message-{row["id"]}">(.*?)</li>', html, re.S)
        person = sim.acme.site.store.persons[row["person_id"]]
        if row["conversation_type"] == "note":
            assert item.group(1) == "message message-note"
            assert "Internal note" in item.group(2)
        elif row["conversation_type"] == "internal_info":
            assert item.group(1) == "activity"
        elif person["person_type"] == "customer":
            assert item.group(1) == "message message-customer"
        else:
            assert item.group(1) == "message message-agent"
            assert person["first_name"] in item.group(2)


def test_times_are_relative_with_the_exact_time_in_the_users_zone(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    agent_client.cookies["tz"] = "Asia/Tokyo"
    html = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    opened = re.search(r'<time datetime="[^"]+" title="([^"]+)">([^<]+)</time>', html)
    assert opened.group(1).endswith("JST")
    assert re.fullmatch(r"(now|\d+ (min|h|d|w)( \d+ (h|d))? ago)", opened.group(2))


def test_xss_in_ticket_content_renders_inert(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    ticket = sim.acme.site.tickets[ticket_id]
    ticket["title"] = "<script>alert('title')</script>Refund"
    ticket["content"] = (
        '<p onclick="alert(\'p\')" style="color:red">Hello</p>'
        "<script>alert('script')</script><img src=x onerror=\"alert('img')\">"
        "<a href=\"javascript:alert('link')\">click</a><iframe src=https://evil.test></iframe>"
        '<a href="https://example.com/help">help</a><svg onload=alert(1)></svg>'
    )
    reply = rows_of(sim.acme, ticket_id)[-1]
    reply["content"] = "<p>ok</p><style>body{display:none}</style><form><input></form>"
    html = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    conversation_html = bodies(html)
    assert "Hello" in conversation_html and "<p>ok</p>" in conversation_html
    for needle in ("<script", "onclick", "onerror", "onload", "javascript:", "<iframe", "style=",
                   "<svg", "<form", "<input", "display:none"):  # fmt: skip
        assert needle not in conversation_html
    assert "alert('script')" not in conversation_html
    assert '<a href="https://example.com/help" rel="noopener noreferrer nofollow">help</a>' in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;Refund" in html


def test_long_quoted_history_collapses(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, kinds=("response",))
    history = "<p>" + "Earlier message text that goes on. " * 10 + "</p>"
    reply = rows_of(sim.acme, ticket_id)[-1]
    reply["content"] = (
        "<p>Thanks, that fixed it.</p><p>On Mon, 2 Nov 2026 at 10:00, Support wrote:</p>"
        f"<blockquote>{history}</blockquote>"
    )
    html = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    body = html[html.index(f'id="body-{reply["id"]}"') :]
    body = body[: body.index("</li>")]
    assert "<p>Thanks, that fixed it.</p>" in body
    assert '<details class="quoted"><summary>Show quoted text</summary>' in body
    assert body.index("<details") < body.index("Support wrote:") < body.index("Earlier message")


def test_customer_panel_loads_lazily_with_a_plain_link(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    customer_id = sim.acme.site.tickets[ticket_id]["customer_id"]
    html = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    panel = reverse("customers:panel", args=[acme.slug, customer_id])
    assert (
        f'<section class="customer-panel" id="customer-panel" hx-get="{panel}?ticket={ticket_id}"'
        ' hx-trigger="load" hx-swap="innerHTML">'
    ) in html
    assert reverse("customers:customer", args=[acme.slug, customer_id]) in html


def test_page_reads_ticket_and_reference_data_in_parallel(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    sim.acme.site.set_latency(300)
    sim.acme.site.clear_log()
    assert agent_client.get(url("thread", acme, ticket_id)).status_code == 200
    calls = {entry.path.rsplit("/", 1)[-1]: entry for entry in sim.acme.site.request_log}
    ticket, essentials = calls[str(ticket_id)], calls["ticket-essentials"]
    # Each call started before the other one ended: they overlapped.
    assert ticket.started_at < essentials.started_at + essentials.duration_ms / 1000
    assert essentials.started_at < ticket.started_at + ticket.duration_ms / 1000


def test_a_site_the_user_has_not_connected_asks_to_connect(client, other_user, acme, sim):
    client.force_login(other_user)
    ticket_id = ticket_where(sim.acme)
    response = client.get(url("thread", acme, ticket_id))
    assert response.status_code == 403
    assert sim.acme.site.tickets[ticket_id]["title"] not in response.content.decode()
    mine = connect(other_user, sim.academy)
    assert client.get(url("thread", mine, ticket_where(sim.academy))).status_code == 200


def test_missing_ticket_says_so_and_names_the_site(agent_client, acme, sim):
    response = agent_client.get(url("thread", acme, 999_999))
    assert response.status_code == 404
    assert "Acme Store: That ticket does not exist on the site" in response.content.decode()


def test_revoked_password_asks_to_reconnect(agent_client, acme, sim):
    sim.acme.site.set_app_password("admin", None)
    response = agent_client.get(url("thread", acme, ticket_where(sim.acme)))
    assert response.status_code == 401
    assert f"Reconnect {acme.label}" in response.content.decode()
    acme.refresh_from_db()
    assert acme.needs_reconnect


# Where the agent came from: back to the list, previous and next


def test_back_link_returns_to_the_list_with_its_filters(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme)
    origin = urlencode({"site": acme.pk, "status": "active", "q": "hub"})
    html = agent_client.get(url("thread", acme, ticket_id, **{"from": origin})).content.decode()
    assert f'href="/?site={acme.slug}&amp;status=active&amp;q=hub"' in html
    assert 'data-key="Escape"' in html
    # Every form carries the list along, so the page after a write still knows it.
    assert f'name="from" value="site={acme.slug}&amp;status=active&amp;q=hub"' in html


def test_previous_and_next_follow_the_list_the_agent_came_from(agent_client, acme, sim):
    origin = urlencode({"site": acme.pk, "sort": "newest"})
    inbox = agent_client.get(f"/?{origin}").content.decode()
    order = list(dict.fromkeys(re.findall(rf"/sites/{acme.slug}/tickets/(\d+)/", inbox)))
    first, second, third = map(int, order[:3])
    html = agent_client.get(url("thread_nav", acme, second, **{"from": origin}), **HTMX)
    html = html.content.decode()
    previous = re.search(r'href="([^"]+)" rel="prev" data-key="k"', html).group(1)
    following = re.search(r'href="([^"]+)" rel="next" data-key="j"', html).group(1)
    assert previous.startswith(f"/sites/{acme.slug}/tickets/{first}/?from=")
    assert following.startswith(f"/sites/{acme.slug}/tickets/{third}/?from=")
    assert "sort%3Dnewest" in following


def test_first_ticket_of_the_list_has_no_previous(agent_client, acme, sim):
    origin = urlencode({"site": acme.pk})
    inbox = agent_client.get(f"/?{origin}").content.decode()
    first = int(re.findall(rf"/sites/{acme.slug}/tickets/(\d+)/", inbox)[0])
    html = agent_client.get(url("thread_nav", acme, first, **{"from": origin}), **HTMX)
    html = html.content.decode()
    assert 'rel="prev"' not in html and 'rel="next"' in html


# Presentation rules, on the real answer shape


def test_quoted_history_is_split_only_between_top_level_elements():
    long = "x" * 200
    body, quoted = split_quoted(f"<p>Hi</p><div><blockquote>{long}</blockquote></div>")
    assert (body, quoted) == (f"<p>Hi</p><div><blockquote>{long}</blockquote></div>", "")
    body, quoted = split_quoted(f"<p>Hi</p><blockquote>{long}</blockquote>")
    assert body == "<p>Hi</p>" and quoted.startswith("<blockquote>")


def test_short_quotes_and_whole_message_quotes_stay_in_view():
    assert split_quoted("<p>Hi</p><blockquote>ok</blockquote>")[1] == ""
    assert split_quoted("<blockquote>" + "y" * 300 + "</blockquote>")[1] == ""


def test_every_attachment_is_kept_whatever_links_the_site_lists(acme):
    # The real answer hides full_url and file_path (only secureUrl is given); every file is
    # shown and none of the site's own paths is kept to be linked to.
    thread = parse(
        Thread,
        {
            "ticket": {"id": 7, "title": "t", "content": "<p>see file</p>", "attachments": [
                {"id": 1, "title": "invoice.pdf", "file_type": "application/pdf",
                 "file_hash": "a" * 32, "secureUrl": "https://shop.test/index.php?fst_file=a"},
                {"id": 2, "title": "local", "file_path": "/var/www/secret.txt"},
            ]},
            "responses": [],
        },
    )  # fmt: skip
    (opening,) = conversation(thread, acme)
    assert [a.title for a in opening.attachments] == ["invoice.pdf", "local"]
    assert [a.file_hash for a in opening.attachments] == ["a" * 32, ""]
    assert "/var/www/secret.txt" not in repr(opening.attachments)


def test_stored_html_becomes_editable_plain_text():
    html = "<p>Hi Sofia,</p>\n<p>Line one<br>line two &amp; more</p><script>x()</script>"
    assert html_to_plain(html) == "Hi Sofia,\n\nLine one\nline two & more"


@pytest.mark.parametrize("status", ["new", "active"])
def test_open_tickets_offer_close_and_send_and_close(agent_client, acme, sim, status):
    ticket_id = ticket_where(sim.acme, statuses=(status,))
    html = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    assert 'data-key="c"' in html and 'value="reply_close"' in html


def test_closed_tickets_offer_re_open_instead(agent_client, acme, sim):
    ticket_id = ticket_where(sim.acme, statuses=("closed",))
    html = agent_client.get(url("thread", acme, ticket_id)).content.decode()
    assert url("reopen", acme, ticket_id) in html
    assert 'data-key="c"' not in html and 'value="reply_close"' not in html
