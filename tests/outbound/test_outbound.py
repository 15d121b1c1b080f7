"""core.outbound against real HTTP servers on loopback: what it refuses, and that
it still does its job for addresses it is allowed to ask."""

import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core import outbound
from core.outbound import OutboundError, OutboundRefused, OutboundTimeout, fetch

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]


class _Handler(BaseHTTPRequestHandler):
    routes: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.seen.append((self.path, dict(self.headers)))
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        route(self)

    do_POST = do_GET


class Server:
    def __init__(self, host="127.0.0.1"):
        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.routes = {}
        self.httpd.seen = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def routes(self):
        return self.httpd.routes

    @property
    def seen(self):
        return self.httpd.seen

    def url(self, path="/"):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.close()


def _ok(body=b"hello"):
    def route(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def _redirect(location, status=302):
    def route(handler):
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def test_loopback_refused_by_default_and_nothing_sent(server):
    server.routes["/"] = _ok()
    with pytest.raises(OutboundRefused) as refused:
        fetch(server.url("/"))
    assert "127.0.0.1" in str(refused.value)
    assert server.seen == []


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address refused; nothing binds to it
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_internal_addresses_refused(address):
    with pytest.raises(OutboundRefused):
        outbound.check_address(ipaddress.ip_address(address))


def test_public_address_allowed():
    outbound.check_address(ipaddress.ip_address("8.8.8.8"))
    outbound.check_address(ipaddress.ip_address("2001:4860:4860::8888"))


def test_host_name_resolving_to_loopback_refused(server):
    server.routes["/"] = _ok()
    port = server.httpd.server_address[1]
    with pytest.raises(OutboundRefused):
        fetch(f"http://localhost:{port}/")
    assert server.seen == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/", "gopher://x/", "http:///x"]
)
def test_other_schemes_refused(url):
    with pytest.raises(OutboundRefused):
        fetch(url)


def test_allowed_network_is_asked_and_answers(server):
    server.routes["/page"] = _ok("供暖通知".encode())
    response = fetch(server.url("/page?x=1"), allowed_networks=LOOPBACK)
    assert response.status == 200
    assert response.text() == "供暖通知"
    assert response.hops == (server.url("/page?x=1"),)
    path, headers = server.seen[0]
    assert path == "/page?x=1"
    assert headers["User-Agent"].startswith("GovPlatform")


def test_every_redirect_hop_is_checked_again(server):
    """127.0.0.1 is allowed, 127.0.0.2 is not: a redirect there is refused before
    the second server sees anything."""
    second = Server("127.0.0.2")
    try:
        second.routes["/secret"] = _ok(b"internal")
        server.routes["/"] = _redirect(second.url("/secret"))
        with pytest.raises(OutboundRefused):
            fetch(server.url("/"), allowed_networks=["127.0.0.1/32"])
        assert second.seen == []
        # Allowed, the same redirect is followed.
        response = fetch(server.url("/"), allowed_networks=LOOPBACK)
        assert response.body == b"internal"
        assert response.hops == (server.url("/"), second.url("/secret"))
    finally:
        second.close()


def test_redirect_to_another_host_refused_when_asked(server):
    second = Server("127.0.0.2")
    try:
        second.routes["/"] = _ok()
        server.routes["/"] = _redirect(second.url("/"))
        with pytest.raises(OutboundRefused):
            fetch(server.url("/"), allow_private=True, same_host_redirects=True)
        assert second.seen == []
    finally:
        second.close()


def test_redirect_loop_stops(server):
    server.routes["/a"] = _redirect("/b")
    server.routes["/b"] = _redirect("/a")
    with pytest.raises(OutboundError) as error:
        fetch(server.url("/a"), allow_private=True, max_redirects=4)
    assert type(error.value) is OutboundError
    assert len(server.seen) == 5


def test_no_redirects_returns_the_redirect(server):
    server.routes["/a"] = _redirect("/b", status=301)
    response = fetch(server.url("/a"), allow_private=True, max_redirects=0)
    assert response.status == 301
    assert response.headers["location"] == "/b"


def test_huge_body_is_cut(server):
    def huge(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(50_000_000))
        handler.end_headers()
        try:
            for _ in range(800):
                handler.wfile.write(b"x" * 65536)
        except OSError:
            pass

    server.routes["/huge"] = huge
    response = fetch(server.url("/huge"), allow_private=True, max_bytes=100_000)
    assert response.truncated
    assert len(response.body) == 100_000


def test_endless_drip_stops_at_the_deadline(server):
    def drip(handler):
        handler.send_response(200)
        handler.end_headers()
        try:
            while True:
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    server.routes["/drip"] = drip
    with pytest.raises(OutboundTimeout):
        fetch(server.url("/drip"), allow_private=True, timeout=1.0)


def test_server_that_never_answers_times_out():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        port = listener.getsockname()[1]
        with pytest.raises(OutboundTimeout):
            fetch(f"http://127.0.0.1:{port}/", allow_private=True, timeout=0.5)
    finally:
        listener.close()


def test_connection_refused_is_an_error_not_a_crash():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    with pytest.raises(OutboundError) as error:
        fetch(f"http://127.0.0.1:{port}/", allow_private=True, timeout=2)
    assert not isinstance(error.value, OutboundRefused)


def test_post_body_and_headers_are_sent(server):
    received = {}

    def echo(handler):
        length = int(handler.headers["Content-Length"])
        received["body"] = handler.rfile.read(length)
        received["signature"] = handler.headers["X-Signature"]
        _ok(b"{}")(handler)

    server.routes["/hook"] = echo
    response = fetch(
        server.url("/hook"),
        method="POST",
        body=b'{"event": "item.published"}',
        headers={"X-Signature": "abc", "Content-Type": "application/json"},
        allow_private=True,
    )
    assert response.ok
    assert received == {"body": b'{"event": "item.published"}', "signature": "abc"}


def test_unknown_host_is_an_error():
    with pytest.raises(OutboundError):
        fetch("http://no-such-host.invalid/", timeout=2)
