"""``{% url %}`` keeps the URLs it worked out, and never serves one made for another prefix."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix


def render(text: str) -> str:
    return Template(text).render(Context({"site_id": "acme-store", "ticket_id": 41}))


def test_the_url_tag_gives_what_reverse_gives():
    expected = reverse("tickets:thread", args=["acme-store", 41])
    assert render("{% url 'tickets:thread' site_id ticket_id %}") == expected
    # Asked again (kept), and with "as".
    assert render("{% url 'tickets:thread' site_id ticket_id %}") == expected
    assert render("{% url 'tickets:thread' site_id ticket_id as u %}[{{ u }}]") == f"[{expected}]"


def test_a_kept_url_is_not_served_under_another_script_prefix():
    try:
        plain = render("{% url 'tickets:inbox' %}")
        set_script_prefix("/support/")
        assert render("{% url 'tickets:inbox' %}") == "/support/" + plain.lstrip("/")
    finally:
        set_script_prefix("/")
    assert render("{% url 'tickets:inbox' %}") == plain


def test_an_unknown_name_still_fails_unless_kept_in_a_variable():
    with pytest.raises(NoReverseMatch):
        render("{% url 'tickets:nowhere' %}")
    assert render("{% url 'tickets:nowhere' as u %}[{{ u }}]") == "[]"


def test_a_thread_link_names_the_site_by_slug_whatever_it_is_given():
    from types import SimpleNamespace

    from dashboard.tickets.links import thread_url

    expected = reverse("tickets:thread", args=["acme-store", 41])
    connection = SimpleNamespace(slug="acme-store", label="Acme Store")
    assert thread_url(connection, 41) == expected
    assert thread_url("acme-store", 41) == expected
    assert (
        thread_url(connection, 41, "status=open", anchor="m-7")
        == f"{expected}?from=status%3Dopen#m-7"
    )


def test_a_connection_number_is_refused_in_a_thread_link_as_by_reverse():
    from dashboard.tickets.links import thread_url

    with pytest.raises(NoReverseMatch):
        thread_url(12, 41)


def test_equal_arguments_of_other_types_are_kept_apart():
    from dashboard.reversing import kept_reverse

    assert kept_reverse("tickets:thread", ("acme-store", 1)) == reverse(
        "tickets:thread", args=["acme-store", 1]
    )
    # True == 1 to Python; Django refuses it for a ticket number, and so must the kept reverse.
    with pytest.raises(NoReverseMatch):
        kept_reverse("tickets:thread", ("acme-store", True))


def test_only_plain_arguments_are_kept():
    from types import SimpleNamespace

    from dashboard.reversing import _reversed, kept_reverse

    _reversed.cache_clear()
    site = SimpleNamespace(slug="acme-store")
    assert kept_reverse("tickets:thread", (site, 41)) == reverse(
        "tickets:thread", args=["acme-store", 41]
    )
    assert _reversed.cache_info().currsize == 0
    kept_reverse("tickets:thread", ("acme-store", 41))
    assert _reversed.cache_info().currsize == 1
