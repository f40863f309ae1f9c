"""Forms of the Team page: a user's role, their active state, and a new user."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation

from dashboard.accounts import roles

ROLE_CHOICES = [(role.key, role.name) for role in roles.ROLES]


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)

    def chosen_role(self) -> roles.Role:
        return roles.BY_KEY[self.cleaned_data["role"]]


class ActiveForm(forms.Form):
    # "1" to let the user in again, "0" to keep them out.
    active = forms.TypedChoiceField(choices=[("1", "Active"), ("0", "Deactivated")], coerce=int)


class NewUserForm(forms.ModelForm):
    """A user added by an admin, with a temporary password they replace when they first log
    in."""

    role = forms.ChoiceField(
        choices=ROLE_CHOICES,
        initial=roles.AGENT.key,
        help_text="Agents work tickets; team leads also see queues and reports and change team "
        "settings; admins also manage sites and users.",
    )
    password1 = forms.CharField(
        label="Temporary password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Give it to them yourself. They choose their own when they first log in.",
    )
    password2 = forms.CharField(
        label="Temporary password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email"]
        labels = {"email": "Email"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["username"].widget.attrs.update(autocomplete="off", autocapitalize="none")

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        # Django's own check is exact; "Sam" and "sam" would be two people to the eye only.
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("Someone already has this username.", code="unique")
        return username

    def clean_email(self) -> str:
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"])
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone already has this email address.", code="unique")
        return email

    def clean(self) -> dict:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            # The validators compare the password with the username, names and email.
            self.instance.username = data.get("username", "")
            self.instance.first_name = data.get("first_name", "")
            self.instance.last_name = data.get("last_name", "")
            self.instance.email = data.get("email", "")
            try:
                password_validation.validate_password(first, self.instance)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def chosen_role(self) -> roles.Role:
        return roles.BY_KEY[self.cleaned_data["role"]]
