from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Support Dashboard"

    def ready(self) -> None:
        from django.urls import register_converter

        from dashboard.siteslugs import SiteConverter

        # Registered before any URLconf is read, whichever app's is read first.
        register_converter(SiteConverter, "site")
