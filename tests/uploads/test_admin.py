"""Uploads through the real admin: the add views and the multiple uploader, for
images and documents, as an editor of one site."""

import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import UploadedFile
from wagtail.users.models import UserProfile

from tests.conftest import admin_client_for
from tests.uploads import files

pytestmark = pytest.mark.django_db

MODELS = {"wagtailimages": Image, "wagtaildocs": Document}


@pytest.fixture
def client(editor):
    # The admin speaks each user's language; these assertions read English.
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    return admin_client_for(editor)


def add(client, app, name, content, **data):
    return client.post(
        reverse(f"{app}:add"),
        {"title": name, "file": files.upload(name, content), **data},
    )


def add_multiple(client, app, name, content, **data):
    return client.post(
        reverse(f"{app}:add_multiple"),
        {"files[]": files.upload(name, content), **data},
    )


def nothing_stored(media_root):
    return (
        not Image.objects.exists()
        and not Document.objects.exists()
        and not UploadedFile.objects.exists()
        and files.stored_files(media_root) == []
    )


ACCEPTED = [
    ("wagtailimages", "photo.png", files.image_bytes("PNG")),
    ("wagtailimages", "photo.jpg", files.image_bytes("JPEG")),
    ("wagtaildocs", "notice.pdf", files.PDF),
    ("wagtaildocs", "notice.docx", files.docx()),
    ("wagtaildocs", "table.xlsx", files.xlsx()),
    ("wagtaildocs", "notice.txt", files.GB18030_TEXT),
]

REFUSED = [
    (
        "wagtailimages",
        "bomb.png",
        files.png_declaring(20000, 20000),
        "“bomb.png” has far too many pixels to open safely",
    ),
    (
        "wagtailimages",
        "logo.svg",
        files.SVG,
        "“logo.svg” cannot be uploaded here: accepted file types are",
    ),
    (
        "wagtailimages",
        "page.html",
        files.HTML,
        "“page.html” cannot be uploaded here: accepted file types are",
    ),
    (
        "wagtailimages",
        "photo.jpg",
        files.EXE,
        "“photo.jpg” is not a JPEG image: its contents are a Windows program.",
    ),
    (
        "wagtaildocs",
        "report.pdf",
        files.EXE,
        "“report.pdf” is not a PDF file: its contents are a Windows program.",
    ),
    (
        "wagtaildocs",
        "report.docx",
        files.EXE,
        "“report.docx” is not a Word document: its contents are a Windows program.",
    ),
    (
        "wagtaildocs",
        "notes.txt",
        files.HTML,
        "“notes.txt” is not a plain text file: its contents are a web page (HTML).",
    ),
    (
        "wagtaildocs",
        "page.html",
        files.HTML,
        "“page.html” cannot be uploaded here: accepted file types are",
    ),
]


@pytest.mark.parametrize(("app", "name", "content"), ACCEPTED)
def test_add_view_stores_an_accepted_upload_in_the_editors_site(
    client, site, media_root, app, name, content
):
    response = add(client, app, name, content)

    assert response.status_code == 302, response.context["form"].errors
    stored = MODELS[app].objects.get()
    assert stored.collection == site.collection
    if app == "wagtaildocs":
        assert (media_root / stored.file.name).read_bytes() == content
    else:
        # Images are written again without their metadata: the same picture.
        with PILImage.open(media_root / stored.file.name) as kept:
            with PILImage.open(io.BytesIO(content)) as sent:
                assert (kept.format, kept.size) == (sent.format, sent.size)


@pytest.mark.parametrize(("app", "name", "content"), ACCEPTED)
def test_multiple_uploader_stores_an_accepted_upload_in_the_editors_site(
    client, site, app, name, content
):
    response = add_multiple(client, app, name, content)

    assert response.json()["success"] is True
    assert MODELS[app].objects.get().collection == site.collection
    assert not UploadedFile.objects.exists()


@pytest.mark.parametrize(("app", "name", "content", "message"), REFUSED)
def test_add_view_refuses_with_the_reason_and_stores_nothing(
    client, media_root, app, name, content, message
):
    response = add(client, app, name, content)

    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith(message)
    assert escape(message) in response.content.decode()
    assert nothing_stored(media_root)


@pytest.mark.parametrize(("app", "name", "content", "message"), REFUSED)
def test_multiple_uploader_refuses_with_the_reason_and_stores_nothing(
    client, media_root, app, name, content, message
):
    response = add_multiple(client, app, name, content)

    body = response.json()
    assert body["success"] is False
    assert body["error_message"].startswith(message)
    assert nothing_stored(media_root)


@pytest.mark.parametrize("app", MODELS)
def test_an_editor_with_one_collection_uploads_only_into_it(
    client, site, other_site, app
):
    # The collection field is not even shown; a posted id is ignored.
    content = files.image_bytes() if app == "wagtailimages" else files.PDF
    name = "photo.png" if app == "wagtailimages" else "notice.pdf"

    add(client, app, name, content, collection=other_site.collection.pk)
    add_multiple(client, app, name, content, collection=other_site.collection.pk)

    assert {o.collection for o in MODELS[app].objects.all()} == {site.collection}


@pytest.mark.parametrize("app", MODELS)
def test_an_editor_cannot_upload_into_another_sites_collection(
    client, site, other_site, media_root, app
):
    # With a sub-collection the editor chooses a collection: only their own.
    site.collection.add_child(name="专题图片")
    content = files.image_bytes() if app == "wagtailimages" else files.PDF
    name = "photo.png" if app == "wagtailimages" else "notice.pdf"

    response = add(client, app, name, content, collection=other_site.collection.pk)
    assert response.status_code == 200
    assert "collection" in response.context["form"].errors

    response = add_multiple(
        client, app, name, content, collection=other_site.collection.pk
    )
    assert response.json()["success"] is False
    assert response.json()["error_message"] == (
        f"“{name}” was not uploaded: choose a collection you may add to."
    )

    assert nothing_stored(media_root)


def test_replacing_an_images_file_is_checked_too(client, site, media_root):
    add(client, "wagtailimages", "photo.png", files.image_bytes())
    image = Image.objects.get()
    original = image.file.name

    response = client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": image.title, "file": files.upload("photo.png", files.EXE)},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "“photo.png” is not a PNG image: its contents are a Windows program. "
        "Upload the real file."
    ]
    image.refresh_from_db()
    assert image.file.name == original
    originals = [f for f in files.stored_files(media_root) if "original_images" in f]
    assert originals == [original]


def test_multiple_uploader_parks_no_unchecked_file_for_a_bad_title(client, media_root):
    # A title over 255 characters is invalid, and Wagtail would keep the file
    # as it came for a later form.
    response = add_multiple(
        client,
        "wagtailimages",
        "photo.jpg",
        files.photo_with_metadata("JPEG"),
        title="照片" * 130,
    )

    assert response.json()["success"] is False
    assert (
        "was not uploaded: correct the other fields first"
        in (response.json()["error_message"])
    )
    assert nothing_stored(media_root)


@pytest.mark.parametrize(
    ("app", "name", "content"),
    [
        ("wagtailimages", "photo.png", files.image_bytes("PNG")),
        ("wagtaildocs", "notice.pdf", files.PDF),
    ],
)
def test_nothing_is_uploaded_into_an_archived_sites_collection(
    client, site, media_root, app, name, content
):
    from sites.models import SiteStatus

    site.status = SiteStatus.ARCHIVED
    site.save()

    response = add(client, app, name, content, collection=site.collection_id)
    assert response.status_code == 200
    assert "This site is archived and read-only." in response.content.decode()
    multiple = add_multiple(client, app, name, content)
    assert multiple.json()["success"] is False
    assert nothing_stored(media_root)
