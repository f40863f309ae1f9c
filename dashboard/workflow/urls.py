from django.urls import path

from dashboard.workflow.views import notify, replies, signatures, sla, snooze

app_name = "workflow"
urlpatterns = [
    path("replies/", replies.reply_list, name="replies"),
    path("replies/new/", replies.reply_create, name="reply_create"),
    path("replies/pick/", replies.reply_pick, name="reply_pick"),
    path("replies/<int:pk>/edit/", replies.reply_edit, name="reply_edit"),
    path("replies/<int:pk>/delete/", replies.reply_delete, name="reply_delete"),
    path("signatures/", signatures.signature_settings, name="signatures"),
    path("signatures/<site:site_id>/", signatures.signature_update, name="signature_update"),
    path("sla/", sla.sla_settings, name="sla"),
    path("sla/<site:site_id>/", sla.sla_save, name="sla_save"),
    path("snooze/<site:site_id>/<int:ticket_id>/", snooze.snooze, name="snooze"),
    path("snooze/<site:site_id>/<int:ticket_id>/wake/", snooze.wake, name="wake"),
    path("snoozed/", snooze.snoozed, name="snoozed"),
    path("waiting-count/", notify.waiting_count, name="waiting_count"),
]
