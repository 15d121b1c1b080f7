"""The full-page cache of anonymous pages without a file, and Cache-Control."""

import logging

import pytest
from django.test import Client

from delivery import pagecache, services
from tests.factories import ArticleFactory, UserFactory
from tests.factories.content import column

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.DELIVERY_PAGE_CACHE_SECONDS = 300
    return settings


def _column_path(site):
    return column(site, "zwyw").get_url()


def test_a_later_list_page_is_kept_and_dropped_on_change(site, cached):
    path = _column_path(site)
    client = Client(HTTP_HOST=site.host)
    first = client.get(path, {"page": "2"})
    assert first.status_code == 200 and "X-Page-Cache" not in first
    second = client.get(path, {"page": "2"})
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "s-maxage=" in second["Cache-Control"]

    pagecache.site_changed(site_id=site.pk)
    assert "X-Page-Cache" not in client.get(path, {"page": "2"})


def test_a_change_recorded_drops_the_sites_pages(
    site, cached, django_capture_on_commit_callbacks
):
    path = _column_path(site)
    client = Client(HTTP_HOST=site.host)
    client.get(path)
    assert client.get(path)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(parent=column(site, "zwyw"), title="新稿件", publish=True)
    fresh = client.get(path)
    assert "X-Page-Cache" not in fresh
    assert "新稿件" in fresh.content.decode()


def test_other_sites_pages_stay_cached(site, other_site, cached):
    path = _column_path(other_site)
    client = Client(HTTP_HOST=other_site.host)
    client.get(path)
    services.changes_record(site_id=site.pk, page_ids=[])
    pagecache.site_changed(site_id=site.pk)
    assert client.get(path)["X-Page-Cache"] == "hit"


def test_the_key_is_the_host_and_the_allowed_parameters(site, other_site, cached):
    path = _column_path(site)
    client = Client(HTTP_HOST=site.host)
    client.get(path, {"page": "1"})
    # Another parameter: never kept (a filtered list is the application's).
    client.get(path, {"page": "1", "x": "1"})
    assert "X-Page-Cache" not in client.get(path, {"page": "1", "x": "1"})
    assert client.get(path, {"page": "1"})["X-Page-Cache"] == "hit"
    # The same path on another host is another page.
    other = Client(HTTP_HOST=other_site.host).get(path, {"page": "1"})
    assert "X-Page-Cache" not in other


def test_a_signed_in_visitor_is_never_served_nor_stored(site, cached):
    path = _column_path(site)
    user = UserFactory()
    signed_in = Client(HTTP_HOST=site.host)
    signed_in.force_login(user)
    answer = signed_in.get(path)
    assert "X-Page-Cache" not in answer
    assert "public" not in answer.get("Cache-Control", "")
    assert "X-Page-Cache" not in signed_in.get(path)
    # Nor did the signed-in answer fill the cache for anonymous visitors.
    assert "X-Page-Cache" not in Client(HTTP_HOST=site.host).get(path)


def test_posts_and_dynamic_paths_are_not_cached(site, cached):
    client = Client(HTTP_HOST=site.host)
    for _ in range(2):
        answer = client.get("/search/", {"page": "1"})
        assert "X-Page-Cache" not in answer
    assert "s-maxage" not in answer.get("Cache-Control", "")


def test_the_cache_can_be_turned_off(site, settings):
    settings.DELIVERY_PAGE_CACHE_SECONDS = 0
    client = Client(HTTP_HOST=site.host)
    path = _column_path(site)
    client.get(path)
    answer = client.get(path)
    assert "X-Page-Cache" not in answer
    assert "s-maxage=" in answer["Cache-Control"]


def test_the_logging_purge_names_the_changed_addresses(
    site, static_root, settings, caplog
):
    from delivery import publishing

    settings.DELIVERY_PURGE = "delivery.purge.purge_log"
    with caplog.at_level(logging.INFO, logger="delivery.purge"):
        publishing.site_publish(site=site)
        services.changes_record(site_id=site.pk, page_ids=[])
        ArticleFactory(parent=column(site, "zwyw"), publish=True)
        result, _later = publishing.changes_publish(site_id=site.pk)
    assert result.written
    purged = [r for r in caplog.records if r.name == "delivery.purge"]
    assert purged and purged[-1].count == len(result.written) + len(result.removed)
    assert all(url.startswith("http://" + site.host) for url in purged[-1].urls)


def test_the_embedded_server_answers_a_kept_page_before_django(site, cached):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from delivery.serving import StaticTreeApplication
    from tests.delivery.test_serving import _Django, _get

    path = _column_path(site)
    client = Client(HTTP_HOST=site.host)
    kept = client.get(path, {"page": "2"})
    app = StaticTreeApplication(_Django())
    with CaptureQueriesContext(connection) as queries:
        status, headers, body = _get(app, site.host, path, query="page=2")
    assert (status, body) == (200, kept.content)
    assert headers["X-Page-Cache"] == "hit"
    assert len(queries) == 0 and app.application.calls == []
    # A signed-in visitor, another parameter, a change: Django.
    _get(app, site.host, path, query="page=2", cookie="sessionid=abc")
    _get(app, site.host, path, query="page=2&x=1")
    pagecache.site_changed(site_id=site.pk)
    _get(app, site.host, path, query="page=2")
    assert len(app.application.calls) == 3
