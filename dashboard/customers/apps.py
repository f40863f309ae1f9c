from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "dashboard.customers"
    label = "customers"
