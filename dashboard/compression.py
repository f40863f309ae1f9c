"""Gzip for the pages and fragments the dashboard writes, never for files it passes through.

Heroku-style routers forward responses as they are, so an uncompressed inbox page is five
times its gzipped size on the wire. Django's ``GZipMiddleware`` compresses; this one limits it
to the text the dashboard renders itself (HTML, JSON, CSV, plain text). Attachment downloads
and previews are the customer's bytes: already compressed as a rule (images, zip, pdf), and
streamed, so compressing them would cost CPU for nothing. Static files never get here:
WhiteNoise, above this middleware, serves them with its own pre-compressed copies.

BREACH: a compressed page that reflects attacker-chosen input next to a secret leaks the
secret byte by byte through its size. Django's middleware adds up to 100 random bytes to each
gzip header ("Heal the Breach"), Django masks the CSRF token differently in every response,
and no page of ours ever shows a credential or other lasting secret. So compression stays on
for every text response, including those that carry a CSRF token.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/html", "text/plain", "text/csv", "application/json")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        kind = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if kind not in COMPRESSIBLE:
            return response
        return super().process_response(request, response)
