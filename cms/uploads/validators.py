"""Checks on an uploaded image or document before Wagtail stores it.

Each refusal names the file and says what was expected. The cheap checks come
first: extension, size, then the first bytes, and only then the whole file (ZIP
directory, text decoding, a full decode of an image with Pillow).
"""

from __future__ import annotations

import io
import os

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage

from .sniffing import (
    DOCUMENT_TYPES,
    IMAGE_TYPES,
    KINDS,
    Expected,
    identify,
    read_head,
    text_problem,
    zip_has_member,
)

# Pillow opens only the format the extension promised: none of its other
# plugins (EPS, which runs Ghostscript, among them) ever sees an upload.
_PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}


def _extension(name: str) -> str:
    return os.path.splitext(name)[1][1:].lower()


def _check_extension(name: str, allowed, types: dict[str, Expected]) -> Expected:
    extension = _extension(name)
    if extension not in allowed or extension not in types:
        # Fail closed: an extension we have no content check for is refused too.
        raise ValidationError(
            _(
                "“%(name)s” cannot be uploaded here: accepted file types are "
                "%(extensions)s."
            ),
            code="file_type_not_allowed",
            params={
                "name": name,
                "extensions": ", ".join(e.upper() for e in allowed if e in types),
            },
        )
    return types[extension]


def _check_size(file: UploadedFile, name: str, max_bytes: int | None) -> None:
    if max_bytes is not None and file.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s); the limit is %(max_size)s."),
            code="file_too_large",
            params={
                "name": name,
                "size": filesizeformat(file.size),
                "max_size": filesizeformat(max_bytes),
            },
        )


def _mismatch(name: str, expected: Expected, found) -> ValidationError:
    if found is None:
        return ValidationError(
            _(
                "“%(name)s” is not %(expected)s: its contents were not recognised. "
                "Upload the real file."
            ),
            code="file_not_recognised",
            params={"name": name, "expected": expected.description},
        )
    return ValidationError(
        _(
            "“%(name)s” is not %(expected)s: its contents are %(found)s. "
            "Upload the real file."
        ),
        code="file_content_mismatch",
        params={
            "name": name,
            "expected": expected.description,
            "found": found.description,
        },
    )


def validate_document_upload(
    file: UploadedFile, *, allowed_extensions, max_bytes: int | None
) -> None:
    """Refuse ``file`` unless its extension is allowed, its size within the limit
    and its contents of the kind its extension promises."""
    name = file.name
    expected = _check_extension(name, allowed_extensions, DOCUMENT_TYPES)
    _check_size(file, name, max_bytes)
    found = identify(read_head(file))
    if expected.text:
        if found is not None:
            raise _mismatch(name, expected, found)
        problem = text_problem(file)
        if problem == "binary":
            raise _mismatch(name, expected, KINDS["binary"])
        if problem == "encoding":
            raise ValidationError(
                _(
                    "“%(name)s” is not in UTF-8 or GB18030 encoding. Save it as "
                    "UTF-8 and upload it again."
                ),
                code="file_encoding",
                params={"name": name},
            )
        return
    if found is None or found.key not in expected.kinds:
        raise _mismatch(name, expected, found)
    if expected.zip_member and not zip_has_member(file, expected.zip_member):
        raise _mismatch(name, expected, found)


def validate_image_upload(
    file: UploadedFile, *, allowed_extensions, max_bytes: int | None, max_pixels
) -> None:
    """Refuse ``file`` unless it is an image of the kind its extension promises,
    within the size and pixel limits, that Pillow decodes without error."""
    name = file.name
    expected = _check_extension(name, allowed_extensions, IMAGE_TYPES)
    _check_size(file, name, max_bytes)
    found = identify(read_head(file))
    if found is None or found.key not in expected.kinds:
        raise _mismatch(name, expected, found)

    file.seek(0)
    data = io.BytesIO(file.read())
    file.seek(0)
    formats = [_PILLOW_FORMATS[found.key]]
    damaged = ValidationError(
        _(
            "“%(name)s” is damaged or incomplete: it could not be read as "
            "%(expected)s. Save it again and upload it."
        ),
        code="file_damaged",
        params={"name": name, "expected": expected.description},
    )
    try:
        # Reads the header only: the size is known before any pixel is decoded.
        with PILImage.open(data, formats=formats) as image:
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        # Pillow refuses (or, where warnings are errors, warns about) images far
        # beyond our limit before reading their size out to us.
        raise ValidationError(
            _(
                "“%(name)s” has far too many pixels to open safely; images may "
                "have at most %(max_pixels)s pixels. Reduce its size and upload "
                "it again."
            ),
            code="file_too_many_pixels",
            params={
                "name": name,
                "max_pixels": f"{max_pixels or PILImage.MAX_IMAGE_PIXELS:,}",
            },
        ) from None
    except Exception as error:  # Pillow raises many types for malformed data.
        raise damaged from error

    pixels = width * height * frames
    if max_pixels is not None and pixels > max_pixels:
        raise ValidationError(
            _(
                "“%(name)s” has too many pixels (%(pixels)s); images may have at "
                "most %(max_pixels)s pixels. Reduce its size and upload it again."
            ),
            code="file_too_many_pixels",
            params={
                "name": name,
                "pixels": f"{pixels:,}",
                "max_pixels": f"{max_pixels:,}",
            },
        )

    try:
        data.seek(0)
        with PILImage.open(data, formats=formats) as image:
            image.verify()  # checksums and structure, where the format has them
        data.seek(0)
        with PILImage.open(data, formats=formats) as image:
            if image.format == "JPEG":
                # Decode every block, at an eighth of the size.
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()  # the pixel data itself (the first frame)
    except Exception as error:  # Pillow raises many types for malformed data.
        raise damaged from error
