"""Admin previews come from stored renditions, made once."""

import threading

import pytest
from wagtail.images.models import Rendition

from core.uploads.images import rendition_get
from tests.conftest import admin_client_for
from tests.uploads import files
from tests.uploads.test_views import fetch, upload_image

pytestmark = pytest.mark.django_db


def preview_url(image, spec):
    return f"/admin/images/{image.pk}/preview/{spec}/"


def test_an_admin_preview_is_made_once_and_then_reused(editor):
    image = upload_image(editor, "photo.png", files.image_bytes("PNG", (60, 40)))
    client = admin_client_for(editor)

    first, first_body = fetch(client, preview_url(image, "fill-20x20"))
    [rendition] = Rendition.objects.filter(image=image, filter_spec="fill-20x20")
    second, second_body = fetch(client, preview_url(image, "fill-20x20"))

    assert first.status_code == second.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert first_body == second_body
    with rendition.file.open("rb") as stored:
        assert stored.read() == first_body
    assert Rendition.objects.filter(image=image).count() == 1


def test_an_admin_preview_needs_the_right_to_change_the_image(editor, other_editor):
    image = upload_image(editor, "photo.png", files.image_bytes())

    response, _ = fetch(admin_client_for(other_editor), preview_url(image, "max-8x8"))

    # Wagtail's admin answers a refusal with a redirect to its home page.
    assert response.status_code in (302, 403, 404)
    assert not response.get("Content-Type", "").startswith("image/")
    assert not Rendition.objects.filter(image=image).exists()


def test_an_admin_preview_refuses_filters_the_url_generator_does_not_offer(editor):
    image = upload_image(editor, "photo.png", files.image_bytes())
    client = admin_client_for(editor)

    for spec in ("bogus-1", "format-gif"):
        response, _ = fetch(client, preview_url(image, spec))
        assert response.status_code == 400
    assert not Rendition.objects.filter(image=image).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_requests_for_one_rendition_make_it_once(editor, monkeypatch):
    image = upload_image(editor, "photo.png", files.image_bytes("PNG", (60, 40)))
    made = []
    original = type(image).generate_rendition_file

    def counting(self, filter, **kwargs):
        made.append(filter.spec)
        return original(self, filter, **kwargs)

    monkeypatch.setattr(type(image), "generate_rendition_file", counting)
    results = []

    def fetch_rendition():
        from django.db import connection

        try:
            results.append(rendition_get(image, "width-30").pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch_rendition) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 4 and len(set(results)) == 1
    assert made == ["width-30"]
