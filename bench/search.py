"""Search speed on a synthetic corpus of government text (``bench/search_corpus.py``).

    python -m bench search                       # 100,000 documents over 1,000 sites
    python -m bench.search --docs 1000000        # the issue's full scale
    python -m bench.search --docs 20000 --sites 200

On its own database (``govplatform_bench_search``, rebuilt each run):

1. indexing: characters segmented per second (one process) and documents indexed
   per second (segmentation on every core, rows streamed with COPY into the
   index table with its GIN indexes in place);
2. p50 and p95 query latency, site-scoped and platform-wide, for frequent and
   rare words, through ``PostgresBackend.search`` (ranked top 10 and facets);
3. the baseline in the same run: Wagtail's own database search backend on the
   same corpus (the same titles and bodies as Wagtail pages and index entries,
   bulk-inserted), top 10 through ``backend.search()``, with the hits each found.

The index table's foreign key to the site registry is dropped in this database:
1,000 fully provisioned sites would take most of the run, and the search reads
only the site ids.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import time
import uuid

from .common import header, row, setup_django

DATABASE = "govplatform_bench_search"
FREQUENT = ["政府", "服务", "改革"]
RARE = ["最多跑一次", "一网通办", "放管服"]
BATCH = 5000


def _vector(args):
    from search.backends.postgres import vector_literal

    title, body = args
    return vector_literal([(title, "A"), (body, "D")]), vector_literal([(title, "A")])


def _init_worker():
    import django

    django.setup()


def _percentiles(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered), p95


def _timed(fn, runs):
    samples = []
    for arg in runs:
        started = time.perf_counter()
        fn(arg)
        samples.append((time.perf_counter() - started) * 1000)
    return _percentiles(samples)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=40, help="queries per figure")
    parser.add_argument("--no-wagtail", action="store_true", help="skip the baseline")
    args = parser.parse_args(argv or [])
    setup_django(DATABASE, fresh=True)
    from django.db import connection

    from bench.search_corpus import items
    from search.analysis import tokens
    from search.backends.postgres import GIN_INDEXES
    from search.models import SearchDocument

    header(f"search: {args.docs:,} documents over {args.sites:,} sites")
    corpus = list(items(args.docs, args.sites))
    chars = sum(len(i.title) + len(i.body) for i in corpus)
    print(f"  corpus: {chars:,} characters, {chars / len(corpus):.0f} a document")

    # 1. segmentation, one process
    sample = corpus[: min(len(corpus), 20_000)]
    sample_chars = sum(len(i.title) + len(i.body) for i in sample)
    started = time.perf_counter()
    for item in sample:
        tokens(item.title)
        tokens(item.body)
    seconds = time.perf_counter() - started
    row("segmentation, one process", sample_chars / seconds / 1e6, "M chars/s")

    # 2. indexing: segment on every core, COPY the rows in
    table = SearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'f'",
            [table],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    columns = (
        "item_key, page_id, site_id, site_level, site_ids, urls, content_type, "
        "column_id, column_title, title, body, attachments, issuing_organ, "
        "document_number, published_at, source_version, vector, title_vector, "
        "indexed_at"
    )
    cores = os.cpu_count() or 1
    started = time.perf_counter()
    with multiprocessing.Pool(cores, initializer=_init_worker) as pool:
        vectors = pool.imap(_vector, ((i.title, i.body) for i in corpus), chunksize=500)
        raw = connection.connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for item, vector in zip(corpus, vectors, strict=True):
                copy.write_row(
                    (
                        f"bench:{item.n}",
                        None,
                        item.site_id,
                        "county",
                        f"{{{item.site_id}}}",
                        "{}",
                        "article",
                        None,
                        "",
                        item.title,
                        item.body,
                        "",
                        "",
                        "",
                        item.published_at,
                        "",
                        vector[0],
                        vector[1],
                        item.published_at,
                    )
                )
    with connection.cursor() as cursor:
        # As the backend's rebuild does: merge the GIN pending lists.
        for index in GIN_INDEXES:
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
    index_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
    row(
        f"indexing on {cores} cores (segment + COPY)",
        len(corpus) / index_seconds,
        "docs/s",
    )
    row("  wall time", index_seconds, "s")
    if args.docs < 1_000_000:
        print(
            f"  a full re-index of 1,000,000 documents at this rate: "
            f"{1_000_000 / (len(corpus) / index_seconds) / 60:.1f} min (extrapolated)"
        )

    # 3. queries
    from search.backends.base import SearchRequest
    from search.backends.postgres import PostgresBackend
    from search.query import parse

    backend = PostgresBackend()
    rng = random.Random(7)
    figures = {}
    for label, words in (("frequent", FREQUENT), ("rare", RARE)):
        for scope in ("site", "all"):
            runs = [
                (rng.choice(words), rng.randint(1, args.sites))
                for _ in range(args.runs)
            ]

            def ours(run, scope=scope):
                word, site_id = run
                request = SearchRequest(
                    query=parse(word), site_ids=(site_id,) if scope == "site" else None
                )
                return backend.search(request)

            ours(runs[0])  # warm up
            hits = statistics.mean(ours(r).total for r in runs[:5])
            figures[(label, scope)] = (_timed(ours, runs), hits, runs)

    baseline = {}
    if not args.no_wagtail:
        baseline = _wagtail_baseline(corpus, args, figures)

    print("  query latency (p50 / p95 ms; mean matches counted, capped at 10,000):")
    for (label, scope), ((p50, p95), hits, _runs) in figures.items():
        name = f"{label} word, {'site-scoped' if scope == 'site' else 'platform-wide'}"
        row(f"ours     {name} p50", p50)
        row(f"ours     {name} p95", p95, baseline=None)
        print(f"           matches: {hits:,.0f}")
        if (label, scope) in baseline:
            (w50, w95), whits = baseline[(label, scope)]
            row(f"wagtail  {name} p50", w50, baseline=p50)
            row(f"wagtail  {name} p95", w95, baseline=p95)
            print(f"           wagtail hits in its top 10: {whits:.1f}")


def _wagtail_baseline(corpus, args, figures):
    """Wagtail's database backend on the same corpus: pages + index entries."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.models import Locale, Page
    from wagtail.search.backends import get_search_backend
    from wagtail.search.models import IndexEntry

    started = time.perf_counter()
    root = Page.get_first_root_node()
    locale = Locale.get_default()
    page_ct = ContentType.objects.get_for_model(Page)
    base_step = root.numchild + 1
    parents = []
    for n in range(args.sites):
        path = Page._get_path(root.path, root.depth + 1, base_step + n)
        parents.append(
            Page(
                title=f"站点{n + 1}",
                draft_title=f"站点{n + 1}",
                slug=f"s{n + 1}",
                path=path,
                depth=root.depth + 1,
                numchild=0,
                live=True,
                content_type=page_ct,
                locale=locale,
                url_path=f"/s{n + 1}/",
                translation_key=uuid.uuid4(),
            )
        )
    children: dict[int, int] = {}
    pages = []
    for item in corpus:
        parent = parents[item.site_id - 1]
        children[item.site_id] = children.get(item.site_id, 0) + 1
        step = children[item.site_id]
        pages.append(
            Page(
                title=item.title[:255],
                draft_title=item.title[:255],
                slug=f"p{item.n}",
                path=Page._get_path(parent.path, parent.depth + 1, step),
                depth=parent.depth + 1,
                numchild=0,
                live=True,
                content_type=page_ct,
                locale=locale,
                url_path=f"{parent.url_path}p{item.n}/",
                translation_key=uuid.uuid4(),
                first_published_at=item.published_at,
            )
        )
    for site_id, count in children.items():
        parents[site_id - 1].numchild = count
    Page.objects.bulk_create(parents, batch_size=BATCH)
    Page.objects.bulk_create(pages, batch_size=BATCH)
    Page.objects.filter(pk=root.pk).update(numchild=root.numchild + len(parents))
    ids = dict(Page.objects.filter(depth=root.depth + 2).values_list("slug", "pk"))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_body (page_id int, body text)")
        with connection.connection.cursor().copy(
            "COPY bench_body (page_id, body) FROM STDIN"
        ) as copy:
            for item in corpus:
                copy.write_row((ids[f"p{item.n}"], item.body))
        table = IndexEntry._meta.db_table
        cursor.execute(
            f"""
            INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body,
                                 title_norm, title_text, body_text)
            SELECT %s, p.id::text, setweight(to_tsvector(p.title), 'A'),
                   to_tsvector('simple', p.title),
                   setweight(to_tsvector(b.body), 'D'), 1.0, p.title, b.body
              FROM wagtailcore_page p JOIN bench_body b ON b.page_id = p.id
            """,  # noqa: S608 - our own tables
            [page_ct.pk],
        )
        # The same care as ours: GIN pending lists merged, statistics fresh.
        cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("VACUUM ANALYZE wagtailcore_page")
    print(
        f"  baseline corpus (pages and Wagtail index entries): "
        f"{time.perf_counter() - started:.0f} s"
    )

    settings.WAGTAILSEARCH_BACKENDS["stock"] = {
        "BACKEND": "wagtail.search.backends.database"
    }
    stock = get_search_backend("stock")
    out = {}
    for key, (_ours, _hits, runs) in figures.items():
        _label, scope = key

        def theirs(run, scope=scope):
            word, site_id = run
            queryset = Page.objects.filter(depth=root.depth + 2)
            if scope == "site":
                queryset = Page.objects.filter(
                    path__startswith=parents[site_id - 1].path,
                    depth=root.depth + 2,
                )
            return list(stock.search(word, queryset)[:10])

        theirs(runs[0])
        found = statistics.mean(len(theirs(r)) for r in runs[:5])
        out[key] = (_timed(theirs, runs), found)
    return out


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
