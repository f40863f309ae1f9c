from django.urls import include, path

from dashboard.tickets import inbox, loop_views

app_name = "tickets"
urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("tickets/counts/", inbox.counts, name="counts"),
    path("tickets/changes/", inbox.changes, name="changes"),
    path("tickets/bulk/", inbox.bulk, name="bulk"),
    path("account/preferences/", loop_views.preferences, name="preferences"),
    path("sites/<site:site_id>/tickets/<int:ticket_id>/", include("dashboard.tickets.thread_urls")),
]
