"""Columns list their published content newest first, with pages and sub-columns;
the home page shows the sections chosen in the admin."""

import pytest
from django.test import Client

from cms.models import ColumnPage, HomePage
from tests.factories import ArticleFactory, column

pytestmark = pytest.mark.django_db


def _html(site, page):
    return Client(HTTP_HOST=site.host).get(page.relative_url(site.wagtail_site))


def test_a_column_lists_published_items_newest_first_in_pages(site):
    news = column(site, "zwyw")
    titles = [f"第{n:02d}条新闻" for n in range(ColumnPage.per_page + 2)]
    for title in titles:
        ArticleFactory(parent=news, title=title, publish=True)
    ArticleFactory(parent=news, title="未发布的稿件")
    first = _html(site, news).content.decode()
    assert first.index(titles[-1]) < first.index(titles[-2])
    assert titles[0] not in first and "未发布的稿件" not in first
    # Items link to their stable addresses, not to slug paths that redirect.
    newest = ArticleFactory._meta.model.objects.get(title=titles[-1])
    assert f'href="{newest.relative_url(site.wagtail_site)}"' in first
    assert newest.relative_url(site.wagtail_site).endswith(f"_{newest.pk}.html")
    second = Client(HTTP_HOST=site.host).get(
        news.relative_url(site.wagtail_site), {"page": 2}
    )
    assert titles[0] in second.content.decode()


def test_a_column_shows_its_sub_columns(site):
    parent = column(site, "news")
    html = _html(site, parent).content.decode()
    assert 'class="subcolumns"' in html
    assert column(site, "zwyw").title in html


def test_the_home_page_shows_its_chosen_sections(site, other_site):
    ArticleFactory(parent=column(site, "zwyw"), title="本站要闻", publish=True)
    ArticleFactory(parent=column(other_site, "zwyw"), title="他站要闻", publish=True)
    home = HomePage.objects.get(pk=site.root_page.pk)
    home.sections = [
        ("headlines", {"title": "头条", "column": None, "count": 5}),
        ("column", {"column": column(site, "zwyw"), "count": 3}),
        (
            "entrances",
            {
                "title": "办事入口",
                "entrances": [
                    {
                        "title": "政务服务网",
                        "url": "https://example.org/",
                        "icon": "service",
                    }
                ],
            },
        ),
    ]
    home.save_revision().publish()
    html = _html(site, home).content.decode()
    assert html.count("本站要闻") == 2
    assert ".html" in html  # headline links are the articles' stable addresses
    assert "他站要闻" not in html
    assert "政务服务网" in html


def test_a_document_column_costs_the_same_queries_for_3_or_12_documents(site, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PolicyDocumentFactory

    documents = column(site, "zcwj")
    ColumnPage.objects.filter(pk=documents.pk).update(list_layout="documents")
    # No periodic check of the site registry in the middle of the comparison.
    settings.SITES_HOST_MAP_TTL = 3600
    _html(site, documents)  # warm the process's caches (host map, site settings)

    def queries_for(total):
        while documents.get_children().count() < total:
            PolicyDocumentFactory(parent=documents, publish=True)
        with CaptureQueriesContext(connection) as captured:
            html = _html(site, documents).content.decode()
        assert html.count("测政办发〔2026〕") == total  # each row shows its number
        return len(captured)

    assert queries_for(3) == queries_for(12)
