"""A real gunicorn with the platform's worker (config.gunicorn_conf) serving a
test application, and HTTP/1.1 answers read one by one from a raw socket: what
the worker's early answers (ops/gunicorn_worker.py) are tried with."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Reader:
    """HTTP/1.1 answers read one by one from a kept-alive socket (a chunked one,
    Django's error page, as its status alone)."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        self.buffer += chunk

    def answer(self):
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head = self.buffer.split(b"\r\n\r\n", 1)[0]
        if b"transfer-encoding: chunked" in head.lower():
            while b"\r\n0\r\n\r\n" not in self.buffer:
                self._fill()
            answer, self.buffer = self.buffer.split(b"\r\n0\r\n\r\n", 1)
            return int(answer.split(b" ", 2)[1]), {}, b""
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines[1:])
        length = int(headers.get("Content-Length", "0"))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(lines[0].split()[1]), headers, body


@contextlib.contextmanager
def gunicorn(
    app: str, *, static_root: Path, out: Path, probe: bytes, env: dict | None = None
) -> Iterator[int]:
    """Start gunicorn (one worker, two threads) serving ``app``, wait until it
    answers ``probe`` (raw request bytes), give its port, stop it at the end."""
    port = free_port()
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "WEB_THREADS": "2",
        "LOG_LEVEL": "INFO",
        "TEST_STATIC_ROOT": str(static_root),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        **(env or {}),
    }
    with out.open("w") as stdout:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "python:config.gunicorn_conf",
                app,
            ],
            cwd=ROOT,
            env=environ,
            stdout=stdout,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                    s.sendall(probe)
                    Reader(s).answer()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError(out.read_text()[-2000:]) from None
                time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
