"""The few kinds of upstream failure every view knows how to explain, and the one mapping to them.

Status codes, transport errors and unparseable answers become these kinds here and nowhere else;
views never look at a status code.
"""

from __future__ import annotations

from typing import Any

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from dashboard.fluent.address import AddressRefused


class UpstreamError(Exception):
    """A WordPress site did not give us what we asked for."""

    kind = "unavailable"
    #: What the user can do about it; views show it under the message.
    advice = "Try again in a moment."
    #: True when a write timed out after reaching the site: it may have been applied.
    maybe_applied = False

    def __init__(
        self,
        message: str,
        *,
        site_label: str = "",
        status: int | None = None,
        field_errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.site_label = site_label
        self.status = status
        self.field_errors = field_errors or {}

    def for_site(self, site_label: str) -> UpstreamError:
        self.site_label = self.site_label or site_label
        return self

    @property
    def user_message(self) -> str:
        prefix = f"{self.site_label}: " if self.site_label else ""
        return f"{prefix}{self.message}"

    def __str__(self) -> str:
        return self.user_message


class AuthError(UpstreamError):
    """401: the username or Application Password is wrong, or was revoked."""

    kind = "auth"
    advice = "Reconnect the site with a new Application Password."


class ForbiddenError(UpstreamError):
    """403, or the plugin's own permission refusal: the WordPress user lacks a capability."""

    kind = "forbidden"
    advice = "Ask a WordPress administrator for the missing Fluent Support permission."


class NotFoundError(UpstreamError):
    """The object (or the plugin's route) does not exist on the site."""

    kind = "not_found"
    advice = "It may have been deleted on the site."


class RouteMissingError(NotFoundError):
    """The site has no such REST route (rest_no_route): the plugin is inactive or too old."""

    advice = "Check that the plugin is active on the site."


class UnavailableError(UpstreamError):
    """The site could not be reached, timed out, or answered with a server error."""

    kind = "unavailable"
    advice = "The site may be down or slow; try again in a moment."


class InvalidInputError(UpstreamError):
    """The site refused the input; ``field_errors`` holds its messages per field."""

    kind = "invalid"
    advice = "Correct the highlighted fields and send again."


class BadReplyError(UpstreamError):
    """The site answered, but not with something we can read (HTML, broken JSON, odd shape)."""

    kind = "bad_reply"
    advice = "The site answered with something unexpected; a plugin or proxy may be interfering."


# Mapping: the one place status codes and transport failures become the kinds above.


def from_status(response: requests.Response, *, site_label: str) -> UpstreamError:
    """The kind of failure an HTTP answer of 300 or more stands for."""
    status = response.status_code
    body = _body(response)
    if status == 401:
        return AuthError(
            "WordPress refused the stored username or Application Password "
            "(it may have been revoked).",
            site_label=site_label,
            status=status,
        )
    if status == 403:
        return ForbiddenError(
            "This WordPress user is not allowed to do that.", site_label=site_label, status=status
        )
    if status == 404:
        if isinstance(body, dict) and body.get("code") == "rest_no_route":
            return RouteMissingError(
                "The site has no such route; is the plugin active?",
                site_label=site_label,
                status=status,
            )
        return NotFoundError(_not_found_text(body), site_label=site_label, status=status)
    if 300 <= status < 400:
        return BadReplyError(
            "The site answered with a redirect; check its address.",
            site_label=site_label,
            status=status,
        )
    if status >= 500:
        return UnavailableError(
            f"The site answered with a server error ({status}).",
            site_label=site_label,
            status=status,
        )
    # 4xx from the plugin's own handlers: 422 with a bare string, field errors, or a
    # {"message": ...} object (and 423 from its customer-update bug).
    if isinstance(body, str):
        if body.startswith("No query results for model"):
            return NotFoundError(_not_found_text(body), site_label=site_label, status=status)
        if "permission" in body.lower():
            return ForbiddenError(body, site_label=site_label, status=status)
        if "SQL:" in body or "Unknown column" in body:
            return InvalidInputError(
                "The site refused the change.", site_label=site_label, status=status
            )
        return InvalidInputError(body, site_label=site_label, status=status)
    if isinstance(body, dict):
        message = body.get("message")
        if isinstance(message, str) and (
            "not found" in message.lower() or message.startswith("No query results")
        ):
            return NotFoundError(_not_found_text(message), site_label=site_label, status=status)
        field_errors = _field_errors(body.get("errors", body))
        if field_errors:
            return InvalidInputError(
                "The site refused some fields.",
                site_label=site_label,
                status=status,
                field_errors=field_errors,
            )
        if isinstance(message, str) and "SQL" not in message:
            return InvalidInputError(message, site_label=site_label, status=status)
    return InvalidInputError(
        f"The site refused the request ({status}).", site_label=site_label, status=status
    )


def from_transport(
    exc: requests.RequestException, *, site_label: str, read_timeout: float
) -> UnavailableError:
    """A request that got no answer: why, in words a person can act on."""
    if isinstance(exc, AddressRefused):
        message = exc.message
    elif isinstance(exc, requests.exceptions.SSLError):
        message = "The site's TLS certificate could not be verified."
    elif isinstance(exc, requests.ConnectTimeout):
        message = "The site did not accept a connection in time."
    elif isinstance(exc, requests.Timeout):
        message = f"The site did not answer within {read_timeout:g} s."
    elif isinstance(exc, requests.TooManyRedirects):
        message = "The site answered with a redirect; check its address."
    elif isinstance(exc, requests.ConnectionError):
        message = "The site could not be reached."
    else:
        message = "The request to the site failed."
    return UnavailableError(message, site_label=site_label)


def bad_reply(response: requests.Response, *, site_label: str) -> BadReplyError:
    """An answer that is not the JSON asked for."""
    return BadReplyError(
        "The site did not answer with JSON (a security plugin, cache or proxy may be in the way).",
        site_label=site_label,
        status=response.status_code,
    )


def may_have_reached_the_site(exc: requests.RequestException) -> bool:
    """A write that timed out or lost its connection after sending may have been applied;
    one that never connected (refused, unresolvable, connect timeout) was not."""
    if isinstance(exc, AddressRefused | requests.ConnectTimeout | requests.exceptions.SSLError):
        return False
    if isinstance(exc, requests.Timeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        reason = exc.args[0] if exc.args else None
        if isinstance(reason, MaxRetryError):
            reason = reason.reason
        return not isinstance(reason, NewConnectionError)
    return False


def _body(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _not_found_text(body: Any) -> str:
    text = body if isinstance(body, str) else ""
    for model, noun in (
        ("Ticket", "ticket"),
        ("Customer", "customer"),
        ("Conversation", "message"),
        ("Agent", "agent"),
        ("Person", "person"),
    ):
        if f"Models\\{model}]" in text:
            return f"That {noun} does not exist on the site (any more)."
    if "Subscriber" in text:
        return "No such contact in FluentCRM."
    return "That does not exist on the site (any more)."


def _field_errors(value: Any) -> dict[str, list[str]]:
    """Read the plugin's ``{"field": {"rule": "message"}}`` validation shape."""
    if not isinstance(value, dict):
        return {}
    found: dict[str, list[str]] = {}
    for name, rules in value.items():
        if isinstance(rules, dict) and rules and all(isinstance(m, str) for m in rules.values()):
            # "ticket.title" -> "title": our forms use the last part of a dotted key.
            found[str(name).rsplit(".", 1)[-1]] = list(rules.values())
        elif isinstance(rules, list) and rules and all(isinstance(m, str) for m in rules):
            found[str(name).rsplit(".", 1)[-1]] = rules
    return found
