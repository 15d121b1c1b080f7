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

Then abuse: the POST latency of legitimate letters (``BENCH_CASES_LEGIT``
people, 4, filing one letter after another, each from an address of their own)
on a quiet server, and again while one address floods the form
(``BENCH_CASES_FLOODERS`` connections, 8, replaying one filled-in form as fast
as the server answers; the real limit of INTERACTION_SUBMIT_RATE, 20/h, refuses
them). The client's address comes from X-Real-IP, as behind nginx.

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
from collections import Counter
from http.cookies import SimpleCookie

from .common import ROOT, header, row, start_gunicorn

HOST = "cases.bench.localhost"
SITE_CODE = "2100000099"
CLIENTS = int(os.environ.get("BENCH_CASES_CLIENTS", "16"))
SECONDS = float(os.environ.get("BENCH_CASES_SECONDS", "15"))
LEGIT = int(os.environ.get("BENCH_CASES_LEGIT", "4"))
FLOODERS = int(os.environ.get("BENCH_CASES_FLOODERS", "8"))
FLOOD_IP = "203.0.113.66"


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
        # The client's address from X-Real-IP (as nginx_config's proxy sets it):
        # each letter comes from an address of its own, the flood from one, and
        # the form keeps its real limit. Every API request carries one key.
        RATELIMIT_IP_META_KEY="HTTP_X_REAL_IP",
        INTERACTION_SUBMIT_RATE=os.environ.get("INTERACTION_SUBMIT_RATE", "20/h"),
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

    def __init__(self, port, ip="127.0.0.1"):
        self.port = port
        self.ip = ip
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, body=None, headers=None):
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Real-IP": self.ip,
            **(headers or {}),
        }
        # As a browser: a cookie goes only to the paths under its own.
        sent = [
            f"{k}={v}"
            for k, (v, where) in self.cookies.items()
            if path.startswith(where)
        ]
        if sent:
            headers["Cookie"] = "; ".join(sent)
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
                if not morsel.value or morsel["max-age"] in ("0", 0):
                    self.cookies.pop(key, None)  # deleted
                else:
                    self.cookies[key] = (morsel.value, morsel["path"] or "/")
        return response.status, response.headers, data.decode()


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
_QUESTION = re.compile(r'class="captcha-question"[^>]*>\D*?(\d+)\D+?(\d+)')
_TOKEN = re.compile(r'name="captcha_1" value="([^"]+)"')
_NUMBER = re.compile(r'id="tracking-number">([^<]+)<')

FORM_PATH = "/interaction/cases/new/?channel=mailbox"


# Why a letter got no tracking number back, by answer (printed when any).
LEGIT_FAILURES: Counter = Counter()


def _form_submission(browser, n, post_ms=None):
    # One person, one address (10.x.y.z from the letter's number).
    browser.ip = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
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
    started = time.perf_counter()
    status, headers, _html = browser.request(
        "POST",
        FORM_PATH,
        body,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    if post_ms is not None:
        post_ms.append((time.perf_counter() - started) * 1000)
    if status != 302:
        LEGIT_FAILURES[f"POST {status}"] += 1
        return None
    status, _h, receipt = browser.request("GET", headers["Location"])
    match = _NUMBER.search(receipt)
    if status != 200 or not match:
        LEGIT_FAILURES[f"receipt {status} {headers['Location']}"] += 1
        return None
    return match.group(1)


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


def _flood(port, stop: threading.Event, answers: Counter, lock) -> None:
    """One address replaying one filled-in form (its CSRF token and cookie taken
    once, no captcha answer) as fast as the server answers."""
    browser = Browser(port, ip=FLOOD_IP)
    _status, _h, html = browser.request("GET", FORM_PATH)
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": _CSRF.search(html).group(1),
            "idempotency_key": _KEY.search(html).group(1),
            "kind": "inquiry",
            "title": "刷屏",
            "content": "刷屏刷屏刷屏",
        }
    )
    while not stop.is_set():
        try:
            status, _h, _text = browser.request(
                "POST",
                FORM_PATH,
                body,
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
        except OSError:
            status = 0
        with lock:
            answers[status] += 1


def _server_cpu(pid: int) -> float:
    """CPU seconds used so far by the gunicorn master ``pid`` and its workers (Linux
    /proc; 0 elsewhere)."""
    total = 0.0
    pending = [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return total


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else 0


def _legit_under(port, flooders: int):
    """(POST p95 ms, letters, flood answers by status, flood requests/s) of
    LEGIT people filing letters while ``flooders`` connections flood."""
    post_ms: list[float] = []
    stop, lock, answers = threading.Event(), threading.Lock(), Counter()
    threads = [
        threading.Thread(target=_flood, args=(port, stop, answers, lock))
        for _ in range(flooders)
    ]
    for thread in threads:
        thread.start()
    started = time.perf_counter()
    _rate, numbers, _failed = _run(
        port, lambda b, n: _form_submission(b, n, post_ms), clients=LEGIT
    )
    elapsed = time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join()
    return _p95(post_ms), numbers, answers, sum(answers.values()) / elapsed


COUNT_SCRIPT = """
import json
from interaction.models import Case
from sites.tenancy import all_sites
with all_sites():
    rows = Case.objects.values_list(
        "tracking_number", "channel", "title", "submitted_at"
    )
    print(json.dumps([[n, channel, title, str(at)] for n, channel, title, at in rows]))
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
        "interaction_case, interaction_caseintake CASCADE')\n"
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
        cpu = [_server_cpu(server.pid), time.process_time()]
        quiet_p95, quiet_numbers, _a, _r = _legit_under(port, 0)
        cpu += [_server_cpu(server.pid), time.process_time()]
        flood_p95, flood_numbers, flood_answers, flood_rate = _legit_under(
            port, FLOODERS
        )
        cpu += [_server_cpu(server.pid), time.process_time()]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    output = _manage(env, "shell", "-c", COUNT_SCRIPT)
    rows = json.loads(output.strip().splitlines()[-1])
    stored = [number for number, *_rest in rows]
    _manage(env, "embedded_db", "stop")

    accepted = form_numbers + api_numbers + quiet_numbers + flood_numbers
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
        f"  abuse: {LEGIT} people filing letters one after another, each from its "
        f"own address, {SECONDS:.0f} s each way"
    )
    row("legitimate letter POST p95, quiet server (baseline)", quiet_p95, "ms")
    row(
        f"legitimate letter POST p95 while one address floods ({FLOODERS} conn.)",
        flood_p95,
        "ms",
        baseline=quiet_p95,
    )
    print("           (target: 100 ms)")
    refused = flood_answers.get(429, 0)
    row("flood requests answered", flood_rate, "/s")
    print(
        f"           answers to the flood: {dict(sorted(flood_answers.items()))} "
        f"({refused / max(sum(flood_answers.values()), 1):.1%} refused with 429); "
        f"letters filed meanwhile {len(flood_numbers)} (quiet: {len(quiet_numbers)})"
    )
    # The server's CPU in each phase; the flood's share per refused request is
    # the flooded phase's CPU less the letters' (at the quiet phase's CPU per
    # letter), over the flood's requests. The clients run on the same cores.
    server_quiet, server_flood = cpu[2] - cpu[0], cpu[4] - cpu[2]
    per_letter = server_quiet / max(len(quiet_numbers), 1)
    flood_cpu = server_flood - per_letter * len(flood_numbers)
    per_flood = flood_cpu / max(sum(flood_answers.values()), 1) * 1e6
    print(
        f"           server CPU: quiet {server_quiet:.1f} s, flooded "
        f"{server_flood:.1f} s ({per_flood:.0f} us per flood request); the "
        "benchmark's own clients: quiet "
        f"{cpu[3] - cpu[1]:.1f} s, flooded {cpu[5] - cpu[3]:.1f} s of CPU"
    )
    print(
        f"  accepted {len(accepted)} (form {len(form_numbers)}, API "
        f"{len(api_numbers)}); in the database {len(stored)}: duplicates "
        f"{duplicates}, accepted but missing {len(missing)}, stored but not "
        f"accepted {len(extra)}; failed requests: form {form_failed}, API "
        f"{api_failed}, baselines {plain_form_failed + plain_post_failed}"
    )
    if LEGIT_FAILURES:
        print(f"           letters without a receipt: {dict(LEGIT_FAILURES)}")
    for number, channel, title, at in rows:
        if number in extra:
            # Which phase and which letter: enough to find it in the server's log.
            print(
                f"           stored but not accepted: {number} {channel} {title} {at}"
            )
    if duplicates or missing or extra:
        raise SystemExit("cases lost or doubled")
