"""The annual report (政府网站年度报表): generated from the platform's data,
published in the site's 年度报表 column, regenerated in place, rolled up."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms.models import ColumnPage
from sites.tenancy import all_sites
from supervision import statistics
from supervision.annual_report import (
    annual_figures,
    annual_report_generate,
    annual_report_rollup,
)
from supervision.models import AnnualReport
from tests.factories import ArticleFactory, column

from .helpers import file_case

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def test_generated_from_the_platforms_data_and_published(county):
    article = ArticleFactory(parent=column(county, "gzdt"), publish=True)
    statistics.page_view_count(site=county, page_id=article.pk)
    file_case(county)
    report = annual_report_generate(site=county, year=YEAR)
    numbers = report.figures["numbers"]
    assert numbers["articles"] == 1
    assert numbers["page_views"] == 1
    assert numbers["cases_received"] == 1
    assert report.figures["site_code"] == county.code
    page = report.page.specific
    assert page.live
    parent = page.get_parent().specific
    assert isinstance(parent, ColumnPage) and parent.title == "年度报表"
    assert "网站标识码" in str(page.body[0].value.source)

    again = annual_report_generate(site=county, year=YEAR)
    assert again.page_id == report.page_id
    with all_sites():
        assert AnnualReport.objects.filter(site=county, year=YEAR).count() == 1
    assert (
        ColumnPage.objects.descendant_of(county.root_page).filter(code="ndbb").count()
        == 1
    )


def test_a_site_with_no_data_for_a_year(county):
    figures = annual_figures(site=county, year=2001)
    assert figures["numbers"]["items"] == 0
    assert figures["numbers"]["page_views"] == 0
    assert figures["numbers"]["cases_received"] == 0


def test_rolled_up_for_the_city(county, city):
    ArticleFactory(parent=column(county, "gzdt"), publish=True)
    annual_report_generate(site=county, year=YEAR)
    annual_report_generate(site=city, year=YEAR)
    rollup = annual_report_rollup(site=city, year=YEAR)
    assert rollup["sites"] == 2
    assert rollup["numbers"]["articles"] >= 1


def test_command_prints_where_it_is_published(county):
    out = io.StringIO()
    call_command(
        "annual_report", "--site", county.code, "--year", str(YEAR), stdout=out
    )
    assert out.getvalue().startswith("published: http://")
    with pytest.raises(CommandError):
        call_command("annual_report", "--site", "0000000000", "--year", "2026")


def test_command_writes_the_excel_workbook(county, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "report.xlsx"
    out = io.StringIO()
    call_command(
        "annual_report",
        *("--site", county.code, "--year", str(YEAR), "--xlsx", str(target)),
        stdout=out,
    )
    assert f"written: {target}" in out.getvalue()
    book = load_workbook(target)
    cells = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert cells["政府网站标识码"] == county.code
    with pytest.raises(CommandError):
        call_command(
            "annual_report",
            *("--site", county.code, "--year", str(YEAR - 1)),
            *("--xlsx", str(tmp_path / "missing" / "report.xlsx")),
        )
    with all_sites():  # refused before anything was generated
        assert not AnnualReport.objects.filter(site=county, year=YEAR - 1).exists()
