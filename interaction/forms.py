"""Forms of the public pages and the admin. ``CaseFieldsForm`` is the one validation
of a case's fields, used by the public form and the API alike."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.uploads.validators import image_upload_clean, validate_document_upload

from . import models as m
from .captcha import CaptchaField
from .text import plain_text

_PHONE = re.compile(r"^\+?[0-9][0-9\- ]{5,18}[0-9]$")
_ID_NUMBER = re.compile(r"^(\d{15}|\d{17}[\dXx])$")
ATTACHMENT_EXTENSIONS = ("jpg", "jpeg", "png", "pdf")
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class PlainTextField(forms.CharField):
    """Sanitised to plain text before the length limit is checked."""

    def to_python(self, value):
        return plain_text(super().to_python(value))


class CaseFieldsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=m.CaseKind.choices)
    title = PlainTextField(label=_("Title"), max_length=m.TITLE_MAX)
    content = PlainTextField(
        label=_("Content"), max_length=m.CONTENT_MAX, widget=forms.Textarea
    )
    category = PlainTextField(
        label=_("Category"), max_length=m.CATEGORY_MAX, required=False
    )
    name = PlainTextField(
        label=pgettext_lazy("a person's name", "Name"),
        max_length=m.NAME_MAX,
        required=False,
    )
    phone = forms.CharField(label=_("Phone"), max_length=m.PHONE_MAX, required=False)
    email = forms.EmailField(label=_("Email"), max_length=m.EMAIL_MAX, required=False)
    id_number = forms.CharField(
        label=_("ID number"), max_length=m.ID_NUMBER_MAX, required=False
    )
    allow_public = forms.BooleanField(
        label=_("The case and its reply may be published (personal data masked)"),
        required=False,
    )
    about_own_staff = forms.BooleanField(
        label=_("This report concerns this site's own staff (sent to the level above)"),
        required=False,
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not _PHONE.match(phone):
            raise ValidationError(_("Enter a phone number of digits only."))
        return phone

    def clean_id_number(self):
        number = self.cleaned_data["id_number"].strip()
        if number and not _ID_NUMBER.match(number):
            raise ValidationError(_("An ID number has 18 characters (or 15 digits)."))
        return number.upper()

    def clean(self):
        data = super().clean()
        if data.get("about_own_staff") and data.get("kind") != m.CaseKind.REPORT:
            self.add_error(
                "about_own_staff",
                _("Only a report can be sent to the level above."),
            )
        if data.get("title") == "" and "title" not in self.errors:
            self.add_error("title", _("The title is empty once markup is removed."))
        if data.get("content") == "" and "content" not in self.errors:
            self.add_error("content", _("The content is empty once markup is removed."))
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("At most %(count)s attachments."), params={"count": MAX_ATTACHMENTS}
            )
        checked = []
        for file in files:
            extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
            if extension in ("jpg", "jpeg", "png"):
                # Stored without its metadata (where and with what it was taken).
                file = image_upload_clean(
                    file,
                    allowed_extensions=ATTACHMENT_EXTENSIONS,
                    max_bytes=MAX_ATTACHMENT_BYTES,
                    max_pixels=settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS,
                )
            else:
                validate_document_upload(
                    file,
                    allowed_extensions=("pdf",),
                    max_bytes=MAX_ATTACHMENT_BYTES,
                )
            checked.append(file)
        return checked


IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9\-]{16,64}")


def _captcha_for(data) -> CaptchaField:
    """The captcha, bound to the submission's idempotency key: the same submission
    sent twice (a double click) passes with the same token; another does not."""
    field = CaptchaField()
    key = str(data.get("idempotency_key", "")) if data else ""
    if IDEMPOTENCY_KEY.fullmatch(key):
        field.submission_key = key
    return field


class PublicCaseForm(CaseFieldsForm):
    """The public form: the fields, attachments, an idempotency key and (for
    anonymous submitters) the captcha."""

    attachments = AttachmentsField(
        label=_("Attachments (images or PDF)"), required=False
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, anonymous: bool, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds:
            self.fields["kind"].choices = [
                c for c in m.CaseKind.choices if c[0] in kinds
            ]
        if anonymous:
            self.fields["captcha"] = _captcha_for(self.data)

    def clean_idempotency_key(self):
        key = self.cleaned_data["idempotency_key"]
        if not IDEMPOTENCY_KEY.fullmatch(key):
            raise ValidationError(_("The form has expired; submit it again."))
        return key


class LookupForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=32)
    query_code = forms.CharField(label=_("Query code"), max_length=32)


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("Your rating"), choices=m.Rating.choices, widget=forms.RadioSelect
    )
    comment = PlainTextField(
        label=_("Comment"),
        max_length=m.RATING_COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    token = forms.CharField(widget=forms.HiddenInput)


class CommentForm(forms.Form):
    name = PlainTextField(
        label=pgettext_lazy("a person's name", "Name"),
        max_length=m.NAME_MAX,
        required=False,
    )
    contact = PlainTextField(
        label=_("Phone or email"), max_length=m.EMAIL_MAX, required=False
    )
    text = PlainTextField(
        label=_("Your comment"), max_length=m.COMMENT_MAX, widget=forms.Textarea
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, requires_identity: bool, anonymous: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if requires_identity:
            self.fields["name"].required = True
            self.fields["contact"].required = True
        if anonymous:
            self.fields["captcha"] = _captcha_for(self.data)

    clean_idempotency_key = PublicCaseForm.clean_idempotency_key

    def clean(self):
        data = super().clean()
        if data.get("text") == "" and "text" not in self.errors:
            self.add_error("text", _("The comment is empty once markup is removed."))
        return data


# Admin forms


class ReasonForm(forms.Form):
    message = PlainTextField(
        label=_("Reason"), max_length=m.REASON_MAX, widget=forms.Textarea
    )


class NoteForm(forms.Form):
    message = PlainTextField(
        label=_("Internal note"), max_length=m.REASON_MAX, widget=forms.Textarea
    )


class ReplyForm(forms.Form):
    message = PlainTextField(
        label=_("Reply"), max_length=m.REPLY_MAX, widget=forms.Textarea
    )


class TransferForm(forms.Form):
    to_site = forms.ModelChoiceField(label=_("Transfer to"), queryset=None)
    message = PlainTextField(
        label=_("Reason"), max_length=m.REASON_MAX, widget=forms.Textarea
    )

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_site"].queryset = targets


class AdoptionForm(forms.Form):
    adoption = forms.ChoiceField(label=_("Adoption"), choices=m.Adoption.choices)
    reason = PlainTextField(
        label=_("Reason"),
        max_length=m.REASON_MAX,
        required=False,
        widget=forms.Textarea,
    )

    def clean(self):
        data = super().clean()
        if data.get("adoption") in (m.Adoption.PARTLY, m.Adoption.NOT_ADOPTED) and not (
            data.get("reason")
        ):
            self.add_error(
                "reason", _("Give the reason when a comment is not adopted.")
            )
        return data


class CommentReplyForm(forms.Form):
    reply = PlainTextField(
        label=_("Official reply"),
        max_length=m.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Shown under the comment on the consultation page; the author, if "
            "signed in when commenting, is notified."
        ),
    )


class ApiClientForm(forms.Form):
    name = PlainTextField(label=_("Name"), max_length=100)


class InteractionSettingsForm(forms.ModelForm):
    class Meta:
        model = m.InteractionSettings
        fields = ["reply_working_days", "warn_working_days", "retention_days"]

    def clean(self):
        data = super().clean()
        if (data.get("reply_working_days") or 0) < 1:
            self.add_error("reply_working_days", _("At least one working day."))
        if (data.get("retention_days") or 0) < 30:
            self.add_error("retention_days", _("Keep personal data at least 30 days."))
        return data
