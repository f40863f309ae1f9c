from django.urls import path

from dashboard.sites import views

app_name = "sites"
urlpatterns = [
    path("", views.site_list, name="list"),
    path("connect/", views.site_connect, name="connect"),
    path("<int:pk>/edit/", views.site_edit, name="edit"),
    path("<int:pk>/verify/", views.site_verify, name="verify"),
    path("<int:pk>/remove/", views.site_remove, name="remove"),
]
