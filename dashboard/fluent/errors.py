"""The few kinds of upstream failure every view knows how to explain.

Status codes, transport errors and unparseable answers are mapped to these in exactly one place,
``dashboard.fluent.client``; views never look at a status code.
"""

from __future__ import annotations


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
