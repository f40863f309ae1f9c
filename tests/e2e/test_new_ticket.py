"""The New-ticket form's customer search in Chromium."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.customers.helpers import OLIVIA, customer_by_email


def test_customer_search_runs_without_htmx_errors(academy, sim, logged_in_page, live_server):
    page = logged_in_page
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type in ("error", "warning") else None
        ),
    )
    olivia = customer_by_email(sim.academy, OLIVIA)
    page.goto(f"{live_server.url}/customers/new-ticket/?site={academy.slug}")

    page.get_by_label("Find a customer").fill("olivia.thornbury")
    expect(page.locator(f'input[name="customer"][value="{olivia["id"]}"]')).to_be_visible()

    # The form disables its submit button while it posts; the search field must not take that
    # setting over, or htmx reports that its selector found nothing under the field.
    assert not [text for text in problems if "hx-disabled-elt" in text], problems
    expect(page.get_by_role("button", name="Create ticket")).to_be_enabled()
