from django.urls import path

from dashboard.sites import views

app_name = "sites"
urlpatterns = [
    path("", views.site_list, name="list"),
    path("connect/", views.site_connect, name="connect"),
    path("<site:slug>/connect/", views.site_join, name="join"),
    path("<site:slug>/edit/", views.site_edit, name="edit"),
    path("<site:slug>/verify/", views.site_verify, name="verify"),
    path("<site:slug>/remove/", views.site_remove, name="remove"),
    path("<site:slug>/settings/", views.team_site_settings, name="team_settings"),
    path("<site:slug>/delete/", views.team_site_delete, name="team_delete"),
]
