"""The gunicorn worker answers a POST from an address the flood gate refuses on
that path from the request's bytes (interaction/floodgate.py's answer_raw), with
the same 429 as Django's, its body skipped; every other request, a legitimate
address on the same path, an incomplete body, an address the rate limiter would
read otherwise, still reaches gunicorn and Django."""

import socket
import time

import pytest

from tests.ops.rawhttp import Reader as _Reader
from tests.ops.rawhttp import gunicorn

HOST = "letters.example.gov.cn"


def _post(*, ip=None, body=b"title=x", path="/letters/", extra=""):
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n"
    )
    if ip:
        head += f"X-Real-IP: {ip}\r\n"
    return (head + extra + "\r\n").encode() + body


def _get(path):
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()


def _start(tmp_path, meta_key):
    (tmp_path / "public").mkdir(exist_ok=True)
    with gunicorn(
        "tests.ops.floodgate_app:app",
        static_root=tmp_path / "public",
        out=tmp_path / "stdout.txt",
        probe=_get("/seen/"),
        env={"RATELIMIT_IP_META_KEY": meta_key},
    ) as port:
        yield port


@pytest.fixture(scope="module")
def behind_proxy(tmp_path_factory):
    """One gunicorn reading the client's address from X-Real-IP (as behind nginx)."""
    yield from _start(tmp_path_factory.mktemp("floodgate"), "HTTP_X_REAL_IP")


def _connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return sock, _Reader(sock)


def _seen(port) -> int:
    """How many requests reached Django so far."""
    sock, reader = _connect(port)
    with sock:
        sock.sendall(_get("/seen/"))
        return int(reader.answer()[2])


def _refuse(port, ip, seconds=600):
    """The address over its limit: Django's view refuses it (and the gate learns)."""
    sock, reader = _connect(port)
    with sock:
        sock.sendall(_post(ip=ip, body=f"flood={seconds}".encode()))
        return reader.answer()


def _without(headers, *names):
    return {k: v for k, v in headers.items() if k not in names}


def test_a_refused_address_is_answered_before_django_with_the_same_429(
    behind_proxy,
):
    port = behind_proxy
    django_status, django_headers, django_body = _refuse(port, "203.0.113.1")
    assert django_status == 429
    assert "提交次数过多" in django_body.decode()
    before = _seen(port)
    sock, reader = _connect(port)
    with sock:
        # A new connection's first request, then kept-alive ones.
        for n in range(4):
            sock.sendall(_post(ip="203.0.113.1", body=f"title=again{n}".encode()))
            status, headers, body = reader.answer()
            assert (status, body) == (429, django_body)
            assert _without(headers, "Date", "X-Request-ID") == _without(
                django_headers, "Date", "X-Request-ID"
            )
            assert headers["Connection"] == "keep-alive"
            assert len(headers["X-Request-ID"]) == 32
    assert _seen(port) == before


def test_a_legitimate_address_on_the_same_path_is_served_by_django(behind_proxy):
    port = behind_proxy
    _refuse(port, "203.0.113.2")
    before = _seen(port)
    sock, reader = _connect(port)
    with sock:
        sock.sendall(_post(ip="203.0.113.2"))
        assert reader.answer()[0] == 429
        sock.sendall(_post(ip="198.51.100.2"))
        assert reader.answer()[2] == b"from django 198.51.100.2 7"
        sock.sendall(_post(ip="203.0.113.2", path="/letters/other/"))
        # Another path: not refused there.
        assert reader.answer()[2] == b"from django 203.0.113.2 7"
    assert _seen(port) == before + 2


def test_the_body_is_skipped_so_the_next_request_is_read_right(behind_proxy):
    port = behind_proxy
    _refuse(port, "203.0.113.3")
    before = _seen(port)
    sock, reader = _connect(port)
    with sock:
        # Request-like bytes in the body: never read as a request.
        body = b"title=" + "长信".encode() * 2000
        body += b"\r\n\r\nPOST /letters/ HTTP/1.1\r\n\r\n"
        sock.sendall(_post(ip="203.0.113.3", body=body) + _get("/seen/"))
        assert reader.answer()[0] == 429
        assert reader.answer()[2] == str(before).encode()  # answered early
        # Pipelined after a request gunicorn reads: gunicorn reads them all.
        sock.sendall(
            _post(ip="203.0.113.3", body=body)
            + _post(ip="198.51.100.3", body=b"a=1")
            + _post(ip="203.0.113.3")
            + _get("/seen/")
        )
        answers = [reader.answer() for _ in range(4)]
    assert [a[0] for a in answers] == [429, 200, 429, 200]
    assert answers[1][2] == b"from django 198.51.100.3 3"


def test_an_incomplete_body_goes_to_gunicorn(behind_proxy):
    port = behind_proxy
    _refuse(port, "203.0.113.4")
    before = _seen(port)
    sock, reader = _connect(port)
    with sock:
        request = _post(ip="203.0.113.4", body=b"title=" + b"x" * 5000)
        sock.sendall(request[:-3000])
        time.sleep(0.3)
        sock.sendall(request[-3000:])
        status, _headers, body = reader.answer()
        # Refused all the same, by the flood gate in Django's middleware.
        assert status == 429 and "提交次数过多" in body.decode()
        sock.sendall(_post(ip="198.51.100.4"))
        assert reader.answer()[2] == b"from django 198.51.100.4 7"
        # A chunked body too.
        sock.sendall(
            b"POST /letters/ HTTP/1.1\r\nHost: x\r\nX-Real-IP: 203.0.113.4\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n3\r\na=1\r\n0\r\n\r\n"
        )
        assert reader.answer()[0] == 429
    assert _seen(port) == before + 3


def test_the_address_is_read_as_the_rate_limiter_reads_it(behind_proxy):
    port = behind_proxy
    _refuse(port, "203.0.113.5")
    before = _seen(port)
    sock, reader = _connect(port)
    with sock:
        # Behind the proxy the connection's address is the proxy's: only the
        # header names the client, so the same connection's other client passes.
        sock.sendall(_post(ip="203.0.113.5"))
        assert reader.answer()[0] == 429
        sock.sendall(_post(ip="203.0.113.55"))
        assert reader.answer()[0] == 200
        # A second X-Real-IP line: not the early answer's to judge (gunicorn
        # joins them, the rate limiter cannot read that), nor one spelled with
        # underscores (gunicorn drops it).
        sock.sendall(_post(ip="203.0.113.5", extra="X-Real-IP: 203.0.113.5\r\n"))
        assert reader.answer()[0] == 500  # as the rate limiter: unreadable
        sock.sendall(_post(ip="198.51.100.5", extra="X_Real_IP: 203.0.113.5\r\n"))
        assert reader.answer()[2] == b"from django 198.51.100.5 7"
    assert _seen(port) == before + 3


def test_without_a_proxy_the_connections_address_decides(tmp_path):
    gen = _start(tmp_path, "")
    port = next(gen)
    try:
        _refuse(port, None)
        before = _seen(port)
        sock, reader = _connect(port)
        with sock:
            # X-Real-IP means nothing here: the connection is 127.0.0.1.
            sock.sendall(_post(ip="198.51.100.6"))
            assert reader.answer()[0] == 429
            sock.sendall(_post())
            assert reader.answer()[0] == 429
        assert _seen(port) == before
    finally:
        gen.close()


def test_a_request_asking_to_close_is_answered_and_closed(behind_proxy):
    port = behind_proxy
    _refuse(port, "203.0.113.7")
    before = _seen(port)
    sock, reader = _connect(port)
    with sock:
        sock.sendall(_post(ip="203.0.113.7", extra="Connection: close\r\n"))
        status, headers, _body = reader.answer()
        assert status == 429 and headers["Connection"] == "close"
        assert sock.recv(100) == b""
    assert _seen(port) == before


def test_the_gate_forgets_the_address_when_its_window_ends(behind_proxy):
    port = behind_proxy
    _refuse(port, "203.0.113.8", seconds=1)
    sock, reader = _connect(port)
    with sock:
        sock.sendall(_post(ip="203.0.113.8"))
        assert reader.answer()[0] == 429
        time.sleep(1.2)
        before = _seen(port)
        sock.sendall(_post(ip="203.0.113.8"))
        assert reader.answer()[2] == b"from django 203.0.113.8 7"
    assert _seen(port) == before + 1
