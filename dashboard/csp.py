"""Django 6's Content Security Policy support, for Django 5.2.

Django 6.0 builds the ``Content-Security-Policy`` header from ``settings.SECURE_CSP`` in
``django.middleware.csp.ContentSecurityPolicyMiddleware`` and offers the request's nonce to
templates as ``{{ csp_nonce }}`` (django-htmx's ``{% htmx_script %}`` reads it from there).
Django 5.2 LTS has none of that, so settings.py points at this module instead on 5.2: the same
setting, the same header text, the same context variable. Delete it when 5.2 support ends
(April 2028) and settings.py names Django's own classes unconditionally.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin
from django.utils.functional import SimpleLazyObject, empty

# Django 6's CSP.NONCE placeholder: in a directive's list it becomes this request's nonce.
NONCE = "<CSP_NONCE_SENTINEL>"


class LazyNonce(SimpleLazyObject):
    """A nonce made only when a template uses it, so a page without one sends none."""

    def __init__(self) -> None:
        super().__init__(lambda: secrets.token_urlsafe(16))

    def __bool__(self) -> bool:
        return self._wrapped is not empty


def build_policy(config: Mapping[str, object], nonce: LazyNonce | None = None) -> str:
    """The header text for ``config``, rendered as Django 6's ``build_policy`` renders it."""
    policy = []
    for directive, values in config.items():
        if values in (None, False):
            continue
        if values is True:
            policy.append(directive)
            continue
        if isinstance(values, set):
            values = sorted(values)
        elif not isinstance(values, list | tuple):
            values = [values]
        if NONCE in values:
            # A nonce no template used is left out, as Django 6 leaves it out.
            values = [
                f"'nonce-{nonce}'" if v == NONCE else v for v in values if nonce or v != NONCE
            ]
        if values:
            policy.append(f"{directive} {' '.join(values)}")
    return "; ".join(policy)


class ContentSecurityPolicyMiddleware(MiddlewareMixin):
    def process_request(self, request: HttpRequest) -> None:
        request._csp_nonce = LazyNonce()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        nonce = getattr(request, "_csp_nonce", None)
        for header, name, attribute in [
            ("Content-Security-Policy", "SECURE_CSP", "_csp_config"),
            ("Content-Security-Policy-Report-Only", "SECURE_CSP_REPORT_ONLY", "_csp_ro_config"),
        ]:
            # A view may give its response a policy of its own, as Django 6's middleware allows.
            config = getattr(response, attribute, None)
            if config is None:
                config = getattr(settings, name, {})
            # A view that set its own header keeps it, as with Django's middleware.
            if config and header not in response:
                response.headers[header] = build_policy(config, nonce)
        return response


def nonce(request: HttpRequest) -> dict:
    """Context processor: ``{{ csp_nonce }}``, as Django 6's ``context_processors.csp``."""
    return {"csp_nonce": getattr(request, "_csp_nonce", None)}
