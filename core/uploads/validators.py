"""Checks on an uploaded image or document before Wagtail stores it.

Each refusal names the file and says what was expected. The cheap checks come
first: extension, size, then the first bytes, and only then the whole file (ZIP
directory, text decoding, a full decode of an image with Pillow).
"""

from __future__ import annotations

import io
import os
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage

from .images import image_without_metadata
from .sniffing import (
    DOCUMENT_TYPES,
    IMAGE_TYPES,
    KINDS,
    Expected,
    identify,
    pdf_scan,
    read_head,
    text_problem,
    zip_has_member,
    zip_measure,
)

# Containers (OOXML, OFD, ZIP) are measured before they are stored: a few
# kilobytes can unpack to gigabytes in whatever opens them later.
DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ARCHIVE_MEMBERS = 10_000

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
    if found.key == "pdf":
        _check_pdf(file, name, expected)
    elif found.key == "zip":
        _check_container(file, name, expected)


def _check_pdf(file: UploadedFile, name: str, expected: Expected) -> None:
    findings = pdf_scan(file)
    if findings.markup or not findings.eof:
        # HTML (or anything else) behind a %PDF header: not what it says it is.
        raise ValidationError(
            _(
                "“%(name)s” is not %(expected)s: it starts like one but its "
                "contents are not PDF. Upload the real file."
            ),
            code="file_content_mismatch",
            params={"name": name, "expected": expected.description},
        )
    if findings.active:
        raise ValidationError(
            _(
                "“%(name)s” contains scripts or actions that start programs "
                "(%(action)s), which are not allowed in published documents. Save "
                "it again without them (for example, print it to a new PDF) and "
                "upload it."
            ),
            code="pdf_active_content",
            params={"name": name, "action": "/" + findings.active.decode("latin-1")},
        )
    if findings.unreadable_object_stream:
        raise ValidationError(
            _(
                "“%(name)s” could not be checked: parts of it are encrypted or "
                "packed in a way we cannot read. Save it without password "
                "protection and upload it again."
            ),
            code="pdf_not_checkable",
            params={"name": name},
        )


def _check_container(file: UploadedFile, name: str, expected: Expected) -> None:
    max_unpacked = getattr(
        settings, "UPLOAD_MAX_UNPACKED_SIZE", DEFAULT_MAX_UNPACKED_BYTES
    )
    max_members = getattr(
        settings, "UPLOAD_MAX_ARCHIVE_MEMBERS", DEFAULT_MAX_ARCHIVE_MEMBERS
    )
    findings = zip_measure(file, max_members=max_members, max_unpacked=max_unpacked)
    if not findings.readable:
        raise ValidationError(
            _(
                "“%(name)s” is damaged, encrypted or packed in a way we cannot "
                "read, so it could not be checked as %(expected)s. Save it again "
                "and upload it."
            ),
            code="file_damaged",
            params={"name": name, "expected": expected.description},
        )
    if findings.too_many:
        raise ValidationError(
            _(
                "“%(name)s” holds too many files (%(members)s); at most "
                "%(max_members)s are allowed."
            ),
            code="archive_too_many_members",
            params={
                "name": name,
                "members": f"{findings.members:,}",
                "max_members": f"{max_members:,}",
            },
        )
    if findings.too_large:
        raise ValidationError(
            _(
                "“%(name)s” unpacks to more than %(max_size)s, the limit for "
                "compressed files. Split it or remove what is not needed."
            ),
            code="archive_too_large",
            params={"name": name, "max_size": filesizeformat(max_unpacked)},
        )


IMAGE_EXTENSIONS = frozenset(IMAGE_TYPES)


def image_upload_clean(
    file: UploadedFile, *, allowed_extensions, max_bytes: int | None, max_pixels
) -> UploadedFile:
    """``file`` checked by ``validate_image_upload``, as a new file without its
    metadata (``images.image_without_metadata``), ready to be stored."""
    kind = validate_image_upload(
        file,
        allowed_extensions=allowed_extensions,
        max_bytes=max_bytes,
        max_pixels=max_pixels,
    )
    try:
        return image_without_metadata(file, kind=kind)
    except Exception as error:  # Pillow raises many types for malformed data.
        raise ValidationError(
            _(
                "“%(name)s” is damaged or incomplete: it could not be read as "
                "%(expected)s. Save it again and upload it."
            ),
            code="file_damaged",
            params={"name": file.name, "expected": IMAGE_TYPES[kind].description},
        ) from error


def validate_image_upload(
    file: UploadedFile, *, allowed_extensions, max_bytes: int | None, max_pixels
) -> str:
    """Refuse ``file`` unless it is an image of the kind its extension promises,
    within the size and pixel limits, that Pillow decodes without error. Returns
    its kind ("jpeg", "png", "gif", "webp")."""
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
        # Pillow's own limit is ours (settings); it warns above it, and we say
        # so below with the count.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
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
    return found.key
