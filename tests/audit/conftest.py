"""Team leads: users granted the audit permission."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.audit.helpers import grant_audit


@pytest.fixture
def lead(db, password):
    """A team lead: may read the audit trail (of the sites they connect themselves)."""
    person = get_user_model().objects.create_user(
        "lead", email="lead@example.test", password=password
    )
    grant_audit(person)
    return person


@pytest.fixture
def lead_client(lead) -> Client:
    client = Client()
    client.force_login(lead)
    return client
