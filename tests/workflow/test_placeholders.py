"""Filling saved replies: plain text in, plain text out; escaping happens once, on sending."""

from __future__ import annotations

from dashboard.html import text_to_html
from dashboard.workflow.placeholders import Values, fill, missing

BODY = "Hi {customer_first_name},\n\n{agent_first_name} here about #{ticket_id} on {site_name}."


def test_every_placeholder_is_filled():
    values = Values("Olivia", "Alex", "1043", "Acme Store")
    assert fill(BODY, values) == "Hi Olivia,\n\nAlex here about #1043 on Acme Store."


def test_unknown_placeholders_and_other_braces_are_left_as_written():
    text = "Order {order_number} {Customer_First_Name} {} {{ticket_id}} {ticket_id"
    assert (
        fill(text, Values(ticket_id="5"))
        == "Order {order_number} {Customer_First_Name} {} {5} {ticket_id"
    )


def test_a_placeholder_without_a_value_stays_visible_and_is_reported():
    values = Values(agent_first_name="Alex", ticket_id="7", site_name="Acme")
    assert fill(BODY, values).startswith("Hi {customer_first_name},")
    assert missing(BODY, values) == ["customer_first_name"]
    assert missing(BODY, Values("O", "A", "7", "S")) == []


def test_customer_names_stay_plain_text_and_are_escaped_once_when_sent():
    name = '<img src=x onerror="alert(1)"> Bo & Co'
    filled = fill("Hi {customer_first_name},", Values(customer_first_name=name))
    # No escaping here (the textarea would show &amp;), no markup either: the characters.
    assert filled == f"Hi {name},"
    sent = text_to_html(filled)
    assert "<img" not in sent
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Bo &#038; Co" in sent


def test_a_value_that_looks_like_a_placeholder_is_not_filled_again():
    values = Values(customer_first_name="{ticket_id}", ticket_id="42")
    assert fill("{customer_first_name} / {ticket_id}", values) == "{ticket_id} / 42"


def test_values_are_one_line():
    values = Values(customer_first_name="Ann\n\nSigned:  Evil\r\nCorp")
    assert fill("Hi {customer_first_name}!", values) == "Hi Ann Signed: Evil Corp!"
