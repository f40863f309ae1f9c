"""Attaching files to a reply or note: the upload the composer's script makes for each file,
and the files a form posts without JavaScript.

Uploads go through the dashboard, never from the browser to WordPress: the agent's own
connection sends them, and only for a ticket it can read (anyone else's is a 404).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from dashboard.fluent.errors import UpstreamError
from dashboard.sites.models import Site
from dashboard.tickets.uploads import (
    MAX_FILES,
    AttachedFile,
    UploadRefused,
    check_file,
    clean_name,
    parse_attached,
    upload_for_ticket,
)
from dashboard.upstream_errors import error_status
from dashboard.usersites import user_site


def _not_attached(name: str, error: UpstreamError) -> str:
    return f"{name} was not attached. {error.user_message} {error.advice}"


@require_POST
def upload(request: HttpRequest, site_id: int, ticket_id: int) -> JsonResponse:
    """One file for the message being written: its value for the form, or why not."""
    site = user_site(request, site_id)
    incoming = request.FILES.get("file")
    if incoming is None:
        return JsonResponse({"error": "Choose a file to attach."}, status=400)
    name = clean_name(incoming.name or "")
    try:
        # The size is known before the file is read: a file too big is refused unread.
        check_file(name, incoming.size or 0)
        attached = upload_for_ticket(site, ticket_id, name=name, content=incoming.read())
    except UploadRefused as refused:
        return JsonResponse({"error": refused.message}, status=422)
    except UpstreamError as error:
        if error.kind in ("not_found", "forbidden"):
            # The same answer as for a ticket that does not exist: nothing is confirmed.
            raise Http404("No such ticket") from None
        return JsonResponse({"error": _not_attached(name, error)}, status=error_status(error))
    return JsonResponse(
        {
            "value": attached.value,
            "name": attached.name,
            "size": attached.size,
            "size_label": attached.size_label,
        }
    )


def posted_files(
    request: HttpRequest, site: Site, ticket_id: int
) -> tuple[list[AttachedFile], list[str]]:
    """The composer's files: those uploaded already, and any the form carries itself (without
    JavaScript), uploaded now. Answers the files the site holds and what could not be attached.
    """
    files = parse_attached(request.POST.getlist("attachments"))
    refused: list[str] = []
    for incoming in request.FILES.getlist("files"):
        name = clean_name(incoming.name or "")
        if not incoming.name and not incoming.size:
            continue  # an empty file input
        if len(files) >= MAX_FILES:
            refused.append(f"{name} was not attached: a message takes up to {MAX_FILES} files.")
            continue
        try:
            check_file(name, incoming.size or 0)
            files.append(upload_for_ticket(site, ticket_id, name=name, content=incoming.read()))
        except UploadRefused as error:
            refused.append(error.message)
        except UpstreamError as error:
            refused.append(_not_attached(name, error))
    return files, refused
