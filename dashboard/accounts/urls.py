from __future__ import annotations

from django.urls import path

from dashboard.accounts import team

app_name = "team"
urlpatterns = [
    path("", team.team, name="list"),
    path("new/", team.add, name="add"),
    path("<int:pk>/role/", team.change_role, name="role"),
    path("<int:pk>/active/", team.change_active, name="active"),
]
