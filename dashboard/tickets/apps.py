from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "dashboard.tickets"
    label = "tickets"
