"""The public subscription forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models.choices import SubjectCategory
from interaction.captcha import CaptchaField

from .models import EMAIL_MAX, KEYWORD_MAX, DocumentKind, Frequency, SubscriptionKind


class SubscribeForm(forms.Form):
    """What to follow and how often; an address and the check question for
    visitors who are not signed in. Columns are offered by the view (this site's)."""

    kind = forms.ChoiceField(
        label=_("Subscribe to"),
        choices=SubscriptionKind.choices,
        widget=forms.RadioSelect,
    )
    column = forms.TypedChoiceField(label=_("Column"), required=False, coerce=str)
    subject = forms.ChoiceField(
        label=_("Subject category"),
        required=False,
        choices=[("", "—"), *SubjectCategory.choices],
    )
    document_kind = forms.ChoiceField(
        label=_("Document kind"),
        required=False,
        choices=[("", "—"), *DocumentKind.choices],
    )
    # The length is checked by the service with a clear message; the form field
    # only stops absurd input from reaching it.
    keyword = forms.CharField(
        label=_("Keyword"),
        required=False,
        max_length=KEYWORD_MAX,
        error_messages={
            "max_length": _("A keyword has at most %(limit_value)s characters.")
        },
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        initial=Frequency.INSTANT,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(label=_("E-mail address"), max_length=EMAIL_MAX)

    def __init__(self, *args, columns=(), signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].choices = [("", "—")] + [
            (str(c.pk), c.title) for c in columns
        ]
        if signed_in:
            del self.fields["email"]
        else:
            self.fields["captcha"] = CaptchaField()

    def target_key(self) -> str:
        kind = self.cleaned_data["kind"]
        return {
            SubscriptionKind.COLUMN: self.cleaned_data.get("column", ""),
            SubscriptionKind.SUBJECT: self.cleaned_data.get("subject", ""),
            SubscriptionKind.DOCUMENT_KIND: self.cleaned_data.get("document_kind", ""),
            SubscriptionKind.KEYWORD: self.cleaned_data.get("keyword", ""),
        }.get(kind, "")


class ManageLinkForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=EMAIL_MAX)
    captcha = CaptchaField()


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(choices=Frequency.choices)
