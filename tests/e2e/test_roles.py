"""Roles in the browser: an admin makes an agent a team lead on the Team page; an agent sees no
Queues link, and the queues' address answers with the page that says whom to ask."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import connect

SHOTS = Path("/tmp/shots/roles")


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_an_admin_makes_an_agent_a_team_lead(page, live_server, team_admin, agent_user, password):
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, live_server, team_admin.username, password)
    page.get_by_label(f"Account menu for {team_admin.username}").click()
    page.get_by_role("link", name="Team", exact=True).click()
    expect(page.get_by_role("heading", name="Team", level=1)).to_be_visible()

    row = page.locator(f"#user-{agent_user.pk}")
    role = row.get_by_label("Role of Sam Kim")
    expect(role).to_have_value("agent")
    role.select_option(label="Team lead")
    row.get_by_role("button", name="Change role of Sam Kim").click()

    # The row answers in place: the message where the change was made, the new role selected.
    expect(page.locator(f"#user-{agent_user.pk}").get_by_role("status")).to_have_text(
        "Sam Kim is now a Team lead."
    )
    expect(page).to_have_url(re.compile(r"/team/$"))
    page.screenshot(path=str(SHOTS / "team-1440.png"), full_page=True)
    page.reload()
    expect(page.locator(f"#user-{agent_user.pk}").get_by_label("Role of Sam Kim")).to_have_value(
        "team_lead"
    )

    # The last admin cannot step down: the refusal shows in the row.
    mine = page.locator(f"#user-{team_admin.pk}")
    mine.get_by_label("Role of Dana Ray").select_option(label="Agent")
    mine.get_by_role("button", name="Change role of Dana Ray").click()
    expect(page.locator(f"#user-{team_admin.pk}").get_by_role("alert")).to_contain_text(
        "Dana Ray is the last admin"
    )


def test_an_agent_sees_no_queues_and_is_told_whom_to_ask(
    page, live_server, agent_user, team_admin, password, sim
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    connect(agent_user, sim.acme)
    log_in(page, live_server, agent_user.username, password)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Inbox")).to_be_visible()
    expect(nav.get_by_role("link", name="Queues")).to_have_count(0)
    expect(nav.get_by_role("link", name="Reports")).to_have_count(0)
    expect(nav.get_by_role("link", name="My stats")).to_be_visible()

    # The inbox's own fragments (counts, the title's waiting count) finish first.
    page.wait_for_load_state("networkidle")
    sim.acme.site.clear_log()
    response = page.goto(f"{live_server.url}/queues/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="This needs the Team lead role")).to_be_visible()
    expect(page.locator("[data-denied]")).to_contain_text(
        "Only a Team lead or an Admin can open the team's queues. Your role is Agent."
    )
    expect(page.get_by_role("link", name="dana@example.test")).to_have_attribute(
        "href", "mailto:dana@example.test"
    )
    expect(page.locator(".queues-longest")).to_have_count(0)
    assert sim.acme.site.request_log == []
    page.screenshot(path=str(SHOTS / "refused-1440.png"), full_page=True)

    page.get_by_role("link", name="Back to the inbox").click()
    expect(page).to_have_url(f"{live_server.url}/")
