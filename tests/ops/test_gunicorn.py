"""gunicorn with the platform's settings (config/gunicorn_conf.py, which
serve_platform, the Dockerfile and compose use): long search addresses reach the
application (issue 13), and gunicorn's own log lines hold no query string or
personal data (issue 12)."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from config import gunicorn_conf
from ops.management.commands import serve_platform

ROOT = Path(__file__).resolve().parents[2]
# A query of this many Chinese characters is 9 bytes each once percent-encoded.
LONG_QUERY = "政" * 800


def test_the_request_line_limit_holds_a_long_chinese_query():
    line = f"GET /search/?q={urllib.parse.quote(LONG_QUERY)}&page=2 HTTP/1.1"
    assert len(line.encode()) > 4094  # gunicorn's default: a bare 414
    assert gunicorn_conf.limit_request_line >= len(line.encode())
    assert gunicorn_conf.limit_request_field_size > gunicorn_conf.limit_request_line
    assert "%(U)s" in gunicorn_conf.access_log_format  # the path, no query
    assert "%(r)s" not in gunicorn_conf.access_log_format
    assert "%(f)s" not in gunicorn_conf.access_log_format  # no Referer


def test_serve_platform_and_the_image_start_gunicorn_with_these_settings():
    source = Path(serve_platform.__file__).read_text()
    assert '"python:config.gunicorn_conf"' in source
    assert '"python:config.gunicorn_conf"' in (ROOT / "Dockerfile").read_text()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port, target):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{target}", timeout=10) as r:
        return r.status, r.read().decode()


@pytest.fixture
def gunicorn(tmp_path):
    port = _free_port()
    errors = tmp_path / "stderr.txt"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    with errors.open("w") as stderr:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:config.gunicorn_conf",
                "tests.ops.gunicorn_app:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(port, "/")
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(errors.read_text()[-2000:]) from None
                time.sleep(0.2)
        yield port, errors
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.smoke
def test_gunicorn_passes_long_queries_and_logs_no_personal_data(gunicorn):
    port, errors = gunicorn
    query = urllib.parse.urlencode({"q": LONG_QUERY})
    assert _get(port, f"/search/?{query}") == (200, str(len(query)))

    # An application error: gunicorn logs the address it was asked for.
    with pytest.raises(urllib.error.HTTPError) as failed:
        _get(port, "/fail?q=13812345678&email=zhang%40example.org")
    assert failed.value.code == 500
    failed.value.close()
    # A request line gunicorn cannot read: it logs the line.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(b"GET /x?phone=139-1234-5678 zhang@example.org HTTP/1.1\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 400")

    deadline = time.monotonic() + 10
    while "Invalid request" not in errors.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = errors.read_text()
    assert "Error handling request GET /fail?…" in log
    assert "Invalid request from ip=127.0.0.1" in log
    for secret in ("13812345678", "139-1234-5678", "zhang@example.org", "%40"):
        assert secret not in log


def _raw_request(port, head: bytes) -> tuple[bytes, bytes]:
    """Send ``head`` as it is; the response's header block and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(head)
        data = b""
        while chunk := raw.recv(65536):
            data += chunk
    header, _, body = data.partition(b"\r\n\r\n")
    return header, body


def test_a_request_line_over_the_limit_gets_a_chinese_page(gunicorn):
    port, errors = gunicorn
    query = urllib.parse.quote("政" * 1200)  # 10,800 bytes: over any limit
    line = f"GET /search/?q={query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    assert len(line) > gunicorn_conf.limit_request_line
    header, body = _raw_request(port, line)
    assert header.startswith(b"HTTP/1.1 414 ")
    assert b"Content-Type: text/html; charset=utf-8" in header
    assert f"Content-Length: {len(body)}".encode() in header
    page = body.decode("utf-8")
    assert "网址过长" in page and "请缩短搜索词" in page
    assert "URI Too Long" not in page
    # Refused before the application: the log line names no query.
    deadline = time.monotonic() + 10
    while "Request Line is too large" not in errors.read_text():
        assert time.monotonic() < deadline, errors.read_text()[-2000:]
        time.sleep(0.1)
    assert "%E6%94%BF" not in errors.read_text()


def test_headers_over_the_limit_get_a_chinese_page_and_other_errors_stay(gunicorn):
    port, _ = gunicorn
    cookie = "a" * (gunicorn_conf.limit_request_field_size + 10)
    header, body = _raw_request(
        port, f"GET / HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\r\n".encode()
    )
    assert header.startswith(b"HTTP/1.1 431 ")
    assert b"charset=utf-8" in header
    assert "请求信息过大" in body.decode("utf-8")
    # Any other malformed request is gunicorn's own answer, as before.
    header, _ = _raw_request(port, b"GET /x y HTTP/1.1\r\n\r\n")
    assert header.startswith(b"HTTP/1.1 400 ")
    # And the application still serves through this worker.
    assert _get(port, "/search/?q=x") == (200, "3")
