"""Media serving: image renditions (re-encoded by Wagtail) are served from
/media/images/; original uploads and everything else under MEDIA_ROOT are not.
Documents go through Wagtail's serve view with download headers."""

import pytest
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.documents.forms import get_document_form
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form

from core.uploads.views import RENDITION_MAX_AGE
from tests.uploads import files

pytestmark = pytest.mark.django_db


def upload_image(editor, name, content):
    form = get_image_form(get_image_model())(
        {"title": name}, {"file": files.upload(name, content)}, user=editor
    )
    assert form.is_valid(), form.errors
    return form.save()


def upload_document(editor, name, content):
    form = get_document_form(get_document_model())(
        {"title": name}, {"file": files.upload(name, content)}, user=editor
    )
    assert form.is_valid(), form.errors
    return form.save()


def fetch(client, url, **extra):
    """Status, headers and the whole body; the file is closed afterwards."""
    response = client.get(url, **extra)
    if response.streaming:
        # Read to the end, the test client closes the file (a second close()
        # would fire request_finished and close the test's database connection).
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return response, body


def test_a_rendition_is_served_with_long_cache_headers(editor, platform_client):
    image = upload_image(editor, "photo.png", files.image_bytes("PNG", (40, 30)))
    rendition = image.get_rendition("fill-20x20")

    assert rendition.url.startswith("/media/images/")
    response, body = fetch(platform_client, rendition.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", f"max-age={RENDITION_MAX_AGE}"}
    with rendition.file.open("rb") as stored:
        assert body == stored.read()


def test_a_rendition_is_served_on_a_sites_own_host(editor, site_client):
    image = upload_image(editor, "photo.jpg", files.image_bytes("JPEG"))
    rendition = image.get_rendition("max-8x8")

    response, _ = fetch(site_client, rendition.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"


def test_original_uploads_are_never_served(editor, platform_client, media_root):
    image = upload_image(editor, "photo.png", files.image_bytes())
    image.get_rendition("original")
    assert (media_root / image.file.name).exists()
    assert image.file.url.startswith("/media/original_images/")

    for url in (
        image.file.url,
        image.file.url.replace(
            "/media/original_images/", "/media/images/../original_images/"
        ),
        image.file.url.replace(
            "/media/original_images/", "/media/images/%2e%2e/original_images/"
        ),
        "/media/images/",
        "/media/",
    ):
        response, body = fetch(platform_client, url)
        assert response.status_code in (400, 404), url
        assert not body.startswith(b"\x89PNG"), url


def test_documents_are_not_served_from_media(editor, platform_client, media_root):
    document = upload_document(editor, "notice.pdf", files.PDF)
    assert (media_root / document.file.name).exists()

    response, _ = fetch(platform_client, f"/media/{document.file.name}")

    assert response.status_code == 404


def test_renditions_are_read_only(editor, platform_client):
    rendition = upload_image(editor, "photo.png", files.image_bytes()).get_rendition(
        "max-8x8"
    )

    assert platform_client.post(rendition.url).status_code == 405


def test_what_is_served_is_re_encoded_not_the_upload(editor, platform_client):
    # A valid PNG with a web page after its end: Pillow accepts it, and the
    # original keeps the page; the served rendition, re-encoded, does not.
    polyglot = files.image_bytes("PNG", (20, 20)) + files.HTML
    image = upload_image(editor, "photo.png", polyglot)
    rendition = image.get_rendition("original")

    response, body = fetch(platform_client, rendition.url)

    assert response.status_code == 200
    assert body.startswith(b"\x89PNG")
    assert b"<script>" not in body
    # The original itself was written again when it was stored.
    with image.file.open("rb") as original:
        assert b"<script>" not in original.read()


def test_a_pdf_opens_in_the_browser_without_running_anything(editor, site_client):
    document = upload_document(editor, "notice.pdf", files.PDF)

    response, body = fetch(site_client, document.url)

    assert response.status_code == 200
    assert body == files.PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", files.GB18030_TEXT),
        ("data.csv", "区县,数量\n".encode()),
        ("notice.docx", files.docx()),
        ("bundle.zip", files.plain_zip()),
        ("scan.png", files.image_bytes()),
        ("notice.wps", files.OLE2),
    ],
)
def test_other_documents_download_as_attachments(editor, site_client, name, content):
    document = upload_document(editor, name, content)

    response, body = fetch(site_client, document.url)

    assert response.status_code == 200
    with document.file.open("rb") as stored:
        # As stored (images are stored without their metadata).
        assert body == stored.read()
    if not name.endswith(".png"):
        assert body == content
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


# -- which hosts serve a document ----------------------------------------------------


def test_a_sites_document_is_not_served_to_anyone_on_the_platforms_host(
    editor, platform_client, site_client
):
    document = upload_document(editor, "notice.pdf", files.PDF)

    assert fetch(site_client, document.url)[0].status_code == 200
    assert fetch(platform_client, document.url)[0].status_code == 404


def test_staff_who_may_see_a_document_get_it_on_the_platforms_host(
    editor, other_editor, platform_admin
):
    from tests.conftest import admin_client_for

    document = upload_document(editor, "notice.pdf", files.PDF)

    for user in (editor, platform_admin):
        response, body = fetch(admin_client_for(user), document.url)
        assert response.status_code == 200
        assert body == files.PDF
    # Signed in, but to another site: as if it did not exist.
    assert fetch(admin_client_for(other_editor), document.url)[0].status_code == 404


def test_another_sites_document_is_not_served_on_a_sites_host(
    editor, other_site, other_editor
):

    document = upload_document(editor, "notice.pdf", files.PDF)
    client = Client(HTTP_HOST=other_site.host)
    client.force_login(other_editor)

    assert fetch(client, document.url)[0].status_code == 404
