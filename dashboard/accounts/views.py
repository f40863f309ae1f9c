"""Log in with throttling; change password, which logs every other session out."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from dashboard.accounts import throttle
from dashboard.accounts.middleware import MUST_CHANGE_PASSWORD
from dashboard.accounts.models import TemporaryPassword

THROTTLED = (
    "Too many failed attempts. For your security, logging in is paused for 15 minutes. "
    "Ask an administrator if you have forgotten your password."
)


class ThrottledMixin:
    """Counts failures per username and per client address before any password is checked.

    Shared by the dashboard's and the admin's login forms, so both draw on the same counters:
    guessing through /admin/login/ gains nothing over the dashboard's form.
    """

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request)
        if throttle.is_locked(username, ip):
            raise forms.ValidationError(THROTTLED, code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, ip)
            raise
        throttle.clear(username)
        return cleaned


class ThrottledAuthenticationForm(ThrottledMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledMixin, AdminAuthenticationForm):
    pass


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django keeps this session and invalidates every other one (the session hash changes)."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("tickets:inbox")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["temporary"] = bool(self.request.session.get(MUST_CHANGE_PASSWORD))
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        TemporaryPassword.objects.filter(user=self.request.user).delete()
        self.request.session.pop(MUST_CHANGE_PASSWORD, None)
        messages.success(
            self.request, "Password changed. Your other sessions have been logged out."
        )
        return response

    def form_invalid(self, form):
        # As every other form here: a refused submission answers 422, so it is told apart
        # from a page shown (the audit trail records it as invalid).
        response = super().form_invalid(form)
        response.status_code = 422
        return response
