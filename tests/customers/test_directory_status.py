"""The directory shows a customer's status only where the plugin has one."""

from __future__ import annotations

import re

from django.urls import reverse

URL = reverse("customers:directory")


def test_directory_has_no_status_column_of_dashes_and_shows_a_set_status(agent_client, acme, sim):
    customers = sim.acme.site.customers
    # Like the real plugin (fs_customers: "status": null on every row), the seed sets none.
    assert all(c["status"] is None for c in customers.values())
    marked = max(customers)
    customers[marked]["status"] = "inactive"

    html = agent_client.get(URL, {"site": acme.pk}).content.decode()

    assert ">Status</th>" not in html
    assert not re.search(r'<td class="[^"]*">\s*<span class="muted"[^>]*>—</span>', html)
    row = re.search(rf'href="/customers/{acme.slug}/{marked}/".*?</tr>', html, re.S).group(0)
    assert '<span class="pill cd-status-inactive">Inactive</span>' in row
    others = re.findall(r"cd-status-", html)
    assert len(others) == 1
