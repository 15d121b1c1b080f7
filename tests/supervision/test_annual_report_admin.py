"""The annual report in the admin: the site's admins fill in what the platform
cannot know (saved, regenerated, published, idempotent; bad input saves nothing),
the 政府信息公开工作年度报告's tables from the site's documents, the Excel exports
(opened with openpyxl), and the roll-up by level, scoped: a city sees its counties,
a county not its city, another site nothing."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cms.models.choices import Validity
from sites.models import SiteRole
from sites.tenancy import all_sites
from supervision.annual_report import annual_report_generate, disclosure_figures
from supervision.models import AnnualReport
from tests.conftest import _member, admin_client_for
from tests.factories import (
    ArticleFactory,
    InterpretationFactory,
    PolicyDocumentFactory,
    column,
)

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def _url(site, year=YEAR, tail=""):
    return f"/admin/supervision/annual-reports/{site.pk}/{year}/{tail}"


def _reports(site):
    with all_sites():
        return list(AnnualReport.objects.filter(site=site))


FILLED = {
    "unique_visitors": "12345",
    "special_topics": "4",
    "services": "",
    "interviews": "2",
    "problems_fixed": "3",
    "security_staff": "1",
    "security_monitoring": "yes",
    "emergency_drill": "no",
    "security_owner": "",
    "new_media": "「测试县发布」微信公众号",
    "innovation": "开通了无障碍浏览。",
}


def test_site_admin_fills_in_the_report_and_it_is_published(county):
    admin = _member(county, SiteRole.ADMIN)
    client = admin_client_for(admin)
    page = client.get(_url(county))
    assert page.status_code == 200
    assert "独立用户访问总量" in page.content.decode()
    response = client.post(_url(county), FILLED)
    assert response.status_code == 302
    (report,) = _reports(county)
    assert report.manual == {
        "unique_visitors": 12345,
        "special_topics": 4,
        "interviews": 2,
        "problems_fixed": 3,
        "security_staff": 1,
        "security_monitoring": True,
        "emergency_drill": False,
        "new_media": "「测试县发布」微信公众号",
        "innovation": "开通了无障碍浏览。",
    }
    published = report.page.specific
    assert published.live
    source = str(published.body[0].value.source)
    assert "12345" in source and "是否开展应急演练</b>：否" in source

    # The same form again: the same report, the same page.
    client.post(_url(county), FILLED)
    (again,) = _reports(county)
    assert again.page_id == report.page_id and again.manual == report.manual


def test_bad_input_saves_nothing(county):
    client = admin_client_for(_member(county, SiteRole.ADMIN))
    response = client.post(
        _url(county), {**FILLED, "unique_visitors": "-5", "special_topics": "多"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {
        "unique_visitors",
        "special_topics",
    }
    assert _reports(county) == []


def test_editors_see_the_report_but_only_admins_fill_it_in(county):
    editor = _member(county, SiteRole.EDITOR)
    client = admin_client_for(editor)
    response = client.get(_url(county))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert client.post(_url(county), FILLED).status_code == 404
    assert client.post(_url(county, tail="generate/")).status_code == 404
    assert _reports(county) == []


def test_generate_button_publishes(county):
    client = admin_client_for(_member(county, SiteRole.ADMIN))
    assert client.post(_url(county, tail="generate/")).status_code == 302
    (report,) = _reports(county)
    assert report.page.live
    assert client.get(_url(county, tail="generate/")).status_code == 404


def test_disclosure_tables_count_documents_by_kind_with_interpretations(county):
    documents = column(county, "zcwj")
    this_year = datetime.date(YEAR, 3, 2)
    normative = PolicyDocumentFactory(
        parent=documents, publish=True, is_normative=True, written_on=this_year
    )
    PolicyDocumentFactory(
        parent=documents, publish=True, is_normative=True, written_on=this_year
    )
    PolicyDocumentFactory(
        parent=documents,
        publish=True,
        written_on=datetime.date(YEAR - 3, 5, 1),
        validity=Validity.REPEALED,
        validity_changed_on=datetime.date(YEAR, 2, 1),
        subject_category="health",
    )
    PolicyDocumentFactory(  # last year's, still in force
        parent=documents, publish=True, written_on=datetime.date(YEAR - 1, 5, 1)
    )
    PolicyDocumentFactory(parent=documents, publish=False, written_on=this_year)
    for form in ("text", "graphic"):
        InterpretationFactory(
            parent=column(county, "zcjd"), publish=True, document=normative, form=form
        )
    figures = disclosure_figures(site=county, year=YEAR)
    assert figures["documents"]["normative"] == {
        "issued": 2,
        "repealed": 0,
        "in_force": 2,
        "interpreted": 1,
        "interpretations": 2,
    }
    assert figures["documents"]["other"] == {
        "issued": 0,
        "repealed": 1,
        "in_force": 1,
        "interpreted": 0,
        "interpretations": 0,
    }
    assert figures["interpretation_forms"]["text"] == 1
    assert figures["interpretation_forms"]["graphic"] == 1
    assert figures["subjects"] == {"general": 2}

    admin = _member(county, SiteRole.ADMIN)
    body = admin_client_for(admin).get(_url(county)).content.decode()
    assert "本年制发件数" in body and "本年制发已解读件数" in body

    # Exported: the workbook opens, with both sheets.
    response = admin_client_for(admin).get(_url(county, tail="export/"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(response.content))
    report, disclosure = book.worksheets
    cells = {row[0]: row[1] for row in report.iter_rows(values_only=True)}
    assert cells["政府网站标识码"] == county.code
    assert cells["信息发布总数"] == 6
    rows = list(disclosure.iter_rows(values_only=True))
    assert ("行政规范性文件", 2, 0, 2, 1, 2) in rows
    assert ("合计", 2, 1, 3, 1, 2) in rows[:5]


def test_a_year_without_data_and_a_year_out_of_range(county):
    client = admin_client_for(_member(county, SiteRole.ADMIN))
    response = client.get(_url(county, year=2001, tail="export/"))
    book = load_workbook(io.BytesIO(response.content))
    cells = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert cells["信息发布总数"] == 0
    for year in (1999, YEAR + 1, 99999999999):
        assert client.get(_url(county, year=year)).status_code == 404
    assert client.get("/admin/supervision/annual-reports/?year=abc").status_code == 404


def test_rollup_of_a_city_holds_its_counties(county, city, province, other_site):
    ArticleFactory(parent=column(county, "gzdt"), publish=True)
    for each in (county, city, province, other_site):
        annual_report_generate(site=each, year=YEAR)
    city_admin = _member(city, SiteRole.ADMIN)
    client = admin_client_for(city_admin)
    url = "/admin/supervision/annual-reports/rollup/"
    response = client.get(url, {"year": YEAR})
    assert response.status_code == 200
    shown = {row["site"].pk for row in response.context["rows"]}
    assert county.pk in shown and city.pk in shown
    assert province.pk not in shown and other_site.pk not in shown
    assert response.context["generated"] == len(shown)

    exported = client.get(url, {"year": YEAR, "site": city.pk, "export": "xlsx"})
    book = load_workbook(io.BytesIO(exported.content))
    rows = list(book.active.iter_rows(values_only=True))
    names = [row[0] for row in rows]
    assert county.name in names and province.name not in names
    total = next(row for row in rows if row[0] == "合计")
    items = rows[0].index("其中：概况类、政务动态信息")
    assert total[items] >= 1

    # The province's roll-up is not the city's to see.
    assert client.get(url, {"site": province.pk}).status_code == 404


def test_reports_are_scoped_to_the_users_sites(county, city, other_site, other_editor):
    annual_report_generate(site=county, year=YEAR)
    client = admin_client_for(other_editor)
    for tail in ("", "export/"):
        assert client.get(_url(county, tail=tail)).status_code == 404
    assert client.post(_url(county), FILLED).status_code == 404
    rollup = "/admin/supervision/annual-reports/rollup/"
    assert client.get(rollup, {"site": city.pk}).status_code == 404
    listing = client.get("/admin/supervision/annual-reports/", {"year": YEAR})
    assert listing.status_code == 200
    assert county.name not in listing.content.decode()
    shown = {row["site"].pk for row in client.get(rollup).context["rows"]}
    assert shown == {other_site.pk}

    county_admin = admin_client_for(_member(county, SiteRole.ADMIN))
    assert county_admin.get(rollup, {"site": city.pk}).status_code == 404
    assert county_admin.get(_url(city)).status_code == 404
    assert county_admin.get(_url(county)).status_code == 200


def test_platform_admin_sees_every_site(county, other_site, platform_admin):
    client = admin_client_for(platform_admin)
    listing = client.get("/admin/supervision/annual-reports/", {"year": YEAR})
    body = listing.content.decode()
    assert county.name in body and other_site.name in body
    assert client.get(_url(other_site)).status_code == 200
