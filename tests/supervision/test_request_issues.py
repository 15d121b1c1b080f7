"""Slow and failing pages gathered from the request log (supervision/requestlog.py):
only slow or failed answers are counted, batched per process, one statement per
write; shown per site on the availability page, scoped."""

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sites.models import SiteRole
from sites.tenancy import all_sites
from supervision import requestlog, views
from supervision.models import RequestIssueDay
from supervision.selectors import failing_pages, slowest_pages
from tests.conftest import _member, admin_client_for
from tests.factories import ArticleFactory, column

pytestmark = pytest.mark.django_db

URL = "/admin/supervision/availability/"


@pytest.fixture(autouse=True)
def empty_buffer(settings):
    settings.REQUESTLOG_SLOW_MS = 3000  # as in production (the tests' is higher)
    requestlog.discard()
    yield
    requestlog.discard()


def _rows(site):
    with all_sites():
        return {row.path: row for row in RequestIssueDay.objects.filter(site=site)}


def test_slow_answers_of_a_site_are_counted_from_real_requests(county, settings):
    settings.REQUESTLOG_SLOW_MS = 0  # every answer is "slow"
    article = ArticleFactory(parent=column(county, "gzdt"), publish=True)
    client = Client(HTTP_HOST=county.host)
    path = urlsplit(article.url).path
    for _ in range(2):
        assert client.get(path).status_code == 200
    row = _rows(county)[path]
    assert (row.answers, row.slow, row.over_limit, row.failed) == (2, 2, 0, 0)
    assert row.day == timezone.localdate()
    assert row.last_status == 200
    assert row.total_ms >= row.max_ms


def test_fast_answers_cost_nothing(county, settings):
    settings.REQUESTLOG_FLUSH_SECONDS = 3600
    client = Client(HTTP_HOST=county.host)
    with CaptureQueriesContext(connection) as queries:
        requestlog.note(site_id=county.pk, path="/", status=200, duration_ms=12.5)
        requestlog.note(site_id=county.pk, path="/", status=404, duration_ms=40)
    assert len(queries) == 0
    assert client.get("/").status_code == 200
    assert requestlog.flush() == 0
    assert _rows(county) == {}


def test_server_errors_are_counted(county, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the counter failed")

    monkeypatch.setattr(views, "page_view_count", broken)
    client = Client(HTTP_HOST=county.host, raise_request_exception=False)
    for _ in range(3):
        assert client.get("/stats/hit", {"p": "1"}).status_code == 500
    row = _rows(county)["/stats/hit"]
    assert (row.answers, row.failed, row.slow, row.last_status) == (3, 3, 0, 500)


def test_batched_in_one_statement_per_write(county, city, settings):
    settings.REQUESTLOG_FLUSH_SECONDS = 3600
    with CaptureQueriesContext(connection) as queries:
        for ms in (4000, 16000, 20000):
            requestlog.note(
                site_id=county.pk, path="/zwgk/", status=200, duration_ms=ms
            )
        requestlog.note(site_id=city.pk, path="/", status=503, duration_ms=30)
        requestlog.note(site_id=None, path="/admin/", status=500, duration_ms=10)
    assert len(queries) == 0  # buffered
    with CaptureQueriesContext(connection) as queries:
        assert requestlog.flush() == 2
    inserts = [q for q in queries if "INSERT" in q["sql"]]
    assert len(inserts) == 1
    row = _rows(county)["/zwgk/"]
    assert (row.answers, row.slow, row.over_limit, row.max_ms) == (3, 3, 2, 20000)
    assert row.average_ms == 13333
    assert _rows(city)["/"].failed == 1

    # A second write adds to the day's counters.
    requestlog.note(site_id=county.pk, path="/zwgk/", status=502, duration_ms=21000)
    requestlog.flush()
    row = _rows(county)["/zwgk/"]
    assert (row.answers, row.over_limit, row.failed, row.max_ms) == (4, 3, 1, 21000)
    assert row.last_status == 502


def test_paths_lose_personal_data_and_gone_sites_are_skipped(county, settings):
    settings.REQUESTLOG_FLUSH_SECONDS = 3600
    requestlog.note(
        site_id=county.pk, path="/letters/13812345678/", status=500, duration_ms=5
    )
    requestlog.note(site_id=987654321, path="/", status=500, duration_ms=5)
    assert requestlog.flush() == 1
    (path,) = _rows(county)
    assert "13812345678" not in path and path.startswith("/letters/")


def test_too_many_distinct_addresses_are_dropped_not_kept(
    county, settings, monkeypatch
):
    settings.REQUESTLOG_FLUSH_SECONDS = 3600
    monkeypatch.setattr(requestlog, "MAX_PENDING", 3)
    for n in range(10):
        requestlog.note(site_id=county.pk, path=f"/p{n}/", status=500, duration_ms=5)
    assert requestlog.flush() == 3


def test_shown_per_site_on_the_availability_page_to_its_staff_only(
    county, city, other_editor, settings
):
    settings.REQUESTLOG_FLUSH_SECONDS = 3600
    requestlog.note(
        site_id=county.pk, path="/slow-page/", status=200, duration_ms=16500
    )
    requestlog.note(site_id=county.pk, path="/broken-page/", status=500, duration_ms=9)
    requestlog.flush()
    assert [row["path"] for row in slowest_pages(sites=[county])] == ["/slow-page/"]
    assert [row["path"] for row in failing_pages(sites=[county])] == ["/broken-page/"]
    assert slowest_pages(sites=[city]) == []

    for user in (_member(county, SiteRole.EDITOR), _member(city, SiteRole.ADMIN)):
        body = admin_client_for(user).get(URL).content.decode()
        assert "/slow-page/" in body and "/broken-page/" in body
        assert "16500" in body
    response = admin_client_for(other_editor).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "/slow-page/" not in body and "/broken-page/" not in body
    assert "最慢的地址" in body
