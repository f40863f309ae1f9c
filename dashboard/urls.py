from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dashboard import views
from dashboard.accounts import views as account_views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("account/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("sites/", include("dashboard.sites.urls")),
    path("customers/", include("dashboard.customers.urls")),
    path("queues/", include("dashboard.queues.urls")),
    path("reports/", include("dashboard.reports.urls")),
    path("workflow/", include("dashboard.workflow.urls")),
    path("team/", include("dashboard.accounts.urls")),
    path("audit/", include("dashboard.audit.urls")),
    path("", include("dashboard.tickets.urls")),
]

# The admin's login form counts failures with the dashboard's throttle.
admin.site.login_form = account_views.ThrottledAdminAuthenticationForm

handler403 = "dashboard.accounts.access.permission_denied"
handler500 = "dashboard.views.server_error"
