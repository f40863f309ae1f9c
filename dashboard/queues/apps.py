from django.apps import AppConfig


class QueuesConfig(AppConfig):
    name = "dashboard.queues"
    label = "queues"
