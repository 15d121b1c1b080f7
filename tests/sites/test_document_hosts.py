"""A document is served on its own site's host (and its parent sites'), never
through another site's host name."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model

from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _document(site):
    return get_document_model().objects.create(
        title="通知附件",
        file=ContentFile(PDF, name="notice.pdf"),
        collection=site.collection,
    )


def _get(host, document):
    response = Client(HTTP_HOST=host).get(document.url)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    if hasattr(response, "file_to_stream") and response.file_to_stream:
        response.file_to_stream.close()
    return response.status_code


def test_a_document_answers_on_its_sites_host_and_not_on_another(site, other_site):
    document = _document(other_site)
    assert _get(other_site.host, document) == 200
    assert _get(site.host, document) == 404
    # The platform host serves it only to staff who may see it
    # (tests/uploads/test_views.py).
    assert _get("localhost", document) == 404


def test_a_parent_sites_host_serves_its_childrens_documents(site):
    county = SiteFactory.child(SiteFactory.child(site, "city"), "county")
    document = _document(county)
    assert _get(site.host, document) == 200
    assert _get(county.host, _document(site)) == 404
