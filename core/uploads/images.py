"""Uploaded images without their metadata, and renditions made once.

A photo's EXIF holds where it was taken (GPS) and with what (camera make, model,
serial number); XMP and ICC profiles can hold the same. Wagtail's renditions copy
the original's EXIF and ICC profile (Willow's ``save_as_jpeg`` and
``save_as_png`` pass them on), and Wagtail has no setting to drop them, so the
original itself is stored without them: the orientation is applied first
(``exif_transpose``), colours are converted to sRGB when the file carries its own
profile, and the pixels are written again with nothing else. Every rendition,
and every original served as a document or a case attachment, is then clean.

JPEG pixels are written again with the original's own quantisation tables and
chroma subsampling, so the picture keeps its quality.
"""

from __future__ import annotations

import hashlib
import io
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import connection, transaction
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, JpegImagePlugin
from wagtail.images.models import Filter

from .sniffing import identify

# Our kinds (sniffing.identify) -> Pillow's format names and content types.
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
}
# Used only when the original's quantisation tables cannot be reused.
_JPEG_QUALITY = 92
_WEBP_QUALITY = 90


def _to_srgb(image: PILImage.Image) -> PILImage.Image:
    """The image in sRGB, without its embedded profile (which may name the device
    it came from). Browsers show untagged images as sRGB."""
    profile = image.info.get("icc_profile")
    if image.mode == "CMYK" or profile:
        mode = "RGBA" if "A" in image.getbands() else "RGB"
        if profile:
            try:
                image = ImageCms.profileToProfile(
                    image,
                    ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                    ImageCms.createProfile("sRGB"),
                    outputMode=mode,
                )
            except (ImageCms.PyCMSError, OSError, ValueError):
                image = image.convert(mode)
        else:
            image = image.convert(mode)
    return image


def _jpeg_options(source: PILImage.Image, image: PILImage.Image) -> dict:
    options: dict = {"optimize": True}
    if source.info.get("progressive") or source.info.get("progression"):
        options["progressive"] = True
    if image.mode == source.mode and getattr(source, "quantization", None):
        options["qtables"] = source.quantization
        sampling = JpegImagePlugin.get_sampling(source)
        if sampling != -1:
            options["subsampling"] = sampling
    else:
        options["quality"] = _JPEG_QUALITY
    return options


def _webp_lossless(data: bytes) -> bool:
    # A lossless WebP's image chunk is VP8L (RIFF....WEBP then chunks).
    return b"VP8L" in data[12:4096] and b"VP8 " not in data[12:4096]


def image_without_metadata(file: UploadedFile, *, kind: str) -> SimpleUploadedFile:
    """A copy of ``file`` (an image already checked by ``validate_image_upload``
    to be of ``kind``) with its orientation applied and its EXIF, XMP, ICC
    profile, comments and text chunks left out."""
    file.seek(0)
    data = file.read()
    file.seek(0)
    fmt = PILLOW_FORMATS[kind]
    output = io.BytesIO()
    with PILImage.open(io.BytesIO(data), formats=[fmt]) as source:
        animated = getattr(source, "n_frames", 1) > 1
        if animated:
            # Frames are written again as they are (animations carry no camera
            # data worth the risk of re-timing them; their metadata goes).
            options: dict = {"save_all": True}
            for key in ("loop", "duration", "disposal", "blend", "background"):
                if key in source.info:
                    options[key] = source.info[key]
            if fmt == "WEBP":
                options["lossless"] = _webp_lossless(data)
                options.setdefault("quality", _WEBP_QUALITY)
            source.save(output, fmt, **_no_metadata(options))
        else:
            source.load()
            image = ImageOps.exif_transpose(source)
            image = _to_srgb(image)
            options = {}
            if fmt == "JPEG":
                options = _jpeg_options(source, image)
            elif fmt == "PNG":
                if "transparency" in source.info and image.mode == source.mode:
                    options["transparency"] = source.info["transparency"]
            elif fmt == "GIF":
                if "transparency" in source.info and image.mode == source.mode:
                    options["transparency"] = source.info["transparency"]
            elif fmt == "WEBP":
                if _webp_lossless(data):
                    options["lossless"] = True
                else:
                    options["quality"] = _WEBP_QUALITY
            image.info = {}
            image.save(output, fmt, **_no_metadata(options))
    return SimpleUploadedFile(
        file.name, output.getvalue(), content_type=CONTENT_TYPES[kind]
    )


def _no_metadata(options: dict) -> dict:
    # Pillow writes these from the image's info unless told otherwise.
    return {**options, "exif": b"", "icc_profile": None, "comment": b"", "xmp": b""}


# -- renditions: made once, a bounded number at a time -----------------------------

DEFAULT_RENDITION_CONCURRENCY = 2
_slots_lock = threading.Lock()
_slots: threading.BoundedSemaphore | None = None


def _rendition_slots() -> threading.BoundedSemaphore:
    global _slots  # one semaphore per worker process
    with _slots_lock:
        if _slots is None:
            _slots = threading.BoundedSemaphore(
                getattr(
                    settings,
                    "WAGTAILIMAGES_RENDITION_CONCURRENCY",
                    DEFAULT_RENDITION_CONCURRENCY,
                )
            )
        return _slots


@contextmanager
def _rendition_lock(image_id: int, spec: str):
    """One request makes a given rendition; the others wait for it and then find
    it in Wagtail's table (a PostgreSQL advisory lock, held until commit)."""
    digest = hashlib.blake2b(
        f"rendition:{image_id}:{spec}".encode(), digest_size=8
    ).digest()
    key = int.from_bytes(digest, "big", signed=True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
        yield


def rendition_get(image, spec: str):
    """``image``'s rendition for the filter ``spec``: Wagtail's stored one when it
    exists; otherwise made once (concurrent requests for the same one wait for
    it), with at most ``WAGTAILIMAGES_RENDITION_CONCURRENCY`` renditions being
    made at a time in this process, so that their memory fits a worker."""
    image_filter = Filter(spec=spec)
    with _rendition_lock(image.pk, spec):
        try:
            return image.find_existing_rendition(image_filter)
        except image.renditions.model.DoesNotExist:
            pass
        with _rendition_slots():
            return image.create_rendition(image_filter)


# -- images stored before their metadata was dropped ------------------------------

_METADATA_KEYS = {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"}


def image_carries_metadata(data: bytes, *, kind: str) -> bool:
    """Whether the image ``data`` holds EXIF, XMP, an ICC profile, a comment or
    (PNG) text chunks."""
    with PILImage.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
        if _METADATA_KEYS & set(image.info) or image.getexif():
            return True
        return bool(getattr(image, "text", None))


@transaction.atomic
def stored_image_strip(*, instance) -> bool:
    """Write the image file of ``instance`` (a Wagtail image, or a document that
    is an image) again without its metadata, under a new name, and forget its
    renditions, which Wagtail makes again from the clean file. Returns whether
    anything had to change. The old file is deleted once the change commits."""
    with instance.file.open("rb") as stored:
        data = stored.read()
    found = identify(data[:8192])
    if found is None or found.key not in PILLOW_FORMATS:
        return False
    if not image_carries_metadata(data, kind=found.key):
        return False
    old_name = instance.file.name
    storage = instance.file.storage
    clean = image_without_metadata(
        SimpleUploadedFile(old_name.rsplit("/", 1)[-1], data), kind=found.key
    )
    instance.file.save(clean.name, clean, save=False)
    instance.file_size = clean.size
    instance._set_file_hash()
    renditions = getattr(instance, "renditions", None)
    if renditions is not None:
        clean.seek(0)
        with PILImage.open(clean) as image:
            size = image.size
        if size != (instance.width, instance.height):
            # Turned upright: the focal point was measured on the sideways image.
            instance.focal_point_x = instance.focal_point_y = None
            instance.focal_point_width = instance.focal_point_height = None
        instance.width, instance.height = size
        renditions.all().delete()  # their files go with them (Wagtail)
    instance.save()
    transaction.on_commit(lambda: storage.delete(old_name))
    return True
