"""Link checking against real HTTP servers on loopback (allowed in these tests
only, through LINKCHECK_ALLOWED_NETWORKS): broken, redirected, endless, slow and
refused links, and internal links resolved without a request."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils.translation import gettext
from wagtail.models import Page

from sites.tenancy import all_sites
from supervision import links, services
from supervision.models import BrokenLink, LinkKind
from tests.conftest import admin_client_for
from tests.factories import ArticleFactory, column

pytestmark = pytest.mark.django_db


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, with_body):
        self.server.seen.append((self.command, self.path))
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        route(self, with_body)

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)


class Server:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.routes = {}
        self.httpd.seen = []
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def ok(handler, with_body):
    handler.send_response(200)
    handler.send_header("Content-Length", "2")
    handler.end_headers()
    if with_body:
        handler.wfile.write(b"ok")


def head_refused_get_ok(handler, with_body):
    if not with_body:
        handler.send_response(405)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    ok(handler, with_body)


def loop(handler, with_body):
    handler.send_response(302)
    handler.send_header("Location", handler.path)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def gone(handler, with_body):
    handler.send_response(410)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def endless(handler, with_body):
    """HEAD refused; GET answers a body that never ends."""
    if not with_body:
        handler.send_response(405)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    handler.send_response(200)
    handler.end_headers()
    chunk = b"x" * 65536
    try:
        for _ in range(10_000):  # 640 MB if nobody stops reading
            handler.wfile.write(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass


def drip(handler, with_body):
    if not with_body:
        handler.send_response(405)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    handler.send_response(200)
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    try:
        for _ in range(100):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.5)
    except (BrokenPipeError, ConnectionResetError):
        pass


@pytest.fixture
def server(settings):
    settings.LINKCHECK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.LINKCHECK_TIMEOUT = 2.0
    running = Server()
    yield running
    running.close()


def _page_with(site, html, code="gzdt"):
    return ArticleFactory(
        parent=column(site, code), publish=True, body=[("paragraph", html)]
    )


def _broken(site):
    with all_sites():
        return {row.url: row for row in BrokenLink.objects.filter(site=site)}


def test_external_links_checked_through_outbound(county, server):
    server.httpd.routes.update(
        {
            "/ok": ok,
            "/head-refused": head_refused_get_ok,
            "/loop": loop,
            "/gone": gone,
            "/endless": endless,
        }
    )
    urls = {path.strip("/"): server.url(path) for path in server.httpd.routes}
    urls["missing"] = server.url("/missing")
    page = _page_with(
        county,
        "<p>"
        + "".join(f'<a href="{url}">{name}</a>' for name, url in urls.items())
        + "</p>",
    )
    check = services.links_check(site=county)
    broken = _broken(county)
    assert set(broken) == {urls["loop"], urls["gone"], urls["missing"]}
    assert broken[urls["gone"]].status == 410
    assert broken[urls["missing"]].status == 404
    assert broken[urls["loop"]].status is None  # too many redirects
    assert broken[urls["gone"]].page_id == page.pk
    assert broken[urls["gone"]].kind == LinkKind.EXTERNAL
    assert check.broken == 3
    # HEAD first, GET only where HEAD was not answered properly.
    assert ("HEAD", "/ok") in server.httpd.seen
    assert ("GET", "/ok") not in server.httpd.seen
    assert ("GET", "/head-refused") in server.httpd.seen


def test_a_server_that_drips_times_out(county, server):
    server.httpd.routes["/drip"] = drip
    _page_with(county, f'<p><a href="{server.url("/drip")}">慢</a></p>')
    services.links_check(site=county)
    (row,) = _broken(county).values()
    assert row.status is None  # no answer in time, not an HTTP status
    assert row.reason == gettext("No answer in time.")  # the deadline, not 50 s


def test_internal_addresses_are_refused_by_default(county, settings):
    server = Server()
    try:
        server.httpd.routes["/ok"] = ok
        settings.LINKCHECK_ALLOWED_NETWORKS = ()
        targets = [server.url("/ok"), "http://169.254.169.254/latest/meta-data/"]
        _page_with(
            county, "<p>" + "".join(f'<a href="{u}">x</a>' for u in targets) + "</p>"
        )
        services.links_check(site=county)
        assert set(_broken(county)) == set(targets)
        assert server.httpd.seen == []  # nothing was sent
    finally:
        server.close()


def test_internal_links_resolved_without_requests(county):
    target = ArticleFactory(parent=column(county, "gzdt"), publish=True)
    draft = ArticleFactory(parent=column(county, "gzdt"), publish=False)
    column_url = column(county, "tzgg").url_path
    column_address = "/" + column_url[len(county.root_page.url_path) :]
    html = (
        f'<p><a linktype="page" id="{target.pk}">在</a>'
        f'<a linktype="page" id="{draft.pk}">草稿</a>'
        '<a linktype="document" id="987654">无</a>'
        f'<a href="http://{county.host}{column_address}">栏目</a>'
        f'<a href="http://{county.host}/no-such-column/">无栏目</a>'
        f'<a href="/gzdt/202601/t20260101_{target.pk}.html">文章</a></p>'
    )
    page = _page_with(county, html, code="tzgg")
    services.links_check(site=county)
    broken = _broken(county)
    assert set(broken) == {
        f"page:{draft.pk}",
        "document:987654",
        f"http://{county.host}/no-such-column/",
    }
    assert broken[f"http://{county.host}/no-such-column/"].kind == LinkKind.INTERNAL
    assert all(row.page_id == page.pk for row in broken.values())


def test_a_new_check_replaces_the_last_one(county):
    page = _page_with(county, '<p><a linktype="page" id="987654">无</a></p>')
    services.links_check(site=county)
    assert set(_broken(county)) == {"page:987654"}
    Page.objects.filter(pk=page.pk).delete()
    services.links_check(site=county)
    assert _broken(county) == {}


def test_links_found_in_stream_fields():
    found = links.links_in_html(
        '<a href="https://www.gov.cn/">国</a><a href="#top">顶</a>'
    )
    assert [link.target for link in found] == ["https://www.gov.cn/"]


def test_broken_links_are_shown_to_the_sites_staff_only(
    county, city, other_editor, platform_admin
):
    from sites.models import SiteRole
    from tests.conftest import _member

    _page_with(county, '<p><a linktype="page" id="987654">无</a></p>')
    services.links_check(site=county)
    url = "/admin/supervision/links/"
    city_admin = _member(city, SiteRole.ADMIN)
    shown = admin_client_for(city_admin).get(url).context["object_list"]
    assert [row.url for row in shown] == ["page:987654"]
    response = admin_client_for(other_editor).get(url)
    assert list(response.context["object_list"]) == []
    # Another site's editor cannot start a check of the county either.
    response = admin_client_for(other_editor).post(
        "/admin/supervision/links/check/", {"site": county.pk}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    response = admin_client_for(city_admin).post(
        "/admin/supervision/links/check/", {"site": county.pk}
    )
    assert response["Location"] == url
    export = admin_client_for(platform_admin).get(url, {"export": "csv"})
    assert "page:987654" in b"".join(export.streaming_content).decode()
