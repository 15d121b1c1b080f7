"""The quick-start path, for real: the embedded database from nothing, migrations,
a provisioned site answering 200 through gunicorn, and its data surviving a restart
of the web process."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.smoke, pytest.mark.xdist_group("smoke")]


def _env(var_dir: Path, port: int) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "static"),
        PORT=str(port),
        SITE_PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    return env


def _manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _get(url, host):
    request = urllib.request.Request(url, headers={"Host": host})
    # Generous: a first request on a loaded 2-core machine can take seconds.
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def _serve(env, port):
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:config.gunicorn_conf",
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _get(f"http://127.0.0.1:{port}/healthz", "localhost")
            return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    server.kill()
    raise AssertionError("gunicorn did not answer within 60 s")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_quick_start_serves_a_site_and_keeps_data_across_restarts(tmp_path):
    port = _free_port()
    env = _env(tmp_path / "var", port)
    try:
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
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
            "ln.localhost",
        )
        server = _serve(env, port)
        try:
            status, body = _get(f"http://127.0.0.1:{port}/", "ln.localhost")
            assert status == 200
            assert "辽宁省人民政府" in body
            status, body = _get(f"http://127.0.0.1:{port}/readyz", "localhost")
            assert (status, '"status": "ok"' in body) == (200, True)
        finally:
            os.killpg(server.pid, signal.SIGKILL)  # the web process dies hard
            server.wait()

        server = _serve(env, port)
        try:
            status, body = _get(f"http://127.0.0.1:{port}/", "ln.localhost")
            assert status == 200
            assert "辽宁省人民政府" in body
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
        assert "2100000001" in _manage(env, "list_sites")
    finally:
        subprocess.run(
            [sys.executable, "manage.py", "embedded_db", "stop"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=60,
        )
