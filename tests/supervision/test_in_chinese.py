"""The supervision admin pages in Chinese: none of our English source strings
shows (each has its zh-hans translation compiled)."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from supervision import services
from tests.conftest import admin_client_for

from .helpers import publish_item

pytestmark = pytest.mark.django_db

PO = (
    Path(__file__).resolve().parents[2]
    / "supervision/locale/zh_Hans/LC_MESSAGES/django.po"
)
URLS = {
    "/admin/": "监管：单项否决预警",
    "/admin/supervision/warnings/": "单项否决预警",
    "/admin/supervision/links/": "错链检查",
    "/admin/supervision/statistics/": "统计分析",
    "/admin/supervision/availability/": "可用性监测",
    "/admin/supervision/selfcheck/": "自查",
    "/admin/supervision/annual-reports/": "年度报表",
    "/admin/supervision/annual-reports/rollup/": "按层级汇总",
}


def _sources():
    text = PO.read_text()
    ids = re.findall(r'^msgid "(.+)"$', text, re.M)
    return [i for i in ids if re.search(r"[A-Za-z]{3,} [A-Za-z]", i) and "%" not in i]


@pytest.mark.parametrize(("url", "title"), URLS.items())
def test_pages_show_no_english_of_ours(url, title, county, platform_admin):
    publish_item(county, "gzdt", days=12)
    services.warnings_refresh(site_ids=[county.pk])
    response = admin_client_for(platform_admin).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    main = body[body.find("<main") :]
    shown = [source for source in _sources() if f">{source}<" in main]
    assert shown == []
    assert title in main


def test_the_annual_report_page_shows_no_english_of_ours(county, platform_admin):
    year = timezone.localdate().year
    client = admin_client_for(platform_admin)
    for url in (
        f"/admin/supervision/annual-reports/{county.pk}/{year}/",
        f"/admin/supervision/annual-reports/rollup/?site={county.pk}&year={year}",
    ):
        response = client.get(url)
        assert response.status_code == 200
        main = response.content.decode()
        main = main[main.find("<main") :]
        assert [source for source in _sources() if f">{source}<" in main] == []
        assert "年度报表" in main
    body = client.get(
        f"/admin/supervision/annual-reports/{county.pk}/{year}/"
    ).content.decode()
    for words in (
        "网站填报内容",
        "保存并发布",
        "政府信息公开工作年度报告数据",
        "是否开展应急演练",
    ):
        assert words in body
