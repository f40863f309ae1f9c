from __future__ import annotations

from django.urls import path

from dashboard.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.reports, name="reports"),
    path("mine/", views.mine, name="mine"),
    path("export/<slug:key>.csv", views.export, name="export"),
]
