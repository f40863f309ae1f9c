"""The thread page and its actions, under ``sites/<site_id>/tickets/<ticket_id>/``."""

from __future__ import annotations

from django.urls import path

from dashboard.tickets import (
    attach_views,
    attachments,
    composer,
    loop_views,
    thread,
    thread_actions,
)

urlpatterns = [
    path("", thread.thread, name="thread"),
    path("conversation/", thread.conversation_view, name="conversation"),
    path("nav/", thread.nav, name="thread_nav"),
    path("presence/", thread.presence, name="presence"),
    path("prefetch-next/", loop_views.prefetch, name="prefetch_next"),
    path("leave/", thread.leave, name="leave"),
    path("reply/", composer.reply, name="reply"),
    path("uploads/", attach_views.upload, name="upload"),
    path("reply/preview/", composer.preview, name="compose_preview"),
    path("responses/<int:response_id>/edit/", thread_actions.response_edit, name="response_edit"),
    path(
        "responses/<int:response_id>/delete/",
        thread_actions.response_delete,
        name="response_delete",
    ),
    path("property/", thread_actions.property_set, name="property"),
    path("close/", thread_actions.close, name="close"),
    path("reopen/", thread_actions.reopen, name="reopen"),
    path("tags/", thread_actions.tag_add, name="tag_add"),
    path("tags/<int:tag_id>/remove/", thread_actions.tag_remove, name="tag_remove"),
    path("attachments/<int:attachment_id>/", attachments.download, name="attachment"),
    path(
        "attachments/<int:attachment_id>/preview/",
        attachments.preview,
        name="attachment_preview",
    ),
]
