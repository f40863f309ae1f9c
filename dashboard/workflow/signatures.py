"""Signatures: what a user signs replies with on each of their sites.

Read and written only for the user's own sites, so one user's signature never reaches another
user's composer. Saving bumps the user's generation: a cached thread page rendered with the
old signature is not served again.
"""

from __future__ import annotations

from dashboard.sites.models import Site
from dashboard.user_generation import bump_user_generation
from dashboard.workflow.models import Signature


def signature_text(*, user, site: Site) -> str:
    """The user's signature on this site, or "" (also for a site that is not theirs)."""
    if site.owner_id != user.pk:
        return ""
    found = Signature.objects.filter(user=user, site=site).values_list("text", flat=True).first()
    return found or ""


def signatures_of(*, user, sites: list[Site]) -> dict[int, str]:
    """The user's signature per site id, for the sites given that are theirs."""
    own = [site.pk for site in sites if site.owner_id == user.pk]
    rows = Signature.objects.filter(user=user, site_id__in=own).values_list("site_id", "text")
    return dict(rows)


def signature_save(*, user, site: Site, text: str) -> None:
    """Set (or, with empty text, clear) the user's signature on one of their own sites."""
    if site.owner_id != user.pk:
        raise PermissionError("A signature can only be set on one's own site.")
    text = text.replace("\r\n", "\n").strip()
    if text:
        Signature.objects.update_or_create(user=user, site=site, defaults={"text": text})
    else:
        Signature.objects.filter(user=user, site=site).delete()
    bump_user_generation(user.pk)
