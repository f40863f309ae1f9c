from __future__ import annotations

from django.urls import path

from dashboard.queues import views

app_name = "queues"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("stats/", views.stats, name="stats"),
    path("export.csv", views.export_csv, name="export"),
]
