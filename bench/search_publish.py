"""Publishing one page with N pages already in Wagtail's search index.

    python -m bench search_publish                      # 30,000 pages
    python -m bench.search_publish --pages 30000,300000

Wagtail's own database backend, after every index write, recomputes a title
weight for every entry whose weight is 1.0; with unpunctuated Chinese titles (one
"word" each) that is every entry. On its own database
(``govplatform_bench_search_publish``, rebuilt each run) this bulk-inserts N
pages under one column with such titles and their index entries, then publishes
real articles through Wagtail (``save_revision().publish()``: the editor's
request) and runs the queued index tasks (the worker), five times each:

- ours: ``search.wagtail_backend`` (segmented, no index-wide rewrite) and the
  site-search update task;
- baseline in the same run: Wagtail's stock ``wagtail.search.backends.database``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid

from .common import header, row, setup_django

DATABASE = "govplatform_bench_search_publish"
REPEAT = 5


def _fill(column, count: int, start: int) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.models import Page
    from wagtail.search.models import IndexEntry

    from bench.search_corpus import items

    page_ct = ContentType.objects.get_for_model(Page)
    column = Page.objects.get(pk=column.pk)
    pages = []
    for offset, item in enumerate(items(count, 1, seed=start)):
        step = column.numchild + offset + 1
        pages.append(
            Page(
                title=item.title[:255],
                draft_title=item.title[:255],
                slug=f"b{start + offset}",
                path=Page._get_path(column.path, column.depth + 1, step),
                depth=column.depth + 1,
                numchild=0,
                live=True,
                content_type=page_ct,
                locale_id=column.locale_id,
                url_path=f"{column.url_path}b{start + offset}/",
                translation_key=uuid.uuid4(),
                first_published_at=item.published_at,
            )
        )
    Page.objects.bulk_create(pages, batch_size=5000)
    Page.objects.filter(pk=column.pk).update(numchild=column.numchild + count)
    table = IndexEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body,
                                 title_norm, title_text, body_text)
            SELECT %s, p.id::text, setweight(to_tsvector('simple', p.title), 'A'),
                   to_tsvector('simple', p.title), ''::tsvector, 1.0, p.title, ''
              FROM wagtailcore_page p
             WHERE p.path LIKE %s AND p.depth = %s AND p.slug LIKE 'b%%'
            ON CONFLICT DO NOTHING
            """,  # noqa: S608 - Wagtail's table
            [page_ct.pk, column.path + "%", column.depth + 1],
        )
        cursor.execute(f"ANALYZE {table}")


def _publish_once(column, n: int) -> tuple[float, float]:
    from cms.models import ArticlePage
    from tests.tasks import run_queued_tasks

    page = ArticlePage(
        title=f"全省深化放管服改革推进会召开第{n}次会议",
        body=[("paragraph", "<p>会议要求持续优化营商环境。</p>")],
        live=False,
    )
    column.add_child(instance=page)
    revision = page.save_revision()
    run_queued_tasks()  # the draft's own index work, not part of the figure
    started = time.perf_counter()
    revision.publish()
    publish_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    run_queued_tasks()
    worker_ms = (time.perf_counter() - started) * 1000
    return publish_ms, worker_ms


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search_publish")
    parser.add_argument("--pages", default="30000", help="comma-separated sizes")
    args = parser.parse_args(argv or [])
    sizes = sorted(int(s) for s in args.pages.split(","))
    setup_django(DATABASE, fresh=True)
    from django.conf import settings

    from cms.models import ColumnPage
    from sites import routing
    from sites.services import SiteDetails, site_provision

    site = site_provision(
        details=SiteDetails(
            code="2100000001",
            name="基准测试省",
            level="province",
            division_code="210000",
            host="bench.localhost",
        )
    )
    routing.invalidate()
    column = ColumnPage.objects.descendant_of(site.root_page).get(code="zwyw")
    header("search_publish: publishing with N pages in Wagtail's search index")
    filled, n = 0, 0
    ours = settings.WAGTAILSEARCH_BACKENDS["default"]
    stock = {"BACKEND": "wagtail.search.backends.database"}
    for size in sizes:
        _fill(column, size - filled, start=filled)
        filled = size
        column.refresh_from_db()
        results = {}
        for label, backend in (("wagtail stock", stock), ("ours", ours)):
            settings.WAGTAILSEARCH_BACKENDS["default"] = backend
            samples = []
            for _ in range(REPEAT):
                n += 1
                samples.append(_publish_once(column, n))
                column.refresh_from_db()
            results[label] = (
                statistics.median(s[0] for s in samples),
                statistics.median(s[1] for s in samples),
                max(s[1] for s in samples),
            )
        settings.WAGTAILSEARCH_BACKENDS["default"] = ours
        print(f"  {size:,} pages in the index (median of {REPEAT}):")
        base_publish, base_worker, base_worst = results["wagtail stock"]
        row("wagtail stock: publish (editor's request)", base_publish)
        row("wagtail stock: queued index tasks (worker)", base_worker)
        row(
            "ours: publish (editor's request)",
            results["ours"][0],
            baseline=base_publish,
        )
        row(
            "ours: queued index tasks (worker)",
            results["ours"][1],
            baseline=base_worker,
        )
        row("wagtail stock: slowest worker run of the five", base_worst)
        row(
            "ours: slowest worker run of the five",
            results["ours"][2],
            baseline=base_worst,
        )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
