"""Self-check scores from the stored warnings, links and probes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sites.models import GovSite, SiteRole
from supervision import requestlog, services
from supervision.selfcheck import ITEMS, selfcheck_list
from tests.conftest import _member, admin_client_for
from tests.factories import column

from .helpers import age_site, file_case, publish_item

pytestmark = pytest.mark.django_db


def test_failing_items_with_links_to_fix_them(county):
    age_site(county, 20)
    file_case(county, days_ago_filed=95, due_in=-70)
    GovSite.objects.filter(pk=county.pk).update(icp_number="")
    county.refresh_from_db()
    services.warnings_refresh(site_ids=[county.pk])
    (check,) = selfcheck_list(sites=[county])
    failing = {failure.code: failure for failure in check.failures}
    assert {"home_page", "empty_columns", "messages", "deadlines", "filing"} <= set(
        failing
    )
    assert check.vetoed
    assert check.score == round(100 * (len(ITEMS) - len(failing)) / len(ITEMS))
    assert failing["home_page"].fix_url == f"/admin/pages/{county.root_page.pk}/edit/"
    assert failing["filing"].fix_url == f"/admin/govsites/edit/{county.pk}/"


def test_a_tidy_site_passes_the_items_it_can(county):
    for code in ("gzdt",):
        publish_item(county, code, days=1)
    services.warnings_refresh(site_ids=[county.pk])
    (check,) = selfcheck_list(sites=[county])
    assert "home_page" not in {f.code for f in check.failures}
    assert "columns" not in {f.code for f in check.failures}
    assert column(county, "gzdt")


def test_selfcheck_page_shows_the_users_sites_only(county, other_site, other_editor):
    services.warnings_refresh(site_ids=[county.pk, other_site.pk])
    response = admin_client_for(other_editor).get("/admin/supervision/selfcheck/")
    body = response.content.decode()
    assert response.status_code == 200
    assert other_site.code in body
    assert county.code not in body


def _errors(site, path, *, days_ago=0, failed=1):
    """Server errors the request log counted on ``site``'s ``path`` that day."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    counter = requestlog._Counter(answers=failed, failed=failed, last_status=500)
    requestlog.request_issues_store({(site.pk, day, path): counter})


def test_server_errors_on_public_pages_in_the_last_week_fail_an_item(county, city):
    _errors(county, "/news/gzdt/", failed=2)
    _errors(county, "/zwgk/", days_ago=6)
    _errors(county, "/news/", days_ago=7)  # a week ago: not counted
    _errors(county, "/admin/pages/", failed=5)  # staff pages: not public
    _errors(city, "/news/", days_ago=8)
    checks = {check.site.pk: check for check in selfcheck_list(sites=[county, city])}
    failing = {f.code: f for f in checks[county.pk].failures}
    errors = failing["server_errors"]
    assert errors.detail == "3" and not errors.veto
    assert errors.fix_url == "/admin/supervision/availability/#failing"
    assert "server_errors" not in {f.code for f in checks[city.pk].failures}
    assert "server_errors" in {code for code, _label, _veto in ITEMS}


def test_the_item_is_named_in_chinese(county):
    _errors(county, "/news/gzdt/")
    services.warnings_refresh(site_ids=[county.pk])
    page = admin_client_for(_member(county, SiteRole.ADMIN)).get(
        "/admin/supervision/selfcheck/"
    )
    body = page.content.decode()
    assert "近 7 天公开页面无服务器错误（5xx）" in body
    assert "/admin/supervision/availability/#failing" in body


def test_the_queries_do_not_grow_with_the_sites(
    county, city, province, other_site, settings
):
    settings.SITES_HOST_MAP_TTL = 3600  # no registry version check in between
    for site in (county, city, province, other_site):
        _errors(site, "/")
    services.warnings_refresh(site_ids=[county.pk, city.pk, province.pk])
    with CaptureQueriesContext(connection) as one:
        selfcheck_list(sites=[county])
    with CaptureQueriesContext(connection) as four:
        checks = selfcheck_list(sites=[county, city, province, other_site])
    assert len(four.captured_queries) == len(one.captured_queries)
    assert all("server_errors" in {f.code for f in c.failures} for c in checks)
