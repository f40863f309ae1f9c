from django.urls import path

from dashboard.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("panel/<int:site_id>/<int:customer_id>/", views.panel, name="panel"),
]
