"""The search page (/search/) and the JSON API (/api/v1/search) of every site."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from search.models import SearchQueryLog
from search.query import MAX_QUERY_LENGTH
from sites.tenancy import all_sites
from tests.factories import ArticleFactory, column
from tests.factories.content import body

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(site, other_site, index):
    mine = ArticleFactory(
        parent=column(site, "zwyw"),
        title="本省推进一网通办改革",
        body=body("今年全省政务服务事项实现一网通办，群众办事最多跑一次。"),
        publish=True,
    )
    theirs = ArticleFactory(
        parent=column(other_site, "zwyw"),
        title="外省一网通办经验",
        body=body("外省的做法。"),
        publish=True,
    )
    index()
    return mine, theirs


def test_search_page_lists_this_sites_results_with_highlights(site_client, published):
    response = site_client.get("/search/", {"q": "一网通办"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "本省推进<mark>一网通办</mark>改革" in html
    assert "外省一网通办经验" not in html
    assert reverse("search") == "/search/"
    assert '<label for="search-q">' in html
    assert f"_{published[0].pk}.html" in html


def test_scope_all_searches_every_site_with_facets(
    site_client, site, other_site, published
):
    response = site_client.get("/search/", {"q": "一网通办", "scope": "all"})
    html = response.content.decode()
    assert "外省<mark>一网通办</mark>经验" in html
    assert other_site.name in html  # the site facet
    assert f"site={other_site.code}" in html


def test_pagination_links(site, site_client, index):
    for n in range(13):
        ArticleFactory(
            parent=column(site, "zwyw"), title=f"公告{n}号办事指南", publish=True
        )
    index()
    html = site_client.get("/search/", {"q": "办事指南"}).content.decode()
    assert 'rel="next"' in html and 'aria-current="page"' in html
    html2 = site_client.get("/search/", {"q": "办事指南", "page": 2}).content.decode()
    assert 'rel="prev"' in html2
    assert html2.count('class="search-result"') == 3


@pytest.mark.parametrize(
    "q",
    [
        "",
        " ",
        "，。！？……",
        "!!!",
        "政务" * 200,
        "医保 APP 2024年 e-government",
        "'; DROP TABLE govsearch_searchdocument; --",
        "a & b | !c <-> d:*",
        "\\' OR 1=1 --",
        "<script>alert(1)</script>",
        "\x00\x01控制字符",
        "辽政办发〔2019〕12号）（",
    ],
)
def test_bad_input_answers_with_a_normal_page(site_client, published, q):
    response = site_client.get("/search/", {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    api = site_client.get("/api/v1/search", {"q": q})
    assert api.status_code == 200, api.content
    assert api.json()["query"] == (api.json()["query"][:MAX_QUERY_LENGTH])


def test_overlong_queries_are_cut_at_the_documented_limit(site_client, published):
    response = site_client.get("/search/", {"q": "一网通办" + "啊" * 300})
    assert response.status_code == 200
    assert "个字符" in response.content.decode()  # the note that it was cut
    data = site_client.get("/api/v1/search", {"q": "x" * 500}).json()
    assert len(data["query"]) == MAX_QUERY_LENGTH


def test_bad_filters_are_reported_in_chinese_and_left_out(site_client, published):
    response = site_client.get(
        "/search/", {"q": "一网通办", "date_from": "2024-13-45", "page": "abc"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "部分筛选条件无法识别" in html
    assert "本省推进<mark>一网通办</mark>改革" in html
    api = site_client.get("/api/v1/search", {"q": "一网通办", "date_from": "bad"})
    assert api.status_code == 400
    assert "发布日期" in api.json()["detail"]


def test_api_returns_results_and_is_in_the_one_schema(site_client, published):
    data = site_client.get("/api/v1/search", {"q": "一网通办"}).json()
    assert [r["title"] for r in data["results"]] == ["本省推进一网通办改革"]
    assert data["results"][0]["url"].endswith(f"_{published[0].pk}.html")
    assert "<mark>一网通办</mark>" in data["results"][0]["snippet_html"]
    assert data["scope"] == "site"
    everywhere = site_client.get("/api/v1/search", {"q": "一网通办", "scope": "all"})
    assert len(everywhere.json()["results"]) == 2
    schema = Client(HTTP_HOST="localhost").get("/api/v1/openapi.json").json()
    assert "/api/v1/search" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "scope", "type", "column", "date_from", "date_to", "page"} <= params


def test_queries_are_logged_per_site_without_personal_data(
    site, site_client, published
):
    site_client.get("/search/", {"q": "一网通办"})
    site_client.get("/search/", {"q": "一网通办"})
    site_client.get("/search/", {"q": "一网通办", "page": 2})  # not counted again
    site_client.get("/search/", {"q": "不存在的词语"})
    site_client.get("/search/", {"q": "13812345678 报销"})
    with all_sites():
        rows = {r.query: r for r in SearchQueryLog.objects.filter(site=site)}
        fields = {f.name for f in SearchQueryLog._meta.get_fields()}
    assert rows["一网通办"].searches == 2 and rows["一网通办"].zero_results == 0
    assert rows["不存在的词语"].zero_results == 1
    assert "* 报销" in rows and not any("13812345678" in q for q in rows)
    assert not fields & {"user", "ip", "ip_address", "session", "user_agent"}


def test_hot_searches_are_shown_on_the_site(site, site_client, other_site, published):
    for _ in range(3):
        site_client.get("/search/", {"q": "一网通办"})
    site_client.get("/search/", {"q": "没有结果的查询"})
    Client(HTTP_HOST=other_site.host).get("/search/", {"q": "外省"})
    html = site_client.get("/search/").content.decode()
    assert "热门搜索" in html
    assert "?q=%E4%B8%80%E7%BD%91%E9%80%9A%E5%8A%9E" in html  # 一网通办
    assert "没有结果的查询" not in html  # found nothing: not "hot"
    assert "外省" not in html.split("热门搜索")[1]  # another site's query
    data = site_client.get("/api/v1/search").json()
    assert data["hot_searches"] == ["一网通办"]


def test_a_backend_that_is_down_gives_a_clear_chinese_message(
    site, site_client, settings, index
):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    response = site_client.get("/search/", {"q": "一网通办"})
    assert response.status_code == 503
    assert "搜索服务暂时不可用" in response.content.decode()
    api = site_client.get("/api/v1/search", {"q": "一网通办"})
    assert api.status_code == 503
    assert "搜索服务暂时不可用" in json.loads(api.content)["detail"]


def test_search_is_404_on_the_platform_host_and_api_searches_everything(published):
    assert (
        Client(HTTP_HOST="localhost").get("/search/", {"q": "一网通办"}).status_code
        == 404
    )
    data = Client(HTTP_HOST="localhost").get("/api/v1/search", {"q": "一网通办"}).json()
    assert data["scope"] == "all" and len(data["results"]) == 2


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("zhang.san@example.org 报销", "* 报销"),
        ("邮箱 zhang＠example．org", "邮箱 *"),
        ("138.1234.5678 社保", "* 社保"),
        ("138-1234-5678", "*"),
        ("024 2345 6789 供暖", "* 供暖"),
        ("１３８１２３４５６７８", "*"),
        ("210102199001011234 身份证", "* 身份证"),
        ("QQ 123456789", "QQ *"),
    ],
)
def test_query_statistics_keep_no_contact_or_id_numbers(
    site, site_client, published, typed, kept
):
    site_client.get("/search/", {"q": typed})
    site_client.get("/api/v1/search", {"q": typed})
    with all_sites():
        queries = {
            row.query: row.searches for row in SearchQueryLog.objects.filter(site=site)
        }
    assert queries == {kept: 2}


def test_a_date_past_the_last_day_is_reported_not_a_server_error(
    site_client, published
):
    response = site_client.get("/search/", {"q": "一网通办", "date_to": "9999-12-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "部分筛选条件无法识别" in html
    assert "本省推进<mark>一网通办</mark>改革" in html
    api = site_client.get("/api/v1/search", {"q": "一网通办", "date_to": "9999-12-31"})
    assert api.status_code == 400
    assert "2100-12-31" in api.json()["detail"]


@pytest.mark.parametrize("value", ["abc", "1" * 5000, str(10**30), "1e3"])
def test_api_reports_bad_numbers_with_the_forms_message(site_client, value):
    for name in ("column", "year", "page"):
        api = site_client.get("/api/v1/search", {"q": "一网通办", name: value})
        assert api.status_code == 400, (name, value)
        assert api.json()["detail"]


def test_a_two_thousand_character_query_answers_a_normal_page(site_client, published):
    response = site_client.get("/search/", {"q": "一网通办" + "啊" * 1996})
    assert response.status_code == 200
    html = response.content.decode()
    assert "个字符" in html  # the note that the query was cut
