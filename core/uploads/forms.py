"""Wagtail's image and document forms with our upload checks in front.

Set as ``WAGTAILIMAGES_IMAGE_FORM_BASE`` and ``WAGTAILDOCS_DOCUMENT_FORM_BASE``, so
every path that takes a file uses them: the add and edit views, the chooser's
upload tab and the multiple uploader (whose per-file form is built from the same
base; its follow-up edit form has no file field).

Wagtail's own file fields already check an image's extension against its format,
its size and its declared pixel count, and a document's size; they run after ours
as a second line. What they lack, added here: messages that name the file, a
document's contents (Wagtail checks only its extension), a full decode of an
image (Wagtail reads only its header), and refusing the file itself when it is
headed for a collection the user may not add to (or the multiple uploader would
keep it as an ``UploadedFile``).
"""

import os

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.documents.fields import WagtailDocumentField
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from sites.forms import OwnCollectionFormMixin

from .validators import (
    IMAGE_EXTENSIONS,
    image_upload_clean,
    validate_document_upload,
)


class ImageUploadField(WagtailImageField):
    def to_python(self, data):
        # Django's own checks first: a file was sent, with a name, not empty.
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        # Checked, then stored without its metadata (location, camera).
        clean = image_upload_clean(
            upload,
            allowed_extensions=self.allowed_image_extensions,
            max_bytes=self.max_upload_size,
            max_pixels=self.max_image_pixels,
        )
        return super().to_python(clean)


class DocumentUploadField(WagtailDocumentField):
    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        allowed = getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or ()
        if _extension(upload.name) in IMAGE_EXTENSIONS & set(allowed):
            # A scan uploaded as a document is an image all the same: the same
            # pixel limit, and no location or camera data in what is served.
            data = image_upload_clean(
                upload,
                allowed_extensions=allowed,
                max_bytes=self.max_upload_size,
                max_pixels=getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", None),
            )
        else:
            validate_document_upload(
                upload, allowed_extensions=allowed, max_bytes=self.max_upload_size
            )
        return super().to_python(data)


def _extension(name: str) -> str:
    return os.path.splitext(name)[1][1:].lower()


class _UploadChecks:
    """Our file field in place of Wagtail's, and no file kept for a collection the
    user may not add to."""

    file_field_class: type[forms.FileField]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's form factory offers no hook for the file field's class.
        field = self.fields.get("file")
        if field is not None:
            self.fields["file"] = self.file_field_class(
                label=field.label, required=field.required, widget=field.widget
            )

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("file") if "file" in self.changed_data else None
        if upload is not None and self.has_error("collection"):
            # Wagtail's multiple uploader parks a file whose only fault is in
            # another field (here a collection the user may not add to, which
            # only a forged or stale request sends) as an UploadedFile. Refuse
            # the file too, so that nothing is stored.
            self.add_error(
                "file",
                ValidationError(
                    _(
                        "“%(name)s” was not uploaded: choose a collection you may "
                        "add to."
                    ),
                    code="collection_not_permitted",
                    params={"name": upload.name},
                ),
            )
        elif upload is not None and any(field != "file" for field in self.errors):
            # Any other field's fault (a title over 255 characters, taken from
            # the file's name) would park the file as it came: unchecked, with
            # its metadata. Refuse it as well.
            self.add_error(
                "file",
                ValidationError(
                    _("“%(name)s” was not uploaded: correct the other fields first."),
                    code="other_fields_invalid",
                    params={"name": upload.name},
                ),
            )
        return cleaned_data


class ImageForm(OwnCollectionFormMixin, _UploadChecks, BaseImageForm):
    file_field_class = ImageUploadField


class DocumentForm(OwnCollectionFormMixin, _UploadChecks, BaseDocumentForm):
    file_field_class = DocumentUploadField

    def _post_clean(self):
        refused = self._errors.get("file")
        refused = refused.copy() if refused else None
        super()._post_clean()
        if refused:
            # Document.clean() re-checks the extension of the instance's file,
            # which after a refused upload is no file at all: its "File
            # extension “” is not allowed" would only confuse. Keep our reason.
            self._errors["file"] = refused
