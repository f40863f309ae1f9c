from django.urls import path

from dashboard.queues import views

app_name = "queues"
urlpatterns = [path("", views.overview, name="overview")]
