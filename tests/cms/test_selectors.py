import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from cms.models import ColumnPage
from cms.selectors import home_columns
from tests.factories import ArticleFactory, column

pytestmark = pytest.mark.django_db


def _article(parent, title, days_ago):
    article = ArticleFactory(parent=parent, title=title, publish=True)
    Page.objects.filter(pk=article.pk).update(
        first_published_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return article


def test_home_columns_carry_the_newest_items_of_their_published_subtree(
    site, other_site
):
    """A home page without chosen sections: each top-level column with the
    newest items of the column and its published sub-columns (what its feeds
    list), newest first; nothing of a draft sub-column nor of another site."""
    home = site.wagtail_site.root_page
    news = ColumnPage.objects.child_of(home).get(code="news")
    draft = ColumnPage(title="草稿栏目", slug="draft", code="draft", live=False)
    news.add_child(instance=draft)
    _article(column(site, "zwyw"), "较早的要闻", days_ago=3)
    _article(column(site, "zwyw"), "最新的要闻", days_ago=1)
    _article(column(site, "tzgg"), "中间的通知", days_ago=2)
    for n in range(9):
        _article(column(site, "tzgg"), f"旧通知{n}", days_ago=10 + n)
    draft_item = ArticleFactory(parent=draft, title="草稿栏目里的稿件")
    draft_item.save_revision().publish()
    other_news = ColumnPage.objects.child_of(other_site.wagtail_site.root_page).get(
        code="news"
    )
    ArticleFactory(parent=other_news, title="外站稿件", publish=True)

    columns = home_columns(home=home)
    by_code = {c.code: [p.title for p in c.latest] for c in columns}
    assert list(by_code) == ["news", "xxgk", "zwfw", "hdjl", "zjsq"]
    assert by_code["news"][:3] == ["最新的要闻", "中间的通知", "较早的要闻"]
    assert len(by_code["news"]) == 8
    assert "草稿栏目里的稿件" not in by_code["news"]
    assert all("外站稿件" not in titles for titles in by_code.values())
    assert by_code["xxgk"] == []


def test_home_columns_cost_the_same_queries_for_more_columns(site, settings):
    settings.SITES_HOST_MAP_TTL = 3600  # no registry version check in between
    home = site.wagtail_site.root_page
    for code in ("zwyw", "tzgg"):
        ArticleFactory(parent=column(site, code), publish=True)
    home_columns(home=home)  # per-process maps filled
    with CaptureQueriesContext(connection) as before:
        home_columns(home=home)
    for n in range(4):
        extra = ColumnPage(title=f"新栏目{n}", slug=f"new{n}", code=f"new{n}")
        home.add_child(instance=extra)
        ArticleFactory(parent=extra, publish=True)
    home_columns(home=home)
    with CaptureQueriesContext(connection) as after:
        columns = home_columns(home=home)
    assert len(columns) == 9 and all(c.latest for c in columns[-4:])
    assert len(after.captured_queries) == len(before.captured_queries)
