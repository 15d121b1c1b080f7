"""Every page type in every theme: the page tags harvesters read (checked in full
in test_page_tags.py), the footer, the search box, breadcrumbs and navigation;
the same bytes for every visitor; themed error pages."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.test import Client, override_settings

from sites.models import GovSite
from tests.conftest import admin_client_for
from tests.factories import SiteFactory
from tests.factories.content import ConsultationFactory, column
from tests.themes.conftest import build_pages, set_theme
from themes.page_tags import ARTICLE_TAGS, COLUMN_TAGS

pytestmark = pytest.mark.django_db

THEMES = ["base", "portal", "county", "department"]
CONTENT_PAGES = ["article", "policy document", "interpretation", "consultation"]
COLUMN_PAGES = ["column", "documents column", "empty column"]


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.forms, self.links, self.assets = {}, [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content")
        if tag == "form":
            self.forms.append(attrs)
        if tag == "a":
            self.links.append(attrs.get("href"))
        if tag in ("link", "script", "img", "iframe", "source"):
            self.assets.append(attrs.get("href") or attrs.get("src") or "")


@pytest.fixture
def footer_site(db):
    site = SiteFactory(name="沈阳市人民政府")
    GovSite.objects.filter(pk=site.pk).update(
        organiser="沈阳市人民政府办公室",
        operator="沈阳市大数据管理局",
        contact_address="沈阳市沈河区市府大路260号",
        contact_phone="024-12345",
        contact_email="web@shenyang.example.cn",
        icp_number="辽ICP备05000000号",
        public_security_number="辽公网安备21010202000000号",
    )
    return site


@pytest.mark.parametrize("theme", THEMES)
def test_every_page_type_renders_with_its_tags_in_every_theme(footer_site, theme):
    site = set_theme(footer_site, theme)
    pages = build_pages(site)
    client = Client(HTTP_HOST=site.host)
    for name, path in pages.paths().items():
        response = client.get(path)
        assert response.status_code == 200, (name, path)
        html = response.content.decode()
        page = Page(html)
        assert page.meta["SiteName"] == "沈阳市人民政府"
        assert page.meta["SiteDomain"] == site.host
        assert page.meta["SiteIDCode"] == site.code
        if name in COLUMN_PAGES:
            assert set(COLUMN_TAGS) <= set(page.meta), name
        if name in CONTENT_PAGES:
            assert set(COLUMN_TAGS + ARTICLE_TAGS) <= set(page.meta), name
            assert page.meta["ArticleTitle"]
            assert page.meta["Url"].startswith(f"http://{site.host}/")
        # The search box: a GET form to /search/ with q, on every page.
        search = [form for form in page.forms if form.get("role") == "search"]
        assert search and search[0]["action"] == "/search/", name
        assert search[0]["method"] == "get", name
        assert 'name="q"' in html
        # The footer.
        for text in (
            "沈阳市人民政府办公室",
            "沈阳市大数据管理局",
            "沈阳市沈河区市府大路260号",
            "024-12345",
            site.code,
            "辽ICP备05000000号",
            "辽公网安备21010202000000号",
            "党政机关",
        ):
            assert text in html, (name, text)
        assert "/sitemap.html" in page.links
        # Both filing marks link to where a visitor checks them.
        assert "https://beian.miit.gov.cn/" in page.links
        mps = "https://beian.mps.gov.cn/#/query/webSearch?code=21010202000000"
        assert mps in page.links
        # No asset from another host: pages work on a network that reaches nothing.
        assert all(a.startswith("/") and not a.startswith("//") for a in page.assets)
        # The senior-friendly switch, for everyone alike.
        assert "?senior=1" in page.links and "?senior=0" in page.links


def test_content_tags_carry_the_pages_own_values(site, pages):
    client = Client(HTTP_HOST=site.host)
    article = Page(client.get(pages.article.url).content.decode()).meta
    assert article["ArticleTitle"] == "全省优化营商环境工作会议召开"
    assert article["ContentSource"] == "省政府办公厅"
    assert article["Author"] == "新闻中心"
    assert article["Description"] == "正文内容。"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", article["PubDate"])
    assert article["Keywords"] == "新闻动态,政务要闻"
    assert article["Url"] == pages.article.full_url
    document = Page(client.get(pages.document.url).content.decode()).meta
    assert document["Keywords"] == "综合政务"  # its subject category
    columns = Page(client.get("/xxgk/zcwj/").content.decode()).meta
    assert columns["ColumnName"] == "政策文件"
    assert columns["ColumnKeywords"] == "政府信息公开,政策文件"
    assert columns["ColumnType"] == "政策文件"


def test_the_policy_document_shows_its_metadata_and_interpretations(site, pages):
    html = Client(HTTP_HOST=site.host).get(pages.document.url).content.decode()
    document = pages.document
    for label, value in (
        ("索引号", document.index_number),
        ("主题分类", "综合政务"),
        ("发文机关", document.issuing_organ),
        ("成文日期", "2026-03-02"),
        ("发文字号", document.document_number),
        ("有效性", "现行有效"),
    ):
        assert re.search(rf"<th[^>]*>{label}</th><td>{re.escape(value)}</td>", html), (
            label
        )
    assert "发布日期" in html
    assert f'href="{pages.interpretation.url}"' in html
    interpretation = Client(HTTP_HOST=site.host).get(pages.interpretation.url)
    assert f'href="{document.url}"' in interpretation.content.decode()


def test_an_open_consultation_links_to_its_comment_page_and_a_closed_one_not(
    site, pages
):
    client = Client(HTTP_HOST=site.host)
    comment = f"/interaction/consultations/{pages.consultation.pk}/comment/"
    html = client.get(pages.consultation.url).content.decode()
    assert f'href="{comment}"' in html
    assert "征集中" in html and "意见反馈方式" in html
    closed = ConsultationFactory(
        parent=column(site, "yjzj"),
        starts_on=datetime.date(2026, 3, 2),
        ends_on=datetime.date(2026, 4, 10),
        publish=True,
    )
    assert closed.state == "closed"
    html = client.get(closed.url).content.decode()
    assert f"/interaction/consultations/{closed.pk}/comment/" not in html
    assert "本次意见征集已结束" in html


def test_breadcrumbs_and_navigation_follow_the_column_tree(site, pages):
    html = Client(HTTP_HOST=site.host).get(pages.article.url).content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', crumbs) == [
        "/",
        "/news/",
        "/news/zwyw/",
    ]
    column_html = Client(HTTP_HOST=site.host).get("/news/zwyw/").content.decode()
    side = re.search(r'<nav class="section-nav".*?</nav>', column_html, re.S).group(0)
    assert 'href="/news/zwyw/" aria-current="page"' in side
    assert 'href="/news/tzgg/"' in side
    main = re.search(r'<nav class="site-nav".*?</nav>', column_html, re.S).group(0)
    assert 'href="/news/" aria-current="true"' in main


def test_an_empty_column_and_a_site_without_logo_render_cleanly(site):
    response = Client(HTTP_HOST=site.host).get("/xxgk/ghjh/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "暂无" in html or "还没有" in html or "Nothing published" in html
    assert "site-emblem" in html  # the drawn mark stands in for a missing logo


def test_pagination_of_a_long_column(site):
    from tests.factories.content import ArticleFactory

    news = column(site, "tzgg")
    for n in range(45):
        ArticleFactory(parent=news, title=f"通知{n:02d}", publish=True)
    client = Client(HTTP_HOST=site.host)
    first = client.get("/news/tzgg/").content.decode()
    assert 'aria-current="page">1<' in first
    assert 'href="?page=3"' in first and "共3页" in first
    last = client.get("/news/tzgg/?page=3").content.decode()
    assert last.count("通知") >= 5 and 'rel="prev"' in last
    assert client.get("/news/tzgg/?page=999").status_code == 200  # the last page
    assert client.get("/news/tzgg/?page=abc").status_code == 200  # the first


def test_public_pages_are_the_same_bytes_for_every_visitor(site, pages, editor):
    anonymous = Client(HTTP_HOST=site.host)
    signed_in = admin_client_for(editor, host=site.host)
    senior = Client(HTTP_HOST=site.host)
    senior.cookies["gov_senior"] = "1"
    for name, path in pages.paths().items():
        responses = [c.get(path) for c in (anonymous, signed_in, senior)]
        bodies = {r.content for r in responses}
        assert len(bodies) == 1, f"{name} differs between visitors"
        html = responses[0].content.decode()
        assert "csrfmiddlewaretoken" not in html, name
        for response in responses:
            assert "Set-Cookie" not in response.headers, name
            assert "Cookie" not in response.headers.get("Vary", ""), name


def test_a_missing_page_is_a_themed_404_of_its_site(site):
    set_theme(site, "county")
    response = Client(HTTP_HOST=site.host).get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "/static/themes/county/theme.css" in html
    assert site.name in html and site.code in html
    assert 'action="/search/"' in html


def test_a_closed_site_answers_a_themed_410(site):
    set_theme(site, "department")
    GovSite.objects.filter(pk=site.pk).update(status="closed")
    from sites import routing

    routing.invalidate()
    response = Client(HTTP_HOST=site.host).get("/news/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "/static/themes/department/theme.css" in html
    assert "网站已关闭" in html or "Website closed" in html
    assert site.code in html  # the footer is still the site's


@override_settings(ROOT_URLCONF="tests.themes.urls")
def test_a_server_error_is_a_themed_500_of_its_site(site):
    set_theme(site, "portal")
    client = Client(HTTP_HOST=site.host, raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "/static/themes/portal/theme.css" in html
    assert site.name in html
    assert "服务器错误" in html or "Server error" in html


@pytest.mark.parametrize("theme", THEMES)
@override_settings(ROOT_URLCONF="tests.themes.urls")
def test_another_apps_page_extending_base_html_renders_in_the_sites_theme(site, theme):
    set_theme(site, theme)
    response = Client(HTTP_HOST=site.host).get("/other-app/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'class="theme-{theme}"' in html
    assert f"<title>检索结果 - {site.name}</title>" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "<h1>检索结果</h1><p>第2页</p>" in html
    assert f'<meta name="SiteIDCode" content="{site.code}">' in html
    assert 'action="/search/"' in html and site.code in html
