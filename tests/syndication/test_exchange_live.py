"""Two live installs of the platform on loopback, each with its own database
(``manage.py serve_platform``: gunicorn, the task worker, the scheduler): the
first sends a published notice to the second through its outbox (signed, by
its own worker), and the second shows it in its receiving site's inbox, in its
admin, to an editor who signed in with a password and a second factor.

The two databases are made on the PostgreSQL server of the test run (or its
embedded one) as copies of a migrated template, kept between runs while the
migrations stay the same, and dropped afterwards."""

from __future__ import annotations

import html
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.oath import TOTP

from bench.common import server_params
from tests import dbtemplate

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.smoke, pytest.mark.xdist_group("exchange_live")]

PEER_CODE = "lnsx-exchange"
SECRET = secrets.token_hex(16)
TITLE = "跨平台推送的通知：关于做好秋冬季森林防火工作的通知"


# -- the databases ---------------------------------------------------------------


def _server() -> dict:
    """How to reach the test run's PostgreSQL server (psycopg parameters)."""
    return server_params(settings.DATABASES["default"])


def _url(params: dict, name: str) -> str:
    user = urllib.parse.quote(params["user"] or "postgres", safe="")
    password = params["password"]
    auth = f"{user}:{urllib.parse.quote(password, safe='')}" if password else user
    host = urllib.parse.quote(str(params["host"] or "127.0.0.1"), safe="")
    return f"postgres://{auth}@{host}:{params['port'] or 5432}/{name}"


def _admin(params: dict, *statements):
    """Run statements on the server's ``postgres`` database: each a query with
    its arguments, or ``(template, database names)`` for statements that name
    databases (quoted as identifiers)."""
    import psycopg
    from psycopg import sql

    results = []
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
        for template, *names in statements:
            if names and isinstance(names[0], list):  # query arguments
                results.append(conn.execute(template, names[0]).fetchall())
                continue
            query = sql.SQL(template).format(*(sql.Identifier(n) for n in names))
            conn.execute(query)
            results.append([])
    return results


def _env(*, database_url: str, var_dir: Path, port: int | None = None) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=database_url,
        VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "static"),
        WEB_CONCURRENCY="1",
        LOG_LEVEL="WARNING",
    )
    if port is not None:
        env.update(PORT=str(port), SITE_PORT=str(port))
    return env


def _manage(env: dict, *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (args, result.stderr[-3000:])
    return result.stdout


def _template() -> str:
    """The test run's migrated template (tests/dbtemplate.py), the one every test
    database is a copy of: built by the run's first database test, or here."""
    from django.db import connection

    return dbtemplate.ensure(connection)


@pytest.fixture
def two_databases(tmp_path):
    params = _server()
    template = _template()
    base = template.rpartition("_xtpl_")[0]
    names = [f"{base}_x{side}_{os.getpid()}" for side in ("a", "b")]
    for name in names:
        _admin(
            params,
            ("DROP DATABASE IF EXISTS {} WITH (FORCE)", name),
            ("CREATE DATABASE {} TEMPLATE {}", name, template),
        )
    try:
        yield [_url(params, name) for name in names]
    finally:
        for name in names:
            _admin(params, ("DROP DATABASE IF EXISTS {} WITH (FORCE)", name))


# -- the installs ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A client of one install over plain HTTP on loopback, with its cookies;
    redirects are answers (followed by the caller)."""

    def __init__(self, port: int, host: str):
        self.port = port
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": self.host}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, response.getheader("Location") or "", text

    def form_post(self, path: str, data: dict):
        status, _location, page = self.request("GET", path)
        assert status == 200, (path, status, page[-1500:])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[-1500:]
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": token[1]})


def _start(env: dict, port: int, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "serve_platform", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_serving(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            status, _l, _t = Browser(port, "127.0.0.1").request("GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise AssertionError(log.read_text()[-3000:])
        time.sleep(0.3)


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _shells(*runs: tuple[dict, str]) -> list:
    """``_shell`` in each install at once (one process each)."""
    started = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for env, code in runs
    ]
    results = []
    for process in started:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


# Each install is set up by one Django process (provisioning its site as
# ``provision_site`` does, its peer as a platform admin would).
SENDER_SETUP = """
import json
from django.core.management import call_command
from cms.models import ArticlePage, ColumnPage
from sites.models import GovSite
from syndication.models import Peer
from wagtail.rich_text import RichText
call_command("provision_site", code="2100000001", name="发送方省人民政府",
             level="province", division_code="210000", host="sender.localhost")
site = GovSite.objects.get(code="2100000001")
column = ColumnPage.objects.descendant_of(site.root_page).get(code="tzgg")
page = ArticlePage(title=TITLE, body=[("paragraph", RichText(
    "<p>各县（市、区）人民政府：现将有关事项通知如下。</p>"
    "<script>alert(1)</script>"))], live=False)
column.add_child(instance=page)
page.save_revision().publish()
Peer.objects.create(code=CODE, name="接收方平台", base_url=BASE, secret=SECRET,
                    site=site, allow_private=True)
print(json.dumps({"page": page.pk}))
"""

RECEIVER_SETUP = """
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from sites.models import GovSite, SiteRole
from sites.services import site_groups
from syndication.models import Peer
call_command("provision_site", code="2200000001", name="接收方省人民政府",
             level="province", division_code="220000", host="receiver.localhost")
site = GovSite.objects.get(code="2200000001")
Peer.objects.create(code=CODE, name="发送方平台", base_url=BASE, secret=SECRET,
                    site=site, allow_private=True)
user = get_user_model().objects.create_user("receiving_editor", password=PASSWORD)
site_groups(site=site)[SiteRole.EDITOR].user_set.add(user)
device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
print(json.dumps({"key": device.key}))
"""

AFTER = """
import json
from sites.tenancy import all_sites
from syndication.models import OutboxMessage, ReceivedItem
with all_sites():
    print(json.dumps({
        "outbox": list(OutboxMessage.objects.values("state", "attempts")),
        "received": list(ReceivedItem.objects.values("title", "body")),
    }, ensure_ascii=False))
"""


def _with(code: str, **values) -> str:
    names = "".join(f"{name} = {value!r}\n" for name, value in values.items())
    return names + code


def _sign_in(browser: Browser, *, password: str, key: str) -> None:
    status, location, page = browser.form_post(
        "/admin/login/",
        {"username": "receiving_editor", "password": password, "next": "/admin/"},
    )
    assert status == 302, page[-2000:]
    # The second factor: the code of the editor's authenticator.
    status, location, page = browser.request("GET", "/admin/")
    assert status == 302 and "second-factor" in location, (status, location)
    verify = urllib.parse.urlsplit(location)
    path = verify.path + (f"?{verify.query}" if verify.query else "")
    code = f"{TOTP(bytes.fromhex(key), 30, 0, 6, 0).token():06d}"
    status, location, page = browser.form_post(path, {"code": code})
    assert status == 302, page[-2000:]


def test_one_install_sends_an_item_the_other_shows_in_a_sites_inbox(
    two_databases, tmp_path
):
    started = time.monotonic()
    url_a, url_b = two_databases
    port_a, port_b = _free_port(), _free_port()
    env_a = _env(database_url=url_a, var_dir=tmp_path / "a", port=port_a)
    env_b = _env(database_url=url_b, var_dir=tmp_path / "b", port=port_b)
    password = secrets.token_urlsafe(16)
    receiving, sending = _shells(
        (
            env_b,
            _with(
                RECEIVER_SETUP,
                CODE=PEER_CODE,
                SECRET=SECRET,
                BASE=f"http://127.0.0.1:{port_a}",
                PASSWORD=password,
            ),
        ),
        (
            env_a,
            _with(
                SENDER_SETUP,
                TITLE=TITLE,
                CODE=PEER_CODE,
                SECRET=SECRET,
                BASE=f"http://127.0.0.1:{port_b}",
            ),
        ),
    )
    set_up = time.monotonic()

    server_b = _start(env_b, port_b, tmp_path / "b.log")
    try:
        server_a = _start(env_a, port_a, tmp_path / "a.log")
        try:
            _wait_serving(server_b, port_b, tmp_path / "b.log")
            _wait_serving(server_a, port_a, tmp_path / "a.log")
            # Into A's outbox, as an operator does; A's own task worker signs
            # it and sends it to B.
            queued = json.loads(
                _manage(
                    env_a,
                    "exchange_send",
                    "--page",
                    str(sending["page"]),
                    "--peer",
                    PEER_CODE,
                    "--column",
                    "tzgg",
                )
            )
            assert queued["state"] == "pending"
            serving = time.monotonic()
            editor = Browser(port_b, f"127.0.0.1:{port_b}")
            _sign_in(editor, password=password, key=receiving["key"])
            deadline = time.monotonic() + 60
            while True:
                status, _location, inbox = editor.request(
                    "GET", "/admin/syndication/inbox/"
                )
                assert status == 200, inbox[-2000:]
                if TITLE in html.unescape(inbox):
                    break
                assert time.monotonic() < deadline, (
                    "not in the inbox; sender's log:\n"
                    + (tmp_path / "a.log").read_text()[-3000:]
                )
                time.sleep(0.5)
            arrived = time.monotonic()
            assert "发送方省人民政府" in inbox  # its source, as sent
        finally:
            _stop(server_a)
    finally:
        _stop(server_b)
    # Sent once, held once, its HTML sanitised on arrival.
    sender, receiver = _shells((env_a, AFTER), (env_b, AFTER))
    assert sender["outbox"] == [{"state": "sent", "attempts": 1}]
    assert [item["title"] for item in receiver["received"]] == [TITLE]
    assert "<script" not in receiver["received"][0]["body"]
    assert "现将有关事项通知如下" in receiver["received"][0]["body"]
    sys.stderr.write(  # the phases, seen with -s
        f"exchange between two installs: set up {set_up - started:.1f} s, "
        f"both serving and the item queued {serving - set_up:.1f} s, in the inbox "
        f"{arrived - serving:.1f} s later, {time.monotonic() - started:.1f} s in all\n"
    )
