from django import forms
from django.utils.translation import gettext_lazy as _

from interaction.forms import PlainTextField


class CodeSignInForm(forms.Form):
    """Sign in (or register) with a mobile number or e-mail address and a code."""

    target = forms.CharField(label=_("Mobile number or e-mail address"), max_length=100)
    code = forms.CharField(label=_("Verification code"), max_length=6, required=False)
    username = forms.CharField(
        label=_("Account name (optional, for a new account)"),
        max_length=30,
        required=False,
    )
    consent = forms.BooleanField(
        label=_("I have read and agree to the personal-information rules"),
        required=False,
    )


class PasswordSignInForm(forms.Form):
    identifier = forms.CharField(
        label=_("Account name, mobile number or e-mail address"), max_length=100
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput, max_length=128
    )


class ClaimForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40)
    query_code = forms.CharField(label=_("Query code"), max_length=20)


class ProfileForm(forms.Form):
    name = PlainTextField(label=_("Name"), max_length=30, required=False)
    email = forms.CharField(label=_("E-mail address"), max_length=100, required=False)


class PasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"), widget=forms.PasswordInput, max_length=128
    )
    password2 = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput, max_length=128
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


class DeleteForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type 注销 to delete your account"), max_length=10
    )

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != "注销":
            raise forms.ValidationError(_("Type 注销 to confirm."))
        return self.cleaned_data["confirm"]
