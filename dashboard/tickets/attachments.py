"""Attachment downloads and image previews, served through the dashboard.

The plugin's own link to a file is signed for one UTC hour and readable by anyone who holds it,
so pages never show it: each file gets a dashboard URL under its ticket. The view reads the
ticket with the signed-in user's own connection (a user who cannot read the ticket gets a
404), fetches the file from the site's own host and hands it over:

- downloads as ``Content-Disposition: attachment`` with ``nosniff`` and a sandboxing CSP, so an
  uploaded .html or .svg can never run in our origin, whatever type the site claims;
- previews only for raster images (PNG, JPEG, GIF, WebP; never SVG) whose bytes are what their
  type says, inline under a CSP that allows nothing else.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from dashboard.fluent import files
from dashboard.fluent.errors import UpstreamError
from dashboard.fluent.models import Attachment
from dashboard.sites.services import client_for
from dashboard.upstream_errors import upstream_error
from dashboard.usersites import user_site

# Types a download keeps; anything else (HTML, SVG, XML, scripts, unknown) is sent as opaque
# bytes, so even a browser that ignored Content-Disposition would not render it.
DOWNLOAD_TYPES = frozenset(
    {
        "image/png", "image/jpeg", "image/pjpeg", "image/gif", "image/webp", "application/pdf",
        "text/csv", "text/plain", "application/json", "application/zip", "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)  # fmt: skip
DOWNLOAD_POLICY = "default-src 'none'; sandbox"
PREVIEW_POLICY = "default-src 'none'; img-src 'self'; sandbox"


def download_type(attachment: Attachment) -> str:
    kind = attachment.file_type.split(";")[0].strip().lower()
    return kind if kind in DOWNLOAD_TYPES else "application/octet-stream"


def _open(
    request: HttpRequest, site_id: int, ticket_id: int, attachment_id: int
) -> files.FileStream | HttpResponse:
    site = user_site(request, site_id)
    try:
        return files.attachment_open(
            client_for(site), ticket_id=ticket_id, attachment_id=attachment_id
        )
    except UpstreamError as error:
        if error.kind in ("not_found", "forbidden"):
            # Not readable with this user's connection: the same answer as a file that does not
            # exist, so nothing about the ticket is confirmed.
            raise Http404("No such file") from None
        return upstream_error(request, error, site=site)


def _harden(response: HttpResponse, policy: str) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = policy
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_GET
def download(request: HttpRequest, site_id: int, ticket_id: int, attachment_id: int):
    opened = _open(request, site_id, ticket_id, attachment_id)
    if isinstance(opened, HttpResponse):
        return opened
    response = StreamingHttpResponse(opened.chunks(), content_type=download_type(opened.attachment))
    response["Content-Disposition"] = content_disposition_header(True, opened.attachment.name)
    response["Cache-Control"] = "private, no-store"
    return _harden(response, DOWNLOAD_POLICY)


@require_GET
def preview(request: HttpRequest, site_id: int, ticket_id: int, attachment_id: int):
    opened = _open(request, site_id, ticket_id, attachment_id)
    if isinstance(opened, HttpResponse):
        return opened
    kind = opened.image_type
    if not opened.attachment.is_previewable or not kind:
        opened.close()
        raise Http404("No preview for this file")
    response = StreamingHttpResponse(opened.chunks(), content_type=kind)
    response["Content-Disposition"] = content_disposition_header(False, opened.attachment.name)
    # A file of a ticket does not change; the browser may keep it for the page's lifetime.
    response["Cache-Control"] = "private, max-age=300"
    return _harden(response, PREVIEW_POLICY)
