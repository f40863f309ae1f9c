from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "dashboard.sites"
    label = "sites"
