"""The page tags (网页标签) of every page type in every theme, checked against the
one table that states the rule (``themes.page_tags.TAGS``): site tags on every
page, column tags on columns and on content pages (their column's), article tags
on content pages."""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client
from wagtail.models import Page

from tests.factories import ArticleFactory, SiteFactory
from tests.factories.content import column
from tests.themes.conftest import build_pages, path_of, set_theme
from themes import registry
from themes.page_tags import ALL_TAGS, TAGS, PageKind

pytestmark = pytest.mark.django_db

THEMES = [theme.name for theme in registry.theme_list()]


class MetaTags(HTMLParser):
    """The ``<meta name=... content=...>`` of a page's head, in order."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") in ALL_TAGS:
            self.tags.append((attrs["name"], attrs.get("content")))

    @property
    def names(self) -> list[str]:
        return [name for name, _content in self.tags]

    def __getitem__(self, name: str) -> str:
        return dict(self.tags)[name]


def content_page_types() -> set[str]:
    return {
        model._meta.label
        for model in apps.get_models()
        if issubclass(model, Page)
        and not model._meta.abstract
        and getattr(model, "page_tags_kind", None) == PageKind.CONTENT
    }


@pytest.fixture
def site_pages(db):
    site = SiteFactory(name="辽宁省人民政府")
    pages = build_pages(site)
    content = [pages.article, pages.document, pages.interpretation]
    content.append(pages.consultation)
    # One published page of every content page type: a new type fails here until
    # it has a sample (and so its tags are checked).
    assert {page._meta.label for page in content} == content_page_types()
    return site, pages, content


def expected_pages(pages, content) -> list[tuple[str, PageKind, Page | None]]:
    """(path, kind, the page whose column tags it carries)."""
    rows = [
        ("/", PageKind.HOME, None),
        ("/news/zwyw/", PageKind.COLUMN, column(pages.site, "zwyw")),
        ("/xxgk/zcwj/", PageKind.COLUMN, column(pages.site, "zcwj")),
        ("/xxgk/ghjh/", PageKind.COLUMN, column(pages.site, "ghjh")),
    ]
    rows += [
        (path_of(page), PageKind.CONTENT, page.get_parent().specific)
        for page in content
    ]
    comment_path = f"/interaction/consultations/{pages.consultation.pk}/comment/"
    rows += [
        ("/sitemap.html", PageKind.OTHER, None),
        ("/search/?q=营商环境", PageKind.OTHER, None),
        ("/interaction/cases/", PageKind.OTHER, None),
        ("/interaction/cases/lookup/", PageKind.OTHER, None),
        (comment_path, PageKind.OTHER, None),
    ]
    return rows


@pytest.mark.parametrize("theme", THEMES)
def test_every_page_type_carries_exactly_the_tags_of_its_kind(site_pages, theme):
    site, pages, content = site_pages
    set_theme(site, theme)
    client = Client(HTTP_HOST=site.host)
    seen = set()
    for path, kind, column_page in expected_pages(pages, content):
        response = client.get(path)
        assert response.status_code == 200, (theme, path)
        meta = MetaTags(response.content.decode())
        # Exactly the table's tags, each once, in its order.
        assert meta.names == list(TAGS[kind]), (theme, path)
        assert meta["SiteName"] == "辽宁省人民政府"
        assert meta["SiteDomain"] == site.host
        assert meta["SiteIDCode"] == site.code
        for name, content_value in meta.tags:
            if name != "Image":  # only a page with an image has one
                assert content_value, (theme, path, name)
        if column_page is not None:
            assert meta["ColumnName"] == column_page.title, (theme, path)
            assert meta["ColumnType"] == column_page.get_kind_display(), path
            assert meta["ColumnKeywords"].endswith(column_page.title), path
        seen.add(kind)
    assert seen == set(TAGS)


def test_a_404_page_carries_the_site_tags(site):
    response = Client(HTTP_HOST=site.host).get("/no/such/page/")
    assert response.status_code == 404
    assert MetaTags(response.content.decode()).names == list(TAGS[PageKind.OTHER])


def test_content_pages_carry_the_column_tags_of_the_column_they_are_shown_in(site):
    news = column(site, "zwyw")
    notices = column(site, "tzgg")
    ArticleFactory(parent=news, title="要闻一则", publish=True)
    notice = ArticleFactory(parent=notices, title="通知一则", publish=True)
    meta = MetaTags(Client(HTTP_HOST=site.host).get(notice.url).content.decode())
    assert meta["ColumnName"] == notices.title == "通知公告"
    assert meta["ColumnKeywords"] == "新闻动态,通知公告"
    assert meta["ColumnType"] == "信息列表"
    assert meta["ArticleTitle"] == "通知一则"


def test_a_consultations_own_kind_is_not_its_column_type(site_pages):
    site, pages, _content = site_pages
    html = Client(HTTP_HOST=site.host).get(path_of(pages.consultation)).content
    meta = MetaTags(html.decode())
    assert meta["ColumnType"] == column(site, "yjzj").get_kind_display()
    assert meta["ColumnType"] != pages.consultation.get_kind_display()
