"""The gunicorn worker (ops/gunicorn_worker.py) answers a kept-alive connection's
plain GET of a published file from the request's bytes (delivery.serving's
answer_raw), with the same answer as through WSGI; everything else, a pipelined
request among them, still reaches gunicorn and the application."""

import json
import os
import socket
import time
from pathlib import Path

import pytest

from tests.ops.rawhttp import Reader as _Reader
from tests.ops.rawhttp import gunicorn

HOST = "fast.example.gov.cn"
PAGE = "<!DOCTYPE html><html><body><p>静态页面</p></body></html>".encode()


def _request(path, *, host=HOST, extra=""):
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()


def _start(tmp_path):
    public = tmp_path / "public"
    (public / HOST / "news").mkdir(parents=True)
    (public / HOST / "index.html").write_bytes(PAGE)
    (public / HOST / "news" / "big.html").write_bytes(b"<p>" + b"x" * 400_000)
    out = tmp_path / "stdout.txt"
    with gunicorn(
        "tests.ops.static_tree_app:app",
        static_root=public,
        out=out,
        probe=_request("/"),
    ) as port:
        yield port, public, out


@pytest.fixture
def server(tmp_path):
    """A gunicorn of the test's own (its log holds only the test's answers)."""
    yield from _start(tmp_path)


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    """One gunicorn for the tests that change no file and read no log."""
    yield from _start(tmp_path_factory.mktemp("fast_path"))


def _early_lines(out: Path) -> list[dict]:
    lines = []
    for line in out.read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("early"):
            lines.append(record)
    return lines


def test_kept_alive_requests_are_answered_early_with_the_same_answer(server):
    port, public, out = server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        reader = _Reader(sock)
        sock.sendall(_request("/"))
        first = reader.answer()  # a new connection: gunicorn and WSGI
        for _ in range(3):
            sock.sendall(_request("/"))
            again = reader.answer()
            assert again[0] == 200 and again[2] == PAGE
            assert {k: v for k, v in again[1].items() if k != "Date"} == {
                k: v for k, v in first[1].items() if k != "Date"
            }
        # A replaced file (as publishing writes it) is served at once.
        new = public / HOST / ".new.tmp"
        new.write_bytes(PAGE + b"<!-- 2 -->")
        os.replace(new, public / HOST / "index.html")
        sock.sendall(_request("/"))
        assert reader.answer()[2] == PAGE + b"<!-- 2 -->"
        # A second visit: 304, and the connection goes on.
        etag = first[1]["ETag"]
        sock.sendall(_request("/", extra=f"If-None-Match: {etag}\r\n"))
        assert reader.answer()[0] == 200  # the file changed since
        sock.sendall(_request("/"))
        etag = reader.answer()[1]["ETag"]
        sock.sendall(_request("/", extra=f"If-None-Match: {etag}\r\n"))
        assert reader.answer()[0] == 304
    deadline = time.monotonic() + 10
    while len(_early_lines(out)) < 6 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(_early_lines(out)) >= 6


def test_pipelined_and_other_requests_still_reach_the_application(shared_server):
    port, _public, _out = shared_server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        reader = _Reader(sock)
        sock.sendall(_request("/"))
        reader.answer()
        sock.sendall(
            _request("/")
            + _request("/nowhere/")
            + _request("/", extra="Cookie: gov_senior=1\r\n")
            + _request("/", extra="Cookie: sessionid=abc\r\n")
            + _request("/", host="other.example.gov.cn")
            + _request("/../index.html")
            + _request("/")
        )
        answers = [reader.answer() for _ in range(7)]
    assert answers[0][2] == PAGE
    assert answers[1][2] == b"from django /nowhere/"
    assert answers[2][2] == PAGE  # a cookie: through WSGI, still the file
    assert answers[3][2] == b"from django /"  # signed in
    assert answers[4][2] == b"from django /"  # a host without a folder
    assert answers[5][2] != PAGE
    assert answers[6][2] == PAGE


def test_an_answer_larger_than_the_socket_buffer_arrives_whole(shared_server):
    port, public, _out = shared_server
    big = (public / HOST / "news" / "big.html").read_bytes()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    with sock:
        reader = _Reader(sock)
        for _ in range(3):
            sock.sendall(_request("/news/big.html"))
            time.sleep(0.3)  # the server's send finds the buffer full
            status, _headers, body = reader.answer()
            assert status == 200 and body == big
        sock.sendall(_request("/"))
        assert reader.answer()[2] == PAGE
