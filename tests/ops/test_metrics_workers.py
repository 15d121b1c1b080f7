"""/metrics under real gunicorn with two worker processes: one scrape reports the
requests every worker answered, summed (prometheus-client's multiprocess mode,
``PROMETHEUS_MULTIPROC_DIR``), not only those of the worker that answers the
scrape; and it stays protected by its token."""

import concurrent.futures
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from prometheus_client.mmap_dict import MmapedDict

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-the-workers-test"
SERIES = 'govplatform_requests_total{method="GET",status="2xx"}'

pytestmark = [pytest.mark.smoke, pytest.mark.xdist_group("smoke")]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port, path, headers=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"Host": "localhost", "Connection": "close", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return (
        f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _counts_by_process(directory: Path) -> dict[int, float]:
    """What each worker wrote of the series (its own file, named by its pid)."""
    counts = {}
    for path in directory.glob("counter_*.db"):
        pid = int(path.stem.split("_")[1])
        values = MmapedDict.read_all_values_from_file(str(path))
        for key, value, _timestamp, _position in values:
            if '"govplatform_requests_total"' in key and '"2xx"' in key:
                if '"GET"' in key:
                    counts[pid] = counts.get(pid, 0) + value
    return counts


@pytest.fixture
def platform(db, tmp_path):
    """The platform under gunicorn, two workers, on the test database (its tables
    only: /healthz and /metrics need nothing of this test's rows)."""
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    errors = tmp_path / "stderr.txt"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=_database_url(),
        VAR_DIR=str(tmp_path / "var"),
        PORT=str(port),
        WEB_CONCURRENCY="2",
        WEB_THREADS="2",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        METRICS_TOKEN=TOKEN,
        LOG_LEVEL="WARNING",
    )
    with errors.open("w") as stderr:
        server = subprocess.Popen(
            [
                sys.executable,
                *("-m", "gunicorn", "-c", "python:config.gunicorn_conf"),
                "config.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=stderr,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        answered = 0
        deadline = time.monotonic() + 90
        while True:
            try:
                assert _get(port, "/healthz")[0] == 200
                answered += 1
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(errors.read_text()[-3000:]) from None
                time.sleep(0.3)
        yield port, metrics_dir, answered, errors
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_one_scrape_sums_every_workers_requests(platform):
    port, metrics_dir, answered, errors = platform
    # Requests on fresh connections, several at a time, until both workers have
    # answered some (the kernel hands connections to either).
    deadline = time.monotonic() + 60
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        while len([n for n in _counts_by_process(metrics_dir).values() if n]) < 2:
            assert time.monotonic() < deadline, _counts_by_process(metrics_dir)
            statuses = list(pool.map(lambda _: _get(port, "/healthz")[0], range(16)))
            assert statuses == [200] * 16
            answered += 16
    by_process = _counts_by_process(metrics_dir)
    assert len(by_process) == 2
    assert all(0 < count < answered for count in by_process.values())

    # Protected: no token, or a wrong one, gets nothing (and counts as a 4xx).
    assert _get(port, "/metrics")[0] == 404, errors.read_text()[-3000:]
    assert _get(port, "/metrics", {"Authorization": "Bearer wrong"})[0] == 404

    status, body = _get(port, "/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, body[:2000]
    (reported,) = re.findall(rf"^{re.escape(SERIES)} (\S+)$", body, re.M)
    assert float(reported) == answered == sum(by_process.values())
    assert 'govplatform_requests_total{method="GET",status="4xx"} 2.0' in body
    assert "govplatform_request_duration_seconds_count" in body
    assert "govplatform_tasks_ready" in body
