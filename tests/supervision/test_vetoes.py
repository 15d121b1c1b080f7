"""Veto early warnings computed from the platform's own data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page

from cms.models import ColumnPage
from supervision.models import WarningKind, WarningLevel
from supervision.vetoes import findings_compute, stale_level, warn_at
from tests.factories import ConsultationFactory, column

from .helpers import age_site, file_case, publish_item

pytestmark = pytest.mark.django_db


def _of(findings, kind, site=None, page=None):
    return [
        f
        for f in findings
        if f.kind == kind
        and (site is None or f.site_id == site.pk)
        and (page is None or f.page_id == page.pk)
    ]


def test_stale_level_warns_at_three_quarters_then_overdue_then_veto():
    assert stale_level(days=10, own=14, national=14) is None
    assert stale_level(days=11, own=14, national=14) == (WarningLevel.NOTICE, 14)
    assert stale_level(days=14, own=14, national=14) == (WarningLevel.VETO, 14)
    # Own period shorter than the national one: overdue first, veto later.
    assert stale_level(days=30, own=30, national=183) == (WarningLevel.OVERDUE, 30)
    assert stale_level(days=183, own=30, national=183) == (WarningLevel.VETO, 183)
    assert warn_at(183) == 138


def test_stale_level_of_a_column_without_an_update_period_is_none():
    assert stale_level(days=5000, own=None, national=None) is None


def test_news_column_warns_before_the_veto_and_vetoes_at_two_weeks(county):
    gzdt = column(county, "gzdt")  # 政务动态: 14 days, a national news column
    publish_item(county, "gzdt", days=11)

    found = _of(findings_compute(site_ids=[county.pk]), WarningKind.STALE_COLUMN)
    row = next(f for f in found if f.page_id == gzdt.pk)
    assert (row.level, row.days_since, row.threshold_days, row.days_left) == (
        WarningLevel.NOTICE,
        11,
        14,
        3,
    )

    Page.objects.child_of(gzdt).update(first_published_at=timezone.now())
    publish_item(county, "gzdt", days=20)
    Page.objects.child_of(gzdt).update(
        first_published_at=timezone.now() - datetime.timedelta(days=15)
    )
    found = _of(findings_compute(site_ids=[county.pk]), WarningKind.STALE_COLUMN)
    row = next(f for f in found if f.page_id == gzdt.pk)
    assert row.level == WarningLevel.VETO
    assert row.days_left == -1


def test_column_past_its_own_period_is_overdue_not_vetoed(county):
    bmdt = column(county, "bmdt")  # 部门动态: 30 days, no national threshold
    publish_item(county, "bmdt", days=31)
    row = _of(
        findings_compute(site_ids=[county.pk]), WarningKind.STALE_COLUMN, page=bmdt
    )
    assert [(r.level, r.threshold_days) for r in row] == [(WarningLevel.OVERDUE, 30)]


def test_column_without_an_update_period_is_never_stale(county):
    bszn = column(county, "bszn")  # 办事指南: no update period
    assert bszn.update_period_days is None
    publish_item(county, "bszn", days=800)
    found = findings_compute(site_ids=[county.pk])
    assert _of(found, WarningKind.STALE_COLUMN, page=bszn) == []
    assert _of(found, WarningKind.EMPTY_COLUMN, page=bszn) == []


def test_fresh_column_has_no_warning(county):
    gzdt = column(county, "gzdt")
    publish_item(county, "gzdt", days=2)
    assert (
        _of(findings_compute(site_ids=[county.pk]), WarningKind.STALE_COLUMN, page=gzdt)
        == []
    )


def test_empty_columns_are_listed_and_five_are_a_veto(county):
    found = findings_compute(site_ids=[county.pk])
    empty = _of(found, WarningKind.EMPTY_COLUMN)
    # A new site: every content column is empty (link and case channels are not).
    leaf_columns = [
        c
        for c in ColumnPage.objects.descendant_of(county.root_page).live()
        if not ColumnPage.objects.child_of(c).exists()
        and c.kind not in ("link", "interaction")
    ]
    assert {f.page_id for f in empty} == {c.pk for c in leaf_columns}
    (site_row,) = _of(found, WarningKind.EMPTY_COLUMNS)
    assert site_row.level == WarningLevel.VETO
    assert site_row.count == len(leaf_columns) >= 5

    for c in leaf_columns[: len(leaf_columns) - 4]:
        publish_item(county, c.code, days=1)
    (site_row,) = _of(findings_compute(site_ids=[county.pk]), WarningKind.EMPTY_COLUMNS)
    assert (site_row.level, site_row.count) == (WarningLevel.NOTICE, 4)


def test_home_page_not_updated_for_two_weeks_is_a_veto(county):
    publish_item(county, "gzdt", days=1)
    assert _of(findings_compute(site_ids=[county.pk]), WarningKind.HOME_PAGE) == []
    age_site(county, 12)
    (row,) = _of(findings_compute(site_ids=[county.pk]), WarningKind.HOME_PAGE)
    assert (row.level, row.days_since, row.days_left) == (WarningLevel.NOTICE, 12, 2)
    age_site(county, 14)
    (row,) = _of(findings_compute(site_ids=[county.pk]), WarningKind.HOME_PAGE)
    assert row.level == WarningLevel.VETO


def test_consultation_closed_without_adoption_report(county):
    today = timezone.localdate()
    closed = ConsultationFactory(
        parent=column(county, "zjdc"),
        kind="other",
        starts_on=today - datetime.timedelta(days=70),
        ends_on=today - datetime.timedelta(days=35),
        short_period_reason="测试",
        publish=True,
    )
    (row,) = _of(findings_compute(site_ids=[county.pk]), WarningKind.ADOPTION_REPORT)
    assert (row.page_id, row.level, row.days_since) == (
        closed.pk,
        WarningLevel.OVERDUE,
        35,
    )
    closed.adoption_report = "<p>采纳情况</p>"
    closed.save_revision().publish()
    assert (
        _of(findings_compute(site_ids=[county.pk]), WarningKind.ADOPTION_REPORT) == []
    )


def test_cases_overdue_and_unanswered_for_three_months(county):
    file_case(county, days_ago_filed=20, due_in=-2)
    file_case(county, days_ago_filed=91, due_in=-60)
    found = findings_compute(site_ids=[county.pk])
    (overdue,) = _of(found, WarningKind.CASES_OVERDUE)
    assert (overdue.level, overdue.count, overdue.days_since) == (
        WarningLevel.OVERDUE,
        2,
        60,
    )
    (unanswered,) = _of(found, WarningKind.CASES_UNANSWERED)
    assert (unanswered.level, unanswered.count, unanswered.days_since) == (
        WarningLevel.VETO,
        1,
        91,
    )


def test_case_due_soon_is_a_warning(county):
    file_case(county, days_ago_filed=5, due_in=1)
    (row,) = _of(findings_compute(site_ids=[county.pk]), WarningKind.CASES_OVERDUE)
    assert (row.level, row.count, row.days_left) == (WarningLevel.NOTICE, 1, 1)


def test_a_site_sees_only_its_own_findings(county, other_site):
    publish_item(
        other_site, "zwyw" if column_exists(other_site, "zwyw") else "gzdt", days=40
    )
    found = findings_compute(site_ids=[county.pk])
    assert {f.site_id for f in found} == {county.pk}


def column_exists(site, code):
    return ColumnPage.objects.descendant_of(site.root_page).filter(code=code).exists()


def test_queries_do_not_grow_with_the_number_of_sites(
    county, city, province, department
):
    file_case(county, days_ago_filed=91, due_in=-5)
    with CaptureQueriesContext(connection) as one:
        findings_compute(site_ids=[county.pk])
    file_case(city, days_ago_filed=91, due_in=-5)
    with CaptureQueriesContext(connection) as four:
        findings_compute(site_ids=[county.pk, city.pk, province.pk, department.pk])
    assert len(four) == len(one)
