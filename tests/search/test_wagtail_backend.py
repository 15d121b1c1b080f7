"""Wagtail's admin page search finds Chinese words inside titles, and an index
write no longer rewrites every entry's title weight."""

import pytest
from wagtail.search.models import IndexEntry

from tests.conftest import admin_client_for
from tests.factories import ArticleFactory, column

pytestmark = pytest.mark.django_db


def test_admin_page_search_finds_chinese_words_inside_titles(
    site, other_site, editor, index
):
    ArticleFactory(
        parent=column(site, "zwyw"), title="辽宁省人民政府关于深化改革的通知"
    )
    ArticleFactory(parent=column(other_site, "zwyw"), title="他站人民政府的通知")
    index()
    client = admin_client_for(editor)
    html = client.get("/admin/pages/search/", {"q": "政府"}).content.decode()
    assert "辽宁省人民政府关于深化改革的通知" in html
    assert "他站人民政府的通知" not in html  # the editor's own site only
    html = client.get("/admin/pages/search/", {"q": "深化改革"}).content.decode()
    assert "辽宁省人民政府关于深化改革的通知" in html
    html = client.get("/admin/pages/search/", {"q": "乡村振兴"}).content.decode()
    assert "辽宁省人民政府关于深化改革的通知" not in html  # positive control above


def test_an_index_write_leaves_other_entries_title_weights_alone(site, index):
    for n in range(5):
        ArticleFactory(parent=column(site, "zwyw"), title=f"政务公开第{n}期")
    index()
    IndexEntry.objects.update(title_norm=0.5)
    page = ArticleFactory(parent=column(site, "zwyw"), title="新的一期")
    index()
    others = IndexEntry.objects.exclude(object_id=str(page.pk))
    assert others.count() > 5
    assert set(others.values_list("title_norm", flat=True)) == {0.5}
