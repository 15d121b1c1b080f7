"""Routing a public address through the site's column map (``HomePage.route``):
the same answers as Wagtail's walk child by child, with the columns found by
address and a content page read in one query."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import ColumnPage
from sites import generation
from tests.factories import ArticleFactory, column
from tests.themes.conftest import path_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept_registry(settings):
    # Query counts below: the registry's once-a-second version check stays out.
    settings.SITES_HOST_MAP_TTL = 3600


def _client(site) -> Client:
    return Client(HTTP_HOST=site.host)


def _new_column(parent, slug: str, *, live: bool = True) -> ColumnPage:
    page = ColumnPage(title=f"栏目{slug}", slug=slug, code=slug, live=live)
    parent.add_child(instance=page)
    return page


def test_a_column_and_its_sub_column_are_served_by_address(site):
    news = column(site, "zwyw").get_parent().specific
    sub = _new_column(column(site, "zwyw"), "sub")
    client = _client(site)
    for page, path in ((news, "/news/"), (sub, "/news/zwyw/sub/")):
        response = client.get(path)
        assert response.status_code == 200
        assert page.title in response.content.decode()


def test_a_deeper_column_costs_no_more_queries_than_a_top_level_one(site):
    sub = _new_column(column(site, "zwyw"), "sub")
    _new_column(sub, "subsub")
    client = _client(site)

    def count(path):
        assert client.get(path).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    # The same column page template and an empty list each time: only the
    # routing could differ (Wagtail's walk reads two rows per level).
    assert count("/news/zwyw/sub/subsub/") == count("/news/zwyw/sub/")


def test_a_content_page_is_read_in_one_query_with_its_type(site):
    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    client = _client(site)
    path = path_of(article)
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert article.title in response.content.decode()
    page_reads = [q["sql"] for q in queries if 'FROM "wagtailcore_page"' in q["sql"]]
    assert len(page_reads) == 1, page_reads
    assert '"cms_articlepage"."body"' in page_reads[0]


def test_unknown_addresses_below_a_column_are_not_found(site):
    client = _client(site)
    assert client.get("/news/zwyw/").status_code == 200
    assert client.get("/news/zwyw/nosuch/").status_code == 404
    assert client.get("/news/zwyw/nosuch/deeper/").status_code == 404
    assert client.get("/news/nosuch/zwyw/").status_code == 404
    assert client.get("/nosuch/").status_code == 404
    assert client.get("/news/zwyw/202401/t20240101_999999999.html").status_code == 404


def test_an_unpublished_column_is_not_found_nor_its_feed(site):
    draft = _new_column(column(site, "zwyw"), "draft", live=False)
    client = _client(site)
    assert client.get(path_of(column(site, "zwyw")) + "rss.xml").status_code == 200
    assert client.get("/news/zwyw/draft/").status_code == 404
    assert client.get("/news/zwyw/draft/rss.xml").status_code == 404
    draft.save_revision().publish()
    assert client.get("/news/zwyw/draft/").status_code == 200
    assert client.get("/news/zwyw/draft/rss.xml").status_code == 200


def test_a_column_feed_is_routed_through_the_map(site):
    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    response = _client(site).get("/news/zwyw/rss.xml")
    assert response.status_code == 200
    assert "xml" in response["Content-Type"]
    assert article.title in response.content.decode()


def test_an_unpublished_or_draft_article_shows_only_what_is_live(site):
    article = ArticleFactory(
        parent=column(site, "zwyw"), title="已发布标题", publish=True
    )
    path = path_of(article)
    client = _client(site)
    article.title = "草稿标题"
    article.save_revision()  # a draft: the live page is unchanged
    body = client.get(path).content.decode()
    assert "已发布标题" in body and "草稿标题" not in body
    article.unpublish()
    assert client.get(path).status_code == 404


def test_a_private_column_refuses_its_pages(site):
    article = ArticleFactory(parent=column(site, "zwyw"), publish=True)
    client = _client(site)
    PageViewRestriction.objects.create(
        page=column(site, "zwyw"), restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get("/news/zwyw/").status_code == 302
    assert client.get(path_of(article)).status_code == 302
    assert client.get("/news/zwyw/rss.xml").status_code == 302


def test_an_alias_is_served_at_its_own_address(site):
    article = ArticleFactory(parent=column(site, "zwyw"), title="源文章", publish=True)
    alias = article.create_alias(parent=column(site, "tzgg"))
    response = _client(site).get(path_of(alias))
    assert response.status_code == 200
    assert "源文章" in response.content.decode()


def test_a_column_added_since_the_map_was_kept_is_routed(site):
    client = _client(site)
    assert client.get("/news/zwyw/").status_code == 200  # the map is kept
    # Added without moving the site's generation (as by another process before
    # its change commits): not in the kept map, found by Wagtail's walk.
    _new_column(column(site, "zwyw"), "later")
    assert generation.kept.entries
    response = client.get("/news/zwyw/later/")
    assert response.status_code == 200
    assert "栏目later" in response.content.decode()


def test_a_column_moved_since_the_map_was_kept_is_not_served_at_its_old_address(
    site,
):
    sub = _new_column(column(site, "zwyw"), "moving")
    client = _client(site)
    assert client.get("/news/zwyw/moving/").status_code == 200
    # Renamed in the rows without moving the generation: the kept address
    # no longer matches the column's row.
    ColumnPage.objects.filter(pk=sub.pk).update(
        slug="moved", url_path=sub.url_path.replace("/moving/", "/moved/")
    )
    assert client.get("/news/zwyw/moving/").status_code == 404
    assert client.get("/news/zwyw/moved/").status_code == 200


def test_another_sites_columns_are_not_reachable_from_this_host(site, other_site):
    only_there = _new_column(column(other_site, "zwyw"), "onlythere")
    article = ArticleFactory(parent=only_there, publish=True)
    theirs = _client(other_site)
    assert theirs.get("/news/zwyw/onlythere/").status_code == 200
    assert theirs.get(path_of(article)).status_code == 200
    ours = _client(site)
    assert ours.get("/news/zwyw/onlythere/").status_code == 404
    assert ours.get(path_of(article)).status_code == 404
    # Their article's id under our own column of the same address: 404.
    ours_column = path_of(column(site, "zwyw"))
    name = path_of(article).rsplit("/", 2)[-2:]
    assert ours.get(ours_column + "/".join(name)).status_code == 404
