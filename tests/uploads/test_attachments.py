"""Case attachments are served with the type their contents show, never the
one the submitter's browser sent, and as sandboxed downloads."""

import pytest

from interaction.models import CaseAttachment
from sites.tenancy import use_site
from tests.conftest import admin_client_for
from tests.interaction.conftest import file_case
from tests.uploads import files
from tests.uploads.test_views import fetch

pytestmark = pytest.mark.django_db


def _attachment(site, name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content, content_type)
    case, _ = file_case(site, attachments=[upload])
    with use_site(site):
        return case, case.attachments.get()


def download(editor, case, attachment):
    return fetch(
        admin_client_for(editor),
        f"/admin/interaction/cases/{case.pk}/attachments/{attachment.pk}/",
    )


def test_the_browsers_content_type_is_not_kept(site):
    _, attachment = _attachment(site, "材料.pdf", files.PDF, "text/html")

    assert attachment.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("材料.pdf", files.PDF, "application/pdf"),
        ("现场.png", files.image_bytes("PNG"), "image/png"),
        ("现场.jpg", files.image_bytes("JPEG"), "image/jpeg"),
    ],
)
def test_an_attachment_downloads_as_its_contents_say(
    site, editor, name, content, content_type
):
    case, attachment = _attachment(site, name, content, "text/html")
    # A row written before the fix kept what the browser said.
    with use_site(site):
        CaseAttachment.objects.filter(pk=attachment.pk).update(content_type="text/html")

    response, body = download(editor, case, attachment)

    assert response.status_code == 200
    assert body == content
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_a_file_of_no_accepted_kind_downloads_as_bytes(site, editor):
    case, attachment = _attachment(site, "材料.pdf", files.PDF, "application/pdf")
    with attachment.file.open("wb") as stored:
        stored.write(files.HTML)

    response, _ = download(editor, case, attachment)

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
