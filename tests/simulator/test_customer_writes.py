"""The simulated PUT /customers where the recordings are silent, as the plugin's source has it."""

from __future__ import annotations

import requests

from dashboard.simulator import ADMIN_APP_PASSWORD, ADMIN_USERNAME

FS = "/wp-json/fluent-support/v2"


def test_email_of_another_customer_is_refused_with_the_plugins_423_and_nothing_written(sim):
    one, other = list(sim.acme.site.customers.values())[:2]
    before = dict(one)
    body = {"first_name": "X", "email": other["email"], "person_type": "customer"}

    answer = requests.put(
        f"{sim.acme.base_url}{FS}/customers/{one['id']}",
        json=body,
        auth=(ADMIN_USERNAME, ADMIN_APP_PASSWORD),
        timeout=10,
    )

    assert answer.status_code == 423
    assert answer.json() == {
        "message": "Another Customer has same email address",
        "errors": {"email": {"unique": "Email address has been assigned to other customer"}},
    }
    assert sim.acme.site.customers[one["id"]] == before


def test_first_name_is_required(sim):
    one = next(iter(sim.acme.site.customers.values()))

    answer = requests.put(
        f"{sim.acme.base_url}{FS}/customers/{one['id']}",
        json={"email": one["email"], "person_type": "customer"},
        auth=(ADMIN_USERNAME, ADMIN_APP_PASSWORD),
        timeout=10,
    )

    assert answer.status_code == 422
    assert answer.json() == {"first_name": {"required": "The first name field is required."}}
