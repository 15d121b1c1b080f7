"""Public page rendering through gunicorn, against the same bytes as a static file.

A site in the portal theme with a furnished home page, an article, and a column of
10,000 articles (pages 1 and 500 of its listing). Each page is first rendered
once, its bytes written under STATIC_ROOT; then gunicorn (1 worker, 4 threads,
as ``startup``) serves both and the median times are compared: the ratio is what
rendering costs over serving the same bytes (静态化发布 would serve the file).

Uses its own database (``govplatform_bench_render`` on the server of
``DATABASE_URL``, or the embedded server in ``var/bench-render``), rebuilt each run.
"""

from __future__ import annotations

import datetime
import http.client
import os
import signal
import socket
import statistics
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

from .common import ROOT, header, row, setup_django, start_gunicorn

HOST = "render.bench.localhost"
ITEMS = 10_000
REQUESTS = 200
DATABASE = "govplatform_bench_render"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(var_dir, port) -> dict[str, str]:
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
        WEB_CONCURRENCY="1",
        WEB_THREADS="4",
        LOG_LEVEL="WARNING",
        DEBUG="false",
        # Rendering is what this measures: no static tree, no page cache
        # (``serving`` measures those).
        DELIVERY_SERVE_STATIC="false",
        DELIVERY_PAGE_CACHE_SECONDS="0",
    )
    return env


def _bulk_articles(column, template, count: int) -> None:
    """``count`` live copies of ``template`` under ``column`` in two INSERTs (the
    page rows with their tree paths, then the article rows), instead of 10,000
    ``add_child`` calls."""
    from django.db import connection
    from django.utils import timezone
    from wagtail.models import Page

    from cms.models import ArticlePage

    start = column.numchild + 1
    depth = column.depth + 1
    now = timezone.now()
    rows = []
    for n in range(count):
        moment = now - datetime.timedelta(hours=n + 1)
        rows.append(
            Page(
                title=f"{template.title}（{n + 1}）",
                draft_title=f"{template.title}（{n + 1}）",
                slug=f"item-{n + 1}",
                content_type_id=template.content_type_id,
                path=Page._get_path(column.path, depth, start + n),
                depth=depth,
                numchild=0,
                url_path=f"{column.url_path}item-{n + 1}/",
                live=True,
                has_unpublished_changes=False,
                first_published_at=moment,
                last_published_at=moment,
                locale_id=template.locale_id,
                translation_key=uuid.uuid4(),
            )
        )
    ids = [page.pk for page in Page.objects.bulk_create(rows, batch_size=2000)]
    fields = [
        f.column
        for f in ArticlePage._meta.local_concrete_fields
        if f.column != "page_ptr_id"
    ]
    columns = ", ".join(fields)
    picked = ", ".join(f"t.{name}" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO cms_articlepage (page_ptr_id, {columns}) "  # noqa: S608
            f"SELECT new.id, {picked} FROM unnest(%s::bigint[]) AS new(id), "
            "cms_articlepage t WHERE t.page_ptr_id = %s",
            [ids, template.pk],
        )
    Page.objects.filter(pk=column.pk).update(numchild=column.numchild + count)


def _build(port) -> dict[str, str]:
    """The site and its content; the paths of the pages to measure."""
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
    _bulk_articles(long_column, template, ITEMS - 1)
    article = ArticleFactory(
        parent=column(site, "zwyw"), title="全省优化营商环境工作会议召开", publish=True
    )
    return {
        "home page": "/",
        f"column of {ITEMS:,} items, page 1": "/news/bmdt/",
        f"column of {ITEMS:,} items, page 500": "/news/bmdt/?page=500",
        "article": urlsplit(article.url).path,
    }


def _snapshot(paths, static_root) -> dict[str, str]:
    """Each page's bytes as a static file under STATIC_ROOT; its static URL."""
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    folder = static_root / "bench-render"
    folder.mkdir(parents=True, exist_ok=True)
    urls = {}
    for n, (label, path) in enumerate(paths.items()):
        response = client.get(path)
        assert response.status_code == 200, (label, response.status_code)
        (folder / f"page{n}.html").write_bytes(response.content)
        urls[label] = f"/static/bench-render/page{n}.html"
    return urls


def _median_ms(port, path, n) -> tuple[float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    samples, size = [], 0
    for i in range(n + 10):
        started = time.perf_counter()
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        body = response.read()
        if i >= 10:  # warm-up
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, (path, response.status)
        size = len(body)
    conn.close()
    return statistics.median(samples), size


def main():
    var_dir = ROOT / "var" / "bench-render"
    var_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = _environment(var_dir, port)
    os.environ.update(
        {k: env[k] for k in ("VAR_DIR", "STATIC_ROOT", "SITE_PORT", "LOG_LEVEL")}
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    embedded = "DATABASE_URL" not in os.environ
    setup_django("govplatform" if embedded else DATABASE, fresh=True)
    from django.conf import settings
    from django.db import connections

    started = time.perf_counter()
    paths = _build(port)
    built = time.perf_counter() - started
    files = _snapshot(paths, settings.STATIC_ROOT)
    connections.close_all()

    server = start_gunicorn(env)
    results = []
    try:
        deadline = time.perf_counter() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/", headers={"Host": HOST})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                raise SystemExit("the server did not answer within 120 s")
            time.sleep(0.1)
        for label, path in paths.items():
            static, size = _median_ms(port, files[label], REQUESTS)
            rendered, rendered_size = _median_ms(port, path, REQUESTS)
            results.append((label, static, rendered, size, rendered_size))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()

    header("render: public pages through gunicorn (1 worker, 4 threads), portal theme")
    row(
        f"building the site with {ITEMS:,} articles (not a figure to compare)",
        built,
        "s",
    )
    for label, static, rendered, size, rendered_size in results:
        row(f"{label}: the same bytes as a static file ({size:,} B)", static)
        row(f"{label}: rendered ({rendered_size:,} B)", rendered, baseline=static)
