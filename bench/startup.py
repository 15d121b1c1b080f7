"""Cold start and home page time, through gunicorn, on the embedded database.

Cold start: embedded PostgreSQL stopped, then the web server started; the time until
a site's home page first answers 200 (the server starts the database on first use).
Then the median time of the home page against a static file served by the same
server (the cheapest thing it can serve), as a ratio.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time

from .common import ROOT, header, row, start_gunicorn

HOST = "bench.localhost"
REQUESTS = 300


def _env(var_dir, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "static"),
        PORT=str(port),
        SITE_PORT=str(port),
        WEB_CONCURRENCY="1",
        WEB_THREADS="4",
        LOG_LEVEL="WARNING",
    )
    return env


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _get(port, path, host=HOST):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Host": host})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def _median_ms(port, path, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    samples = []
    for i in range(n + 10):
        started = time.perf_counter()
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        response.read()
        if i >= 10:  # warm-up
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, (path, response.status)
    conn.close()
    return statistics.median(samples)


def main():
    var_dir = ROOT / "var" / "bench-startup"
    var_dir.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = _env(var_dir, port)
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    if "2100000001" not in _manage(env, "list_sites"):
        _manage(
            env,
            "provision_site",
            "--code",
            "2100000001",
            "--name",
            "辽宁省人民政府",
            "--level",
            "province",
            "--division-code",
            "210000",
            "--host",
            HOST,
        )
    _manage(env, "embedded_db", "stop")

    started = time.perf_counter()
    server = start_gunicorn(env)
    try:
        while True:
            try:
                status, body = _get(port, "/")
                if status == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() - started > 120:
                raise SystemExit("the server did not answer within 120 s")
            time.sleep(0.05)
        cold = time.perf_counter() - started
        css = re.search(rb'href="(/static/[^"]+\.css)"', body).group(1).decode()
        home = _median_ms(port, "/", REQUESTS)
        static = _median_ms(port, css, REQUESTS)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        _manage(env, "embedded_db", "stop")

    header("startup: gunicorn (1 worker, 4 threads) on the embedded PostgreSQL")
    row("cold start to first 200 (database stopped before)", cold, "s")
    row(f"static file, median of {REQUESTS} (baseline)", static)
    row(f"site home page, median of {REQUESTS}", home, baseline=static)
