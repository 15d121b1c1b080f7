"""Sustained case submissions per second, through gunicorn on the embedded database.

Many concurrent clients (threads, each with its own connection and cookies) file
cases for a fixed time:

- through the real public form: GET the form (CSRF token, idempotency key, the
  captcha question, answered as a person would), POST it, follow the redirect to
  the receipt and read the tracking number;
- through the API: POST JSON with an ``Idempotency-Key``; one request in ten is
  sent twice with the same key, as a retrying hotline would.

Baseline in the same run, same server: a plain Django form that validates two
fields and saves one row (GET + POST for the form, POST only for the API).
Afterwards every accepted tracking number is counted in the database: each must
be there exactly once, and there must be no other case rows.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from http.cookies import SimpleCookie

from .common import ROOT, header, row, start_gunicorn

HOST = "cases.bench.localhost"
SITE_CODE = "2100000099"
CLIENTS = int(os.environ.get("BENCH_CASES_CLIENTS", "16"))
SECONDS = float(os.environ.get("BENCH_CASES_SECONDS", "15"))


def _env(var_dir, port):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.cases_settings",
        VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "static"),
        PORT=str(port),
        SITE_PORT=str(port),
        WEB_CONCURRENCY=os.environ.get("WEB_CONCURRENCY", "2"),
        WEB_THREADS=os.environ.get("WEB_THREADS", "4"),
        LOG_LEVEL="WARNING",
        # Every client shares one IP here: the per-IP limits would stop the run.
        INTERACTION_SUBMIT_RATE="1000000/m",
        INTERACTION_API_RATE="1000000/m",
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


class Browser:
    """One HTTP client with its own connection and cookie jar."""

    def __init__(self, port):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, body=None, headers=None):
        headers = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header_value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header_value)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, response.headers, data.decode()


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
_QUESTION = re.compile(r'class="captcha-question"[^>]*>\D*?(\d+)\D+?(\d+)')
_TOKEN = re.compile(r'name="captcha_1" value="([^"]+)"')
_NUMBER = re.compile(r'id="tracking-number">([^<]+)<')

FORM_PATH = "/interaction/cases/new/?channel=mailbox"


def _form_submission(browser, n):
    status, _h, html = browser.request("GET", FORM_PATH)
    assert status == 200, status
    question = _QUESTION.search(html)
    fields = {
        "csrfmiddlewaretoken": _CSRF.search(html).group(1),
        "idempotency_key": _KEY.search(html).group(1),
        "captcha_0": str(int(question.group(1)) + int(question.group(2))),
        "captcha_1": _TOKEN.search(html).group(1),
        "kind": "inquiry",
        "title": f"基准测试来信{n}",
        "content": "请问办理居住证需要哪些材料？联系电话13812345678。",
        "name": "张三",
        "phone": "13812345678",
    }
    body = urllib.parse.urlencode(fields)
    status, headers, _html = browser.request(
        "POST",
        FORM_PATH,
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 302:
        return None
    status, _h, receipt = browser.request("GET", headers["Location"])
    match = _NUMBER.search(receipt)
    return match.group(1) if status == 200 and match else None


def _api_submission(browser, n, key):
    idem = str(uuid.uuid4())
    body = json.dumps(
        {
            "kind": "inquiry",
            "title": f"热线转来{n}",
            "content": "市民来电咨询居住证办理。",
            "phone": "13812345678",
        }
    )
    headers = {
        "Content-Type": "application/json",
        "X-API-Key": key,
        "Idempotency-Key": idem,
    }
    status, _h, text = browser.request("POST", "/api/v1/cases", body, headers)
    if status != 201:
        return None
    number = json.loads(text)["tracking_number"]
    if n % 10 == 0:  # a retry of the same request: must not store a second case
        status, _h, text = browser.request("POST", "/api/v1/cases", body, headers)
        assert status == 200 and json.loads(text)["tracking_number"] == number
    return number


def _plain_form(browser, n):
    status, _h, html = browser.request("GET", "/bench/plain-form/")
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": _CSRF.search(html).group(1),
            "title": f"基准测试来信{n}",
            "content": "请问办理居住证需要哪些材料？",
        }
    )
    status, _h, text = browser.request(
        "POST",
        "/bench/plain-form/",
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    return text if status == 200 else None


def _plain_post(browser, n):
    body = urllib.parse.urlencode({"title": f"热线转来{n}", "content": "咨询"})
    status, _h, text = browser.request(
        "POST",
        "/bench/plain-post/",
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    return text if status == 200 else None


def _run(port, submit, seconds=SECONDS, clients=CLIENTS):
    """(submissions per second, accepted results, failures)."""
    results: list[str] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def client():
        browser = Browser(port)
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter)
            try:
                result = submit(browser, n)
            except Exception:
                result = None
            with lock:
                if result is None:
                    failures[0] += 1
                else:
                    results.append(result)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return len(results) / elapsed, results, failures[0]


COUNT_SCRIPT = """
import json
from interaction.models import Case
from sites.tenancy import all_sites
with all_sites():
    numbers = list(Case.objects.values_list("tracking_number", flat=True))
print(json.dumps(numbers))
"""


def main():
    var_dir = ROOT / "var" / "bench-cases"
    var_dir.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = _env(var_dir, port)
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    if SITE_CODE not in _manage(env, "list_sites"):
        _manage(
            env,
            "provision_site",
            "--code",
            SITE_CODE,
            "--name",
            "基准测试县人民政府",
            "--level",
            "province",
            "--division-code",
            "210000",
            "--host",
            HOST,
        )
    key = _manage(
        env, "create_api_client", "--site", SITE_CODE, "--name", "bench"
    ).splitlines()[-1]
    # Fresh counts each run: earlier runs' cases and baseline rows go.
    _manage(
        env,
        "shell",
        "-c",
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "c.execute('CREATE TABLE IF NOT EXISTS bench_plain_row "
        "(id bigserial primary key, title text, content text)')\n"
        "c.execute('TRUNCATE bench_plain_row')\n"
        "c.execute('TRUNCATE interaction_caseevent, interaction_caseattachment, "
        "interaction_case CASCADE')\n"
        "c.execute('TRUNCATE interaction_ratecounter')\n",
    )

    server = start_gunicorn(env)
    try:
        started = time.perf_counter()
        while True:
            try:
                if Browser(port).request("GET", "/interaction/cases/")[0] == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() - started > 120:
                raise SystemExit("the server did not answer within 120 s")
            time.sleep(0.1)
        _run(port, _plain_form, seconds=2)  # warm-up of every worker
        plain_form_rate, _r, plain_form_failed = _run(port, _plain_form)
        form_rate, form_numbers, form_failed = _run(port, _form_submission)
        plain_post_rate, _r, plain_post_failed = _run(port, _plain_post)
        api_rate, api_numbers, api_failed = _run(
            port, lambda b, n: _api_submission(b, n, key)
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    output = _manage(env, "shell", "-c", COUNT_SCRIPT)
    stored = json.loads(output.strip().splitlines()[-1])
    _manage(env, "embedded_db", "stop")

    accepted = form_numbers + api_numbers
    duplicates = len(stored) - len(set(stored))
    missing = set(accepted) - set(stored)
    extra = set(stored) - set(accepted)

    workers = env["WEB_CONCURRENCY"]
    threads = env["WEB_THREADS"]
    header(
        f"cases: gunicorn ({workers} workers x {threads} threads), embedded "
        f"PostgreSQL, {CLIENTS} concurrent clients, {SECONDS:.0f} s each"
    )
    row(
        "plain Django form, GET + POST saving one row (baseline)", plain_form_rate, "/s"
    )
    row(
        "case through the public form (GET, captcha, POST, receipt)",
        form_rate,
        "/s",
        baseline=plain_form_rate,
    )
    row("plain POST saving one row (baseline)", plain_post_rate, "/s")
    row(
        "case through the API (1 in 10 retried)",
        api_rate,
        "/s",
        baseline=plain_post_rate,
    )
    print(
        f"  accepted {len(accepted)} (form {len(form_numbers)}, API "
        f"{len(api_numbers)}); in the database {len(stored)}: duplicates "
        f"{duplicates}, accepted but missing {len(missing)}, stored but not "
        f"accepted {len(extra)}; failed requests: form {form_failed}, API "
        f"{api_failed}, baselines {plain_form_failed + plain_post_failed}"
    )
    if duplicates or missing or extra:
        raise SystemExit("cases lost or doubled")
