"""The root page and the root collection have a Chinese name (Wagtail creates both as
"Root"; platform admins see them in the page explorer and the image filters)."""

import pytest
from wagtail.models import Collection, Page

from tests.conftest import admin_client_for

pytestmark = pytest.mark.django_db


def test_root_collection_has_a_chinese_name(site, platform_admin):
    assert Collection.get_first_root_node().name == "全平台"
    assert Page.get_first_root_node().title == "全平台"

    response = admin_client_for(platform_admin).get("/admin/images/")

    assert "全平台" in response.content.decode()
