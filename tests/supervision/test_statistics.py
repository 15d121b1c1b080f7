"""Statistics: page views counted by the first-party beacon, and the figures in
the admin, for the sites a user may see."""

import datetime
import io
import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from sites.models import SiteRole
from sites.tenancy import all_sites
from supervision import statistics
from supervision.models import PageViewDay
from tests.conftest import _member, admin_client_for
from tests.factories import ArticleFactory, column

from .helpers import file_case

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _views(site):
    with all_sites():
        return {row.page_id: row.views for row in PageViewDay.objects.filter(site=site)}


def test_beacon_is_on_public_pages_and_counts_each_view(county):
    article = ArticleFactory(parent=column(county, "gzdt"), publish=True)
    client = Client(HTTP_HOST=county.host)
    html = client.get(article.url, follow=True).content.decode()
    (src,) = re.findall(r'<img class="stats-beacon" src="([^"]+)"', html)
    assert src == f"/stats/hit?p={article.pk}"
    for _ in range(3):
        response = client.get(src)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/gif"
        assert "no-store" in response["Cache-Control"]
        assert not response.cookies
    assert _views(county) == {article.pk: 3}


def test_forged_or_foreign_ids_count_nothing(county, other_site):
    foreign = ArticleFactory(parent=column(other_site, "zwyw"), publish=True)
    draft = ArticleFactory(parent=column(county, "gzdt"), publish=False)
    client = Client(HTTP_HOST=county.host)
    for value in (str(foreign.pk), str(draft.pk), "999999999", "abc", "", "-1"):
        assert client.get("/stats/hit", {"p": value}).status_code == 200
    assert _views(county) == {}
    assert _views(other_site) == {}
    assert client.post("/stats/hit", {"p": "1"}).status_code == 405


def test_counts_by_day_site_column_and_page(county, city):
    article = ArticleFactory(parent=column(county, "gzdt"), publish=True)
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    for day, times in ((today, 2), (yesterday, 1)):
        for _ in range(times):
            assert statistics.page_view_count(site=county, page_id=article.pk, day=day)
    statistics.page_view_count(site=county, page_id=county.root_page.pk, day=today)
    by_day = dict(
        statistics.views_by_day(sites=[county, city], start=yesterday, end=today)
    )
    assert by_day == {yesterday: 1, today: 3}
    assert statistics.views_by_site(sites=[county], start=yesterday, end=today) == {
        county.pk: 4
    }
    columns = {
        row["column"]: row["views"]
        for row in statistics.views_by_column(
            sites=[county], start=yesterday, end=today
        )
    }
    assert columns["政务动态"] == 3
    assert statistics.views_by_site(sites=[city], start=yesterday, end=today) == {}


def test_interaction_figures_per_site(county):
    file_case(county, days_ago_filed=1)
    figures = statistics.interaction_figures(
        sites=[county],
        start=timezone.localdate() - datetime.timedelta(days=10),
        end=timezone.localdate(),
    )
    assert figures[county.pk]["received"] == 1
    assert figures[county.pk]["satisfaction"] is None


def test_items_per_column_and_month(county):
    ArticleFactory(parent=column(county, "gzdt"), publish=True)
    rows = statistics.items_by_column_month(
        homes=[county.root_page], year=timezone.localdate().year
    )
    assert [(row["column"], row["items"]) for row in rows] == [("政务动态", 1)]


def test_a_site_with_no_data_for_a_year(county):
    assert statistics.items_by_column_month(homes=[county.root_page], year=2001) == []
    start = datetime.date(2001, 1, 1)
    end = datetime.date(2001, 12, 31)
    assert statistics.views_by_site(sites=[county], start=start, end=end) == {}
    assert (
        sum(
            v for _d, v in statistics.views_by_day(sites=[county], start=start, end=end)
        )
        == 0
    )


def test_figures_take_the_same_queries_for_one_site_or_four(
    county, city, province, department
):
    start = timezone.localdate() - datetime.timedelta(days=30)
    end = timezone.localdate()

    def figures(sites):
        with CaptureQueriesContext(connection) as queries:
            statistics.views_by_day(sites=sites, start=start, end=end)
            statistics.views_by_site(sites=sites, start=start, end=end)
            statistics.views_by_column(sites=sites, start=start, end=end)
            statistics.interaction_figures(sites=sites, start=start, end=end)
        return len(queries)

    assert figures([county]) == figures([county, city, province, department])


def test_admin_statistics_show_the_users_sites_only(county, city, other_editor):
    article = ArticleFactory(parent=column(county, "gzdt"), publish=True)
    statistics.page_view_count(site=county, page_id=article.pk)
    city_admin = _member(city, SiteRole.ADMIN)
    response = admin_client_for(city_admin).get("/admin/supervision/statistics/")
    assert response.status_code == 200
    chart = json.loads(
        re.search(
            r'<script id="page-views-data" type="application/json">(.*?)</script>',
            response.content.decode(),
        )[1]
    )
    assert chart["views"][-1] == 1
    assert "/static/supervision/vendor/chart.umd.min.js" in response.content.decode()

    response = admin_client_for(other_editor).get(
        "/admin/supervision/statistics/", {"site": county.pk}
    )
    assert response.context["total"] == 0
    assert article.title not in response.content.decode()


def test_admin_statistics_export_to_excel(county, platform_admin):
    article = ArticleFactory(parent=column(county, "gzdt"), publish=True)
    statistics.page_view_count(site=county, page_id=article.pk)
    response = admin_client_for(platform_admin).get(
        "/admin/supervision/statistics/", {"site": county.pk, "export": "xlsx"}
    )
    book = load_workbook(io.BytesIO(response.content))
    pages = list(book.worksheets[2].iter_rows(values_only=True))
    assert pages[1] == (county.name, article.title, 1)


def test_vendored_chart_js_is_the_pinned_version():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["chart.js"]
    vendored = (
        ROOT / "supervision/static/supervision/vendor/chart.umd.min.js"
    ).read_text()
    assert f"Chart.js v{pinned}" in vendored[:200]


def test_publishing_per_column_and_month_table_chart_and_export(
    county, city, other_site
):
    ArticleFactory(parent=column(county, "gzdt"), publish=True)
    ArticleFactory(parent=column(county, "gzdt"), publish=True)
    ArticleFactory(parent=column(other_site, "zwyw"), publish=True, title="别处的")
    today = timezone.localdate()
    city_admin = _member(city, SiteRole.ADMIN)
    client = admin_client_for(city_admin)
    response = client.get("/admin/supervision/statistics/")
    rows = response.context["publishing"]["rows"]
    mine = [row for row in rows if row["site"] == county.name]
    assert [(row["column"], row["total"]) for row in mine] == [("政务动态", 2)]
    assert mine[0]["months"][today.month - 1] == 2
    assert other_site.name not in {row["site"] for row in rows}
    chart = json.loads(
        re.search(
            r'<script id="page-views-data" type="application/json">(.*?)</script>',
            response.content.decode(),
        )[1]
    )
    assert chart["publishing"]["items"][today.month - 1] == sum(
        row["months"][today.month - 1] for row in rows
    )
    assert len(chart["publishing"]["labels"]) == 12
    assert 'id="publishing-chart"' in response.content.decode()

    exported = client.get(
        "/admin/supervision/statistics/", {"site": county.pk, "export": "xlsx"}
    )
    book = load_workbook(io.BytesIO(exported.content))
    publishing = list(book.worksheets[4].iter_rows(values_only=True))
    assert (county.name, "政务动态") in {row[:2] for row in publishing}
    assert publishing[-1][-1] == 2


def test_search_figures_from_the_search_package(county, city, other_site):
    from search.services import query_record

    query_record(site=county, query="医保", found=3)
    query_record(site=county, query="医保", found=2)
    query_record(site=county, query="不存在的词", found=0)
    query_record(site=other_site, query="别处的搜索", found=1)
    client = admin_client_for(_member(city, SiteRole.ADMIN))
    response = client.get("/admin/supervision/statistics/")
    search = response.context["search"]
    assert (search["searches"], search["zero_results"]) == (3, 1)
    body = response.content.decode()
    assert "医保" in body and "不存在的词" in body and "别处的搜索" not in body
    exported = client.get("/admin/supervision/statistics/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[5]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == 3 and rows[1][1] == 1
    assert (county.name, "医保", 2) in rows
