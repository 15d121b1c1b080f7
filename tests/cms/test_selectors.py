import pytest

from cms.models import ColumnPage
from cms.selectors import home_columns

pytestmark = pytest.mark.django_db


def test_home_columns_carry_their_published_children_and_nothing_else(
    site, other_site, django_assert_max_num_queries
):
    home = site.wagtail_site.root_page
    news = ColumnPage.objects.child_of(home).get(code="news")
    draft = ColumnPage(title="草稿栏目", slug="draft", code="draft", live=False)
    news.add_child(instance=draft)
    other_news = ColumnPage.objects.child_of(other_site.wagtail_site.root_page).get(
        code="news"
    )
    other_news.add_child(instance=ColumnPage(title="外站栏目", slug="x", code="x"))

    with django_assert_max_num_queries(4):
        columns = home_columns(home=home)
        by_code = {column.code: [p.title for p in column.latest] for column in columns}
    assert by_code["news"] == [p.title for p in news.get_children().live()]
    assert "草稿栏目" not in by_code["news"]
    assert all("外站栏目" not in titles for titles in by_code.values())
    assert list(by_code) == ["news", "xxgk", "zwfw", "hdjl", "zjsq"]
