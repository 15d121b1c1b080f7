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


# answer_raw: the same answers one step earlier, from the request's bytes (the
# gunicorn worker offers it a kept-alive connection's next request).


def _raw(app, host, path, *, method="GET", extra=b""):
    request = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\n".encode() + extra + b"\r\n"
    found = app.answer_raw(request)
    if found is None:
        return None
    response, used = found
    assert used == len(request)
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def test_the_raw_answer_is_the_wsgi_answer(published, app, settings):
    _status, wsgi_headers, wsgi_body = _get(app, published.host, "/")
    with CaptureQueriesContext(connection) as queries:
        status, headers, body = _raw(app, published.host, "/")
    assert len(queries) == 0
    assert status == 200 and body == wsgi_body
    assert headers.pop("Server") == "gunicorn"
    assert headers.pop("Connection") == "keep-alive"
    assert headers.pop("Date").endswith(" GMT")
    assert headers == wsgi_headers
    # The address of a port or of a final dot is the same host.
    assert _raw(app, published.host + ":8000", "/")[2] == wsgi_body
    assert (
        _raw(app, published.host.upper(), "/sitemap.xml")[1]["Content-Type"]
        == (_get(app, published.host, "/sitemap.xml")[1]["Content-Type"])
    )


def test_the_raw_answer_sees_a_replaced_file_at_once(published, app):
    from delivery import tree

    first = _raw(app, published.host, "/")
    again = _raw(app, published.host, "/")
    assert again == first
    tree.write(published.host, "/", first[2] + b"<!-- republished -->")
    _status, headers, body = _raw(app, published.host, "/")
    assert body.endswith(b"<!-- republished -->")
    assert headers["ETag"] != first[1]["ETag"]
    assert int(headers["Content-Length"]) == len(body)
    tree.remove(published.host, "/")
    assert _raw(app, published.host, "/") is None


def test_raw_not_modified_and_head(published, app):
    _status, headers, _body = _raw(app, published.host, "/")
    etag = f"If-None-Match: {headers['ETag']}\r\n".encode()
    status, again, body = _raw(app, published.host, "/", extra=etag)
    assert status == 304 and body == b"" and again["ETag"] == headers["ETag"]
    status, head, body = _raw(app, published.host, "/", method="HEAD")
    assert status == 200 and body == b""
    assert head["Content-Length"] == headers["Content-Length"]


def test_raw_hsts_only_for_https_through_the_proxy(published, settings, static_root):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    app = StaticTreeApplication(_Django())
    plain = _raw(app, published.host, "/")[1]
    secure = _raw(app, published.host, "/", extra=b"X-Forwarded-Proto: https\r\n")[1]
    wsgi = _get(app, published.host, "/", headers={"HTTP_X_FORWARDED_PROTO": "https"})
    assert "Strict-Transport-Security" not in plain
    assert secure["Strict-Transport-Security"] == wsgi[1]["Strict-Transport-Security"]


@pytest.mark.parametrize(
    ("method", "path", "extra"),
    [
        ("POST", "/", b"Content-Length: 0\r\n"),
        ("GET", "/?page=2", b""),
        ("GET", "/", b"Cookie: sessionid=abc\r\n"),
        ("GET", "/", b"Cookie: gov_senior=1\r\n"),
        ("GET", "/", b"Content-Length: 5\r\n"),
        ("GET", "/", b"Transfer-Encoding: chunked\r\n"),
        ("GET", "/", b"Connection: close\r\n"),
        ("GET", "/", b"Upgrade: h2c\r\n"),
        ("GET", "/", b"Host: second.example.cn\r\n"),
        ("GET", "/", b"Bad Header: x\r\n"),
        ("GET", "/", b" folded\r\n"),
        ("GET", "/../../etc/passwd", b""),
        ("GET", "/%2e%2e/", b""),
        ("GET", "/.hidden.html", b""),
        ("GET", "/nowhere.html", b""),
        ("GET", "http://x/", b""),
    ],
)
def test_raw_leaves_everything_else_to_gunicorn_and_django(
    published, app, method, path, extra
):
    assert _raw(app, published.host, path, method=method, extra=extra) is None


def test_raw_unknown_hosts_and_old_http(published, other_site, app):
    assert _raw(app, other_site.host, "/") is None
    assert _raw(app, "unknown.example.cn", "/") is None
    assert _raw(app, "../" + published.host, "/") is None
    request = f"GET / HTTP/1.0\r\nHost: {published.host}\r\n\r\n".encode()
    assert app.answer_raw(request) is None
    assert (
        app.answer_raw(f"GET / HTTP/1.1\r\nHost: {published.host}\r\n".encode()) is None
    )


def test_raw_pipelined_requests_are_answered_one_at_a_time(published, app):
    one = f"GET / HTTP/1.1\r\nHost: {published.host}\r\n\r\n".encode()
    response, used = app.answer_raw(one + one[:10])
    assert used == len(one) and response.startswith(b"HTTP/1.1 200 OK")


def test_raw_can_be_turned_off(published, settings):
    settings.DELIVERY_SERVE_STATIC = False
    app = StaticTreeApplication(_Django())
    assert _raw(app, published.host, "/") is None
