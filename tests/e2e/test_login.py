from __future__ import annotations

import re

from playwright.sync_api import expect


def test_agent_logs_in_sees_the_shell_and_logs_out(page, live_server, user, password):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))

    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()
    page.get_by_label(f"Account menu for {user.username}").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))


def test_wrong_password_shows_an_error_and_keeps_the_username(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value(user.username)
