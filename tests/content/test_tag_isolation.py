"""Tags live in one platform-wide table; the admin's tag autocomplete must not
suggest another site's tags (they can name unpublished matters)."""

import pytest
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from tests.conftest import admin_client_for
from tests.factories import ArticleFactory, column

pytestmark = pytest.mark.django_db


def _suggest(user, term, url="/admin/tag-autocomplete/"):
    response = admin_client_for(user).get(url, {"term": term})
    assert response.status_code == 200
    return response.json()


def test_page_tags_of_another_site_are_not_suggested(site, other_site, editor):
    mine = ArticleFactory(parent=column(site, "zwyw"))
    mine.tags.add("营商环境")
    mine.save()
    theirs = ArticleFactory(parent=column(other_site, "zwyw"))
    theirs.tags.add("营商机密")
    theirs.save()
    assert _suggest(editor, "营商") == ["营商环境"]


def test_image_tags_of_another_site_are_not_suggested(site, other_site, editor):
    image_model = get_image_model()
    theirs = image_model.objects.create(
        title="内部照片", file=get_test_image_file(), collection=other_site.collection
    )
    theirs.tags.add("拆迁名单")
    mine = image_model.objects.create(
        title="公开照片", file=get_test_image_file(), collection=site.collection
    )
    mine.tags.add("拆迁公告")
    assert _suggest(editor, "拆迁") == ["拆迁公告"]


def test_platform_admins_see_every_tag(site, other_site, platform_admin):
    theirs = ArticleFactory(parent=column(other_site, "zwyw"))
    theirs.tags.add("营商机密")
    theirs.save()
    assert _suggest(platform_admin, "营商") == ["营商机密"]
