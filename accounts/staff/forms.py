from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

from . import services
from .models import StaffRole


class StaffLoginForm(LoginForm):
    """Wagtail's sign-in form (WAGTAILADMIN_USER_LOGIN_FORM) with throttling:
    a locked account name or address is refused before the password is checked,
    and every failure counts, whether the account exists or not."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        services.signin_check(request=self.request, username=username)
        try:
            cleaned = super().clean()
        except ValidationError:
            services.signin_failed(request=self.request, username=username)
            raise
        services.signin_succeeded(username=username)
        services.signin_superuser_check(request=self.request, user=self.get_user())
        return cleaned

    def confirm_login_allowed(self, user):
        """Only accounts that may use the admin sign in here: a public account's
        right password is answered like a wrong one (and counts as a failure), so it
        never holds a session on the admin's form nor learns that it exists."""
        super().confirm_login_allowed(user)
        if not user.has_perm("wagtailadmin.access_admin"):
            raise self.get_invalid_login_error()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": "",
            }
        ),
        help_text=_(
            "The six digits your authenticator app shows, or one of your recovery "
            "codes."
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


class RoleGrantForm(forms.Form):
    username = forms.CharField(label=_("Account"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)

    def clean_username(self):
        username = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise ValidationError(_("There is no such account."))
        self.user = user
        return username


class MfaResetForm(forms.Form):
    username = forms.CharField(label=_("Account"), max_length=150)

    def clean_username(self):
        username = self.cleaned_data["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise ValidationError(_("There is no such account."))
        self.user = user
        return username


class UnlockForm(forms.Form):
    username = forms.CharField(label=_("Account"), max_length=150, required=False)
    address = forms.GenericIPAddressField(label=_("Address"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("username") and not cleaned.get("address"):
            raise ValidationError(_("Name an account, an address or both."))
        return cleaned
