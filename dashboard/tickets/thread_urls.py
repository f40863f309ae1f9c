from django.urls import path

from dashboard.tickets import thread

urlpatterns = [path("", thread.thread, name="thread")]
