"""No location or camera data leaves the platform: images are stored without
EXIF, XMP or ICC profiles (orientation applied first), so their renditions, the
images served as documents and case attachments carry none."""

import io

import pytest
from PIL import Image as PILImage

from interaction.forms import AttachmentsField
from tests.uploads import files
from tests.uploads.test_views import fetch, upload_document, upload_image

pytestmark = pytest.mark.django_db


def test_the_pentest_photo_carries_its_metadata():
    # The premise of the tests below: the upload really holds all of it.
    found = files.metadata_found(files.photo_with_metadata("JPEG"))

    assert "GPS" in found and "icc_profile" in found and files.CAMERA_MAKE in found


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("photo.jpg", "JPEG"), ("photo.png", "PNG"), ("photo.webp", "WEBP")],
)
def test_renditions_carry_no_location_or_camera_data(
    editor, platform_client, name, fmt
):
    image = upload_image(editor, name, files.photo_with_metadata(fmt))

    # Stored upright: the sideways 40 x 20 photo is 20 x 40.
    assert (image.width, image.height) == (20, 40)
    with image.file.open("rb") as stored:
        assert files.metadata_found(stored.read()) == []
    for spec in ("original", "width-10", "fill-8x8"):
        rendition = image.get_rendition(spec)
        response, body = fetch(platform_client, rendition.url)
        assert response.status_code == 200
        assert files.metadata_found(body) == [], spec


def test_the_orientation_is_applied_before_the_metadata_goes(editor):
    image = upload_image(editor, "photo.png", files.photo_with_metadata("PNG"))

    with image.file.open("rb") as stored, PILImage.open(stored) as upright:
        # The bright half was on the left; turned upright (orientation 6 is a
        # quarter turn clockwise), it is at the top.
        assert upright.getpixel((10, 5))[0] > 240
        assert upright.getpixel((10, 35)) == (255, 0, 0)


def test_jpeg_keeps_its_quality(editor):
    original = files.photo_with_metadata("JPEG", size=(400, 300))
    image = upload_image(editor, "photo.jpg", original)

    with image.file.open("rb") as stored, PILImage.open(stored) as clean:
        with PILImage.open(io.BytesIO(original)) as source:
            assert clean.quantization == source.quantization


def test_an_image_uploaded_as_a_document_is_served_without_metadata(
    editor, platform_admin
):
    from tests.conftest import admin_client_for

    document = upload_document(editor, "scan.jpg", files.photo_with_metadata())

    response, body = fetch(admin_client_for(platform_admin), document.url)

    assert response.status_code == 200
    assert files.metadata_found(body) == []


def test_an_image_document_over_the_pixel_limit_is_refused(editor):
    from tests.uploads.test_forms import document_form, file_errors

    [error] = file_errors(
        document_form(editor, "scan.png", files.png_declaring(6000, 6000))
    )

    assert error.startswith("“scan.png” has too many pixels (36,000,000)")


def test_case_attachments_are_kept_without_metadata():
    upload = files.upload("现场.jpg", files.photo_with_metadata())

    [clean] = AttachmentsField(required=False).clean([upload])

    assert clean.name == "现场.jpg"
    assert files.metadata_found(clean.read()) == []


def test_images_stored_before_the_fix_are_stripped_by_the_command(
    editor, site, media_root, platform_client, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from wagtail.images.models import Image

    # Stored as it came, the way uploads were before.
    image = Image(title="旧照片", collection=site.collection)
    image.file.save("old.jpg", ContentFile(files.photo_with_metadata()), save=False)
    image.width, image.height = 40, 20
    image.save()
    old_name = image.file.name
    with image.get_rendition("width-10").file.open("rb") as old_rendition:
        # Wagtail passes the original's EXIF and ICC profile on.
        assert files.metadata_found(old_rendition.read()) != []

    with django_capture_on_commit_callbacks(execute=True):
        call_command("strip_image_metadata", stdout=io.StringIO())

    image.refresh_from_db()
    assert image.file.name != old_name
    assert not (media_root / old_name).exists()
    assert (image.width, image.height) == (20, 40)
    with image.file.open("rb") as stored:
        assert files.metadata_found(stored.read()) == []
    rendition = image.get_rendition("width-10")
    response, body = fetch(platform_client, rendition.url)
    assert response.status_code == 200
    assert files.metadata_found(body) == []
