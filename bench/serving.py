"""Serving public pages: the static tree, the page cache and rendering, against a
web server sending a plain file and against vanilla Wagtail, under concurrent
load; and publish-to-visible.

One site in the portal theme (a furnished home page, an article, a column of
``BENCH_SERVING_ITEMS`` articles), its static tree written by ``publish_static``.
gunicorn (2 workers x 4 threads, the production shape) answers:

- the static tree under a live mix: the load goes round 100 article pages while
  one of them is being republished at every moment (rewritten with atomic
  replacement every ``BENCH_SERVING_REPUBLISH_MS`` ms, 20, in turn, and read back
  through the same server after each write: every read must be the new bytes);
- the article from the page cache (``?page=1``: an allowed parameter, so no file,
  one cache read: the database cache by default, Redis with ``REDIS_URL``);
- the article rendered (``?nocache=<n>``: a parameter no cache keeps).

Baselines, each measured in the same run: nginx sending the article as a plain
file (the static tree through ``nginx_config``'s nginx is measured too, under the
same live mix); without nginx the baseline is gunicorn sending the bytes as a
static file (WhiteNoise), and the benchmark says so. For rendering: a vanilla
Wagtail 8 project (``bench/vanilla_wagtail.py``, generated at run time: what
``wagtail start`` gives plus an article page with the same title and body) under
gunicorn with the same workers and threads and persistent database connections;
the two are measured interleaved, two rounds each. Load: wrk (2 threads, 16
connections) when installed, else a Python load generator (16 threads with
keep-alive), which is itself the limit above a few thousand requests a second:
the figures say which.

Then, with the task worker running: the time from an editor's publish to the
new bytes being served from the static tree, and the time to write the whole
site's tree (``publish_static``), per item and for 10,000 items.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from . import vanilla_wagtail
from .common import (
    ROOT,
    create_database,
    header,
    row,
    server_params,
    setup_django,
    start_gunicorn,
)
from .render import _bulk_articles, _free_port

HOST = "serving.bench.localhost"
DATABASE = os.environ.get("BENCH_SERVING_DATABASE", "govplatform_bench_serving")
ITEMS = int(os.environ.get("BENCH_SERVING_ITEMS", "1000"))
DURATION = float(os.environ.get("BENCH_SERVING_SECONDS", "8"))
CONNECTIONS = 16
MIX = 100  # pages in the live mix, one of them being republished
REPUBLISH_SECONDS = float(os.environ.get("BENCH_SERVING_REPUBLISH_MS", "20")) / 1000
VANILLA_DATABASE = os.environ.get(
    "BENCH_SERVING_VANILLA_DATABASE", "govplatform_bench_vanilla_wagtail"
)
# Which caches the rendered figures still use.
UNCACHED = (
    "uncached (gunicorn; page cache and static tree off; chrome fragments, "
    "page tags, article content, restricted paths and column keywords kept "
    "per site generation)"
)
COLD = "cold (gunicorn; nothing kept: SITES_KEEP_PER_GENERATION=false)"


def _environment(var_dir: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    url = os.environ.get("DATABASE_URL")
    if url:
        parts = urlsplit(url)
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{DATABASE}"))
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        VAR_DIR=str(var_dir),
        STATIC_ROOT=str(var_dir / "static"),
        PORT=str(port),
        SITE_PORT=str(port),
        WEB_CONCURRENCY="2",
        WEB_THREADS="4",
        LOG_LEVEL="WARNING",
        DELIVERY_ACCESS_LOG="false",
        DEBUG="false",
    )
    return env


def _build(port: int) -> tuple[object, str]:
    from django.core.management import call_command

    from sites.services import SiteDetails, site_provision
    from tests.factories.content import ArticleFactory, column
    from tests.themes.conftest import furnish

    call_command("collectstatic", interactive=False, verbosity=0)
    site = site_provision(
        details=SiteDetails(
            code="2100000001",
            name="辽宁省人民政府",
            level="province",
            division_code="210000",
            host=HOST,
            theme="portal",
        ),
        port=port,
    )
    furnish(site)
    long_column = column(site, "bmdt")
    template = ArticleFactory(parent=long_column, title="部门动态", publish=True)
    long_column.refresh_from_db()
    if ITEMS > 1:
        _bulk_articles(long_column, template, ITEMS - 1)
    body = "".join(
        f"<p>全省各地各部门认真贯彻落实优化营商环境条例，第{n}项措施稳步推进，"
        "企业办事更加便利，群众满意度持续提升。</p>"
        for n in range(1, 25)
    )
    article = ArticleFactory(
        parent=column(site, "zwyw"),
        title="全省优化营商环境工作会议召开",
        body=[("paragraph", body)],
        publish=True,
    )
    return site, urlsplit(article.url).path, article.title, body


def _wait_for(port: int, path: str = "/healthz", timeout: float = 120) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"Host": HOST})
            if conn.getresponse().status < 500:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"nothing answered on port {port} within {timeout:.0f} s")


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": HOST})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def _wrk(port: int, paths: list[str]) -> float:
    """Requests a second; several paths are requested in turn (a wrk script)."""
    argv = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION:.0f}s"]
    argv += ["-H", f"Host: {HOST}"]
    script = None
    if len(paths) > 1:
        script = tempfile.NamedTemporaryFile(
            "w", suffix=".lua", delete=False, encoding="utf-8"
        )
        quoted = ", ".join(f'"{path}"' for path in paths)
        script.write(
            f"local paths = {{{quoted}}}\n"
            "local i = 0\n"
            "request = function()\n"
            "  i = i % #paths + 1\n"
            "  return wrk.format(nil, paths[i])\n"
            "end\n"
        )
        script.close()
        argv += ["-s", script.name]
    argv.append(f"http://127.0.0.1:{port}{paths[0]}")
    try:
        out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    finally:
        if script is not None:
            os.unlink(script.name)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        status, body = _get(port, paths[0])
        raise SystemExit(
            f"{paths[0]}: {non_2xx.group(1)} failed answers (now: {status} "
            f"{body[:300]!r})\n{out}"
        )
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def _python_load(port: int, paths: list[str]) -> float:
    """Requests a second from CONNECTIONS threads with keep-alive connections,
    each going round the paths."""
    stop = time.perf_counter() + DURATION
    counts = [0] * CONNECTIONS
    errors = []

    def work(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < stop:
            conn.request("GET", paths[counts[n] % len(paths)], headers={"Host": HOST})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
                return
            counts[n] += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{paths[0]}: answered {errors[0]}")
    return sum(counts) / (time.perf_counter() - started)


class _Republishing:
    """While the load runs: one page of the mix after the other is written again
    (``delivery.tree.write``: a temporary file, then ``os.replace``), every
    REPUBLISH_SECONDS, and read back over a kept-alive connection to the server
    under load; a read that is not the new bytes is counted. The pages are put
    back as they were at the end."""

    def __init__(self, port: int, paths: list[str]):
        from delivery import tree

        self.tree = tree
        self.port = port
        self.paths = paths
        self.originals = {path: tree.read(HOST, path) for path in paths}
        self.writes = 0
        self.stale = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._conn = None

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        for path, body in self.originals.items():
            self.tree.write(HOST, path, body)

    def _read(self, path: str) -> bytes:
        for attempt in range(2):
            try:
                if self._conn is None:
                    self._conn = http.client.HTTPConnection(
                        "127.0.0.1", self.port, timeout=30
                    )
                self._conn.request("GET", path, headers={"Host": HOST})
                return self._conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                self._conn = None
                if attempt:
                    raise
        return b""

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            body = self.originals[path] + f"\n<!-- republished {n} -->\n".encode()
            self.tree.write(HOST, path, body)
            self.writes += 1
            if self._read(path) != body:
                self.stale += 1
            self._stop.wait(REPUBLISH_SECONDS)


def _mix(article: str) -> list[str]:
    """The article and 99 more article pages of the site's tree."""
    from delivery import tree

    others = sorted(
        path
        for path in tree.addresses(HOST)
        if re.search(r"/t\d+_\d+\.html$", path) and path != article
    )
    return [article, *others[: MIX - 1]]


def _nginx_conf(folder: Path, port: int, app_port: int, plain_dir: Path) -> Path:
    from django.core.management import call_command

    servers = folder / "platform.conf"
    call_command(
        "nginx_config",
        output=str(servers),
        upstream=f"127.0.0.1:{app_port}",
        listen=str(port),
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    types {{ text/html html; application/xml xml; text/plain txt; }}
    include {servers};
    server {{
        listen {port + 1};
        server_name plain.bench.localhost;
        root {plain_dir};
    }}
}}
""",
        encoding="utf-8",
    )
    return conf


def _publish_to_visible(site, path: str, port: int, env: dict) -> list[float]:
    """Seconds from an editor's publish to the new title being served from the
    static tree, with the task worker running (three publishes)."""
    from wagtail.models import Page

    from delivery import tree

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    seconds = []
    try:
        page_id = int(re.search(r"_(\d+)\.html$", path).group(1))
        for n in range(3):
            page = Page.objects.get(pk=page_id).specific
            title = f"全省优化营商环境工作会议召开（更新{n + 1}）"
            page.title = title
            revision = page.save_revision()
            started = time.perf_counter()
            revision.publish()
            deadline = started + 120
            while time.perf_counter() < deadline:
                body = tree.read(site.host, path) or b""
                if title.encode() in body:
                    _status, served = _get(port, path)
                    if title.encode() in served:
                        break
                time.sleep(0.02)
            else:
                raise SystemExit("the new title was not served within 120 s")
            seconds.append(time.perf_counter() - started)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait()
    return seconds


def _vanilla(port: int, title: str, body: str):
    """The vanilla Wagtail project built and started: (process, folder, path)."""
    from django.conf import settings

    database = dict(settings.DATABASES["default"])
    database["NAME"] = VANILLA_DATABASE
    create_database(database, fresh=True)
    params = server_params(database)
    config = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": VANILLA_DATABASE,
        "HOST": str(params["host"] or ""),
        "PORT": str(params["port"] or ""),
        "USER": params["user"] or "",
        "PASSWORD": params["password"] or "",
        "CONN_MAX_AGE": None,
    }
    folder, path = vanilla_wagtail.build(
        database=config, host=HOST, title=title, body=body
    )
    process = vanilla_wagtail.start(folder, port, workers=2, threads=4)
    return process, folder, path


def main():
    var_dir = ROOT / "var" / "bench-serving"
    shutil.rmtree(var_dir / "public", ignore_errors=True)
    var_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = _environment(var_dir, port)
    os.environ.update(
        {
            k: env[k]
            for k in ("VAR_DIR", "STATIC_ROOT", "SITE_PORT", "LOG_LEVEL", "PORT")
        }
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    embedded = "DATABASE_URL" not in os.environ
    setup_django("govplatform" if embedded else DATABASE, fresh=True)
    from django.db import connections

    from delivery import publishing

    site, article, title, body = _build(port)
    started = time.perf_counter()
    result = publishing.platform_publish(sites=[site])[site.host]
    rebuild = time.perf_counter() - started
    pages = len(result.rendered)
    mix = _mix(article)
    connections.close_all()

    plain_dir = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    article_bytes = (var_dir / "public" / HOST / article.lstrip("/")).read_bytes()
    (plain_dir / "article.html").write_bytes(article_bytes)
    static_copy = var_dir / "static" / "bench-serving"
    static_copy.mkdir(parents=True, exist_ok=True)
    (static_copy / "article.html").write_bytes(article_bytes)

    vanilla_port = _free_port()
    vanilla, vanilla_dir, vanilla_path = _vanilla(vanilla_port, title, body)
    server = start_gunicorn(env)
    # The same platform with the chrome rendered on every page (no fragment
    # kept): the cold figure.
    cold_port = _free_port()
    cold = start_gunicorn(
        {**env, "PORT": str(cold_port), "SITES_KEEP_PER_GENERATION": "false"}
    )
    nginx = None
    load = _wrk if shutil.which("wrk") else _python_load
    load_name = (
        "wrk -t2 -c16"
        if load is _wrk
        else "a Python load generator (wrk is not installed: apt-get install wrk)"
    )
    results: list[tuple[str, float]] = []
    live: list[tuple[str, _Republishing]] = []
    rendered: list[tuple[float, float]] = []
    cold_rendered: list[float] = []
    try:
        _wait_for(port)
        _wait_for(cold_port)
        _wait_for(vanilla_port, vanilla_path)
        nginx_port = _free_port() if shutil.which("nginx") else None
        if nginx_port is not None:
            folder = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
            conf = _nginx_conf(folder, nginx_port, port, plain_dir)
            nginx = subprocess.Popen(
                ["nginx", "-c", str(conf), "-p", str(folder)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            _wait_for(nginx_port + 1, "/article.html")
            baseline_label = "nginx: the article as a plain file (baseline)"
            baseline = load(nginx_port + 1, ["/article.html"])
        else:
            baseline_label = (
                "gunicorn: the article as a static file (baseline; nginx is "
                "not installed: apt-get install nginx)"
            )
            baseline = load(port, ["/static/bench-serving/article.html"])
        assert _get(port, article)[1] == article_bytes
        with _Republishing(port, mix) as republishing:
            value = load(port, mix)
        results.append(("static tree, embedded (gunicorn), live mix", value))
        live.append(("embedded", republishing))
        if nginx_port is not None:
            with _Republishing(nginx_port, mix) as republishing:
                value = load(nginx_port, mix)
            results.append(("static tree, nginx_config's nginx, live mix", value))
            live.append(("nginx", republishing))
        _get(port, article + "?page=1")
        results.append(("page cache (gunicorn)", load(port, [article + "?page=1"])))
        vanilla_bytes = _get(vanilla_port, vanilla_path)[1]
        rendered_bytes = _get(port, article + "?nocache=1")[1]
        assert _get(cold_port, article + "?nocache=1")[1] == rendered_bytes
        for _round in range(2):
            wagtail = load(vanilla_port, [vanilla_path])
            platform = load(port, [article + "?nocache=1"])
            rendered.append((platform, wagtail))
            cold_rendered.append(load(cold_port, [article + "?nocache=1"]))
        visible = _publish_to_visible(site, article, port, env)
    finally:
        for process in (nginx, server, cold, vanilla):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait()
        shutil.rmtree(plain_dir, ignore_errors=True)
        shutil.rmtree(vanilla_dir, ignore_errors=True)

    header(
        "serving: the same 3 KB Chinese article, gunicorn 2 workers x 4 threads; "
        f"load: {load_name}, {DURATION:.0f} s each"
    )
    row(baseline_label, baseline, "req/s")
    for label, value in results:
        row(label, value, "req/s", baseline=baseline)
    for n, (platform, wagtail) in enumerate(rendered, 1):
        row(f"rendered, {UNCACHED}, round {n}", platform, "req/s", baseline)
        row(f"rendered, {COLD}, round {n}", cold_rendered[n - 1], "req/s", baseline)
        row(f"vanilla Wagtail 8 (gunicorn), round {n}", wagtail, "req/s", baseline)
    print(f"  article: {len(article_bytes):,} bytes (vanilla Wagtail's page: ", end="")
    print(f"{len(vanilla_bytes):,} bytes; rendered: {len(rendered_bytes):,} bytes)")
    for name, republishing in live:
        print(
            f"  live mix ({name}): {len(mix)} pages, {republishing.writes:,} "
            f"republished (one every {REPUBLISH_SECONDS * 1000:.0f} ms), "
            f"{republishing.stale} read back stale or torn"
        )
    header("ratios (each against its baseline, same run)")
    static = results[0][1]
    row("static tree, embedded, live mix / nginx plain file", static / baseline, "x")
    cached = next(value for label, value in results if label.startswith("page cache"))
    row("page cache (gunicorn) / nginx plain file", cached / baseline, "x")
    for n, (platform, wagtail) in enumerate(rendered, 1):
        row(f"uncached platform / vanilla Wagtail, round {n}", platform / wagtail, "x")
    total_platform = sum(platform for platform, _ in rendered)
    total_wagtail = sum(wagtail for _, wagtail in rendered)
    row(
        "uncached platform / vanilla Wagtail, both rounds",
        total_platform / total_wagtail,
        "x",
    )
    row(
        "cold platform (nothing kept) / vanilla Wagtail, both rounds",
        sum(cold_rendered) / total_wagtail,
        "x",
    )
    header("publish-to-visible and rebuild (task worker running, default delays)")
    for n, seconds in enumerate(visible, 1):
        row(f"publish #{n} to the new bytes served from the static tree", seconds, "s")
    row(
        f"publish_static of the site: {pages:,} addresses ({ITEMS:,} items)",
        rebuild,
        "s",
    )
    row("  per address", rebuild / max(pages, 1) * 1000, "ms")
    row(
        "  extrapolated to a site of 10,000 items",
        rebuild / max(pages, 1) * (10_000 + pages - ITEMS),
        "s",
    )
