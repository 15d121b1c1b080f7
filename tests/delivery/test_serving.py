"""The embedded server answers published pages from the static tree, before
Django and without the database; everything personal goes to Django."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from delivery import publishing, rendering
from delivery.serving import StaticTreeApplication

pytestmark = pytest.mark.django_db


class _Django:
    """Stands for the application behind the static tree: records each call."""

    def __init__(self):
        self.calls = []

    def __call__(self, environ, start_response):
        self.calls.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"from django"]


def _get(app, host, path, *, method="GET", query="", cookie="", headers=None):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.encode().decode("latin-1"),
        "QUERY_STRING": query,
        "HTTP_HOST": host,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        **({"HTTP_COOKIE": cookie} if cookie else {}),
        **(headers or {}),
    }
    answer = {}

    def start_response(status, response_headers):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(response_headers)

    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.fixture
def published(site, static_root):
    publishing.site_publish(site=site)
    return site


@pytest.fixture
def app(static_root):
    return StaticTreeApplication(_Django())


def test_a_published_page_is_served_without_the_database(published, app):
    expected = rendering.render(published.host, "/")
    with CaptureQueriesContext(connection) as queries:
        status, headers, body = _get(app, published.host, "/")
    assert status == 200
    assert body == expected.body
    assert len(queries) == 0
    assert app.application.calls == []
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "s-maxage=" in headers["Cache-Control"]


def test_the_static_answer_carries_djangos_headers(published, app):
    django = Client(HTTP_HOST=published.host).get("/sitemap.xml")
    _status, headers, body = _get(app, published.host, "/sitemap.xml")
    assert body == django.content
    for name in (
        "Content-Type",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
        "Cross-Origin-Opener-Policy",
    ):
        assert headers[name] == django[name], name

    def directives(value):
        return {part.strip() for part in value.split(";")}

    assert directives(headers["Content-Security-Policy"]) == directives(
        django["Content-Security-Policy"]
    )


def test_a_second_visit_is_answered_not_modified(published, app):
    _status, headers, _body = _get(app, published.host, "/")
    status, _headers, body = _get(
        app, published.host, "/", headers={"HTTP_IF_NONE_MATCH": headers["ETag"]}
    )
    assert status == 304 and body == b""


def test_head_gets_headers_only(published, app):
    status, headers, body = _get(app, published.host, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "POST"},
        {"query": "page=2"},
        {"cookie": "sessionid=abc123; gov_senior=1"},
        {"cookie": "csrftoken=x; sessionid=abc"},
    ],
    ids=["post", "query-string", "signed-in", "signed-in-second-cookie"],
)
def test_personal_requests_go_to_django(published, app, request_kwargs):
    _status, _headers, body = _get(app, published.host, "/", **request_kwargs)
    assert body == b"from django"
    assert app.application.calls == ["/"]


def test_other_cookies_keep_the_static_page(published, app):
    # The senior-friendly choice is a stylesheet of its own: pages are the same.
    _status, _headers, body = _get(app, published.host, "/", cookie="gov_senior=1")
    assert body != b"from django"


@pytest.mark.parametrize(
    "path",
    ["/../../etc/passwd", "/nosuch/", "/nowhere.html", "/.hidden.html", "/%2e%2e/"],
)
def test_addresses_without_a_file_go_to_django(published, app, path):
    _status, _headers, body = _get(app, published.host, path)
    assert body == b"from django"


def test_another_host_never_gets_this_hosts_files(published, other_site, app):
    _status, _headers, body = _get(app, other_site.host, "/")
    assert body == b"from django"
    _status, _headers, body = _get(app, "unknown.example.cn", "/")
    assert body == b"from django"


def test_the_static_tree_can_be_turned_off(published, settings):
    settings.DELIVERY_SERVE_STATIC = False
    app = StaticTreeApplication(_Django())
    _status, _headers, body = _get(app, published.host, "/")
    assert body == b"from django"
