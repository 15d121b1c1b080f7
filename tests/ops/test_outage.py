"""With the database down the platform answers 503, never a 500: probes and static
files need no database, the API answers JSON, pages a static Chinese page.

The outage is real: the test closes the request's PostgreSQL connection inside the
test's transaction, so every query (and the database cache) fails as it does after
a server restart ("the connection is closed"), and Django cannot reconnect until
the test's transaction ends."""

import pytest
from django.db import connection
from django.test import Client

from sites import routing

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down():
    def stop():
        connection.ensure_connection()
        connection.close()  # inside the test's transaction: stays closed

    return stop


def _client(host):
    return Client(HTTP_HOST=host, raise_request_exception=False)


def test_healthz_stays_200_and_readyz_names_the_database(site, database_down):
    database_down()
    assert _client(site.host).get("/healthz").status_code == 200
    assert _client("localhost").get("/healthz").json() == {"status": "ok"}
    response = _client("localhost").get("/readyz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["checks"]["database"] == "unreachable"
    assert response.json()["status"] == "unavailable"


def test_static_files_are_served_without_the_database(site, database_down):
    database_down()
    for host in (site.host, "localhost"):
        response = _client(host).get("/static/themes/base/base.css")
        assert response.status_code == 200, host
        assert b"".join(response.streaming_content)


def test_public_pages_answer_a_chinese_503_with_retry_after(site, database_down):
    client = _client(site.host)
    assert client.get("/").status_code == 200  # this process now holds the map
    database_down()
    for path in ("/", "/news/", "/search/?q=通知", "/interaction/cases/new/"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response["Retry-After"].isdigit()
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert "服务暂时不可用" in html
        assert site.name in html  # from the map this process already holds


def test_a_process_without_the_registry_answers_503_too(site, database_down):
    routing.reset_local()  # a server started while the database was down
    database_down()
    response = _client(site.host).get("/news/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
    assert response["Retry-After"]


def test_the_api_answers_json_503(site, database_down):
    _client(site.host).get("/")
    database_down()
    for host, path in (
        (site.host, "/api/v1/search?q=通知"),
        ("localhost", "/api/v1/search?q=通知"),
        (site.host, "/api/v1/cases/XF2026000001"),
    ):
        response = _client(host).get(path, HTTP_X_API_KEY="gov_abcd1234_secret")
        assert response.status_code == 503, path
        assert response["Content-Type"] == "application/json"
        assert response["Retry-After"]
        assert "detail" in response.json()


def test_the_admin_answers_503(platform_admin, database_down):
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    client.force_login(platform_admin)
    database_down()
    response = client.get("/admin/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
    assert response["Retry-After"]


def test_an_ordinary_error_is_still_a_500(site, monkeypatch):
    def boom(request, path):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr("cms.views.serve", boom)
    response = _client(site.host).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_host_map_keeps_its_last_copy_when_the_registry_is_unreadable(
    site, database_down, settings
):
    settings.SITES_HOST_MAP_TTL = 0  # check the version on every lookup
    assert routing.resolve(site.host).govsite_id == site.pk
    database_down()
    assert routing.resolve(site.host).govsite_id == site.pk
