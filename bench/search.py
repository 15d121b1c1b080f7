"""Search indexing and queries on real pages, through ``search_index rebuild``.

    python -m bench search                        # 100,000 pages over 20 sites
    python -m bench.search --docs 300000 --sites 40
    BENCH_SEARCH_DOCS=20000 python -m bench search

On its own database (``govplatform_bench_search``, or ``BENCH_SEARCH_DATABASE``,
rebuilt each run):

1. the corpus: real sites (``site_provision``: province, cities, counties, with
   their column trees) and live content pages under their columns (80% articles,
   15% policy documents with numbers and organs, 5% interpretations; about 1,000
   characters each, a 3 KB article; ``bench/search_corpus.page_texts``: everyday
   government words, places, dates, numbers and Latin abbreviations, not only the
   search dictionary's terms). Page rows are bulk-inserted (publishing 100,000
   pages through Wagtail would take hours); what the index reads of them is what
   publishing writes.
2. the baseline in the same run: the raw segmenter (rjieba's ``cut_for_search``
   with the government dictionary, one process) over the very texts the index
   holds afterwards (a sample read back from the index);
3. ``manage.py search_index rebuild`` through ``call_command``: the real path
   (reading pages, building documents, segmenting, writing with COPY, worker
   processes); characters segmented per second per core, items per second, the
   extrapolated time for 1,000,000 items, and the ratio to the raw segmenter;
4. ``search_index check`` must then report nothing missing, stale or orphaned;
5. p50 / p95 query latency through ``PostgresBackend.search`` (ranked top 10 and
   facets) at this corpus, site-scoped and platform-wide, for frequent words,
   everyday words and the dictionary's rare terms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import threading
import time
import uuid
from io import StringIO

from .common import header, row, setup_django

DATABASE = os.environ.get("BENCH_SEARCH_DATABASE", "govplatform_bench_search")
# Words of three kinds: frequent in this corpus, everyday (not in the search
# dictionary), and the dictionary's rare terms.
QUERIES = {
    "frequent": ["政府", "服务", "改革", "建设"],
    "everyday": ["居住证", "垃圾分类", "供暖", "沈阳", "疫苗接种", "APP"],
    "rare": ["最多跑一次", "一网通办", "放管服"],
}
SAMPLE = 20_000  # documents the raw segmenter runs over


def _sites(count: int):
    """A province, its cities and their counties (``count`` sites in all)."""
    from sites.services import SiteDetails, site_provision

    details = [
        SiteDetails(
            "2100000001", "辽宁省人民政府", "province", "ln.bench.localhost", "210000"
        )
    ]
    city = 0
    while len(details) < count:
        city += 1
        division = f"21{city:02d}00"
        details.append(
            SiteDetails(
                f"{division}0001",
                f"第{city}市人民政府",
                "city",
                f"c{city}.bench.localhost",
                division,
                parent_code="2100000001",
            )
        )
        for county in range(1, 5):
            if len(details) >= count:
                break
            division = f"21{city:02d}{county:02d}"
            details.append(
                SiteDetails(
                    f"{division}0001",
                    f"第{city}市第{county}县人民政府",
                    "county",
                    f"x{city}-{county}.bench.localhost",
                    division,
                    parent_code=f"21{city:02d}000001",
                )
            )
    return [site_provision(details=d) for d in details]


def _templates():
    """One published page of each type (the rows the bulk pages copy their other
    fields from), made through the factories."""
    from sites.models import GovSite
    from tests.factories.content import (
        ArticleFactory,
        InterpretationFactory,
        PolicyDocumentFactory,
        column,
    )

    site = GovSite.objects.get(code="2100000001")
    policy = PolicyDocumentFactory(parent=column(site, "zcwj"), publish=True)
    return {
        "article": ArticleFactory(parent=_article_column(site), publish=True),
        "policy_document": policy,
        "interpretation": InterpretationFactory(
            parent=column(site, "zcjd"), document=policy, publish=True
        ),
    }


def _article_column(site):
    from cms.models import ColumnPage

    return (
        ColumnPage.objects.descendant_of(site.root_page)
        .filter(kind="list", numchild=0)
        .order_by("path")
        .first()
    )


def _body(text) -> str:
    blocks = [{"type": "heading", "value": text.heading, "id": str(uuid.uuid4())}]
    blocks += [
        {"type": "paragraph", "value": f"<p>{p}</p>", "id": str(uuid.uuid4())}
        for p in text.paragraphs
    ]
    return json.dumps(blocks, ensure_ascii=False)


def _corpus(sites, count: int) -> int:
    """``count`` live content pages under the sites' columns, bulk-inserted."""
    from django.db import connection
    from wagtail.models import Page

    from bench.search_corpus import page_texts
    from cms.models import ArticlePage, InterpretationPage, PolicyDocumentPage
    from tests.factories.content import column

    models = {
        "article": ArticlePage,
        "policy_document": PolicyDocumentPage,
        "interpretation": InterpretationPage,
    }
    templates = _templates()
    columns = {
        site.pk: {
            "article": _article_column(site),
            "policy_document": column(site, "zcwj"),
            "interpretation": column(site, "zcjd"),
        }
        for site in sites
    }
    rng = random.Random(5)
    # Larger sites (the province, the cities) hold more.
    weights = [
        5 if s.level == "province" else 3 if s.level == "city" else 1 for s in sites
    ]
    children: dict[int, int] = {}
    pending: dict[str, list] = {kind: [] for kind in models}
    written = 0

    def flush():
        nonlocal written
        for kind, items in pending.items():
            if not items:
                continue
            pages = Page.objects.bulk_create([page for page, _t in items])
            model = models[kind]
            own = {"body", "document_number", "issuing_organ", "index_number"}
            fields = [
                f.column
                for f in model._meta.local_concrete_fields
                if f.column != "page_ptr_id" and f.column not in own
            ]
            extra = ["document_number", "issuing_organ", "index_number"]
            extra = [
                name
                for name in extra
                if name in {f.column for f in model._meta.local_concrete_fields}
            ]
            picked = ", ".join(f"t.{name}" for name in fields)
            values = [f"v.{name}" for name in extra]
            table = model._meta.db_table
            types = ", ".join(
                ["%s::bigint[]", "%s::text[]"] + ["%s::text[]"] * len(extra)
            )
            names = ", ".join(["id", "body", *extra])
            params = [
                [page.pk for page in pages],
                [_body(text) for _p, text in items],
            ]
            for name in extra:
                params.append(
                    [
                        text.document_number
                        if name == "document_number"
                        else text.issuing_organ
                        if name == "issuing_organ"
                        else ""
                        for _p, text in items
                    ]
                )
            with connection.cursor() as cursor:
                targets = ", ".join(["page_ptr_id", "body", *extra, *fields])
                chosen = ", ".join(["v.id", "v.body::jsonb", *values, picked])
                cursor.execute(
                    f"INSERT INTO {table} ({targets}) SELECT {chosen} "  # noqa: S608
                    f"FROM unnest({types}) AS v({names}), {table} t "
                    "WHERE t.page_ptr_id = %s",
                    [*params, templates[kind].pk],
                )
            written += len(items)
            items.clear()

    for text in page_texts(count - len(templates)):
        site = rng.choices(sites, weights)[0]
        parent = columns[site.pk][text.kind]
        step = children.get(parent.pk, parent.numchild) + 1
        children[parent.pk] = step
        slug = f"p{text.n}"
        pending[text.kind].append(
            (
                Page(
                    title=text.title,
                    draft_title=text.title,
                    slug=slug,
                    content_type_id=templates[text.kind].content_type_id,
                    path=Page._get_path(parent.path, parent.depth + 1, step),
                    depth=parent.depth + 1,
                    numchild=0,
                    url_path=f"{parent.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=text.published_at,
                    last_published_at=text.published_at,
                    locale_id=templates[text.kind].locale_id,
                    translation_key=uuid.uuid4(),
                ),
                text,
            )
        )
        if sum(len(items) for items in pending.values()) >= 5000:
            flush()
    flush()
    for page_id, count_ in children.items():
        Page.objects.filter(pk=page_id).update(numchild=count_)
    return written + len(templates)


def _percentiles(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return statistics.median(ordered), p95


def _segmented_texts(limit: int) -> tuple[list[str], int]:
    """Texts the index segmented (title, body, attachment names, number, organ)
    of ``limit`` documents, read back from the index; and the characters of every
    document."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(char_length(title) + char_length(body) + "
            "char_length(attachments) + char_length(document_number) + "
            "char_length(issuing_organ)) FROM govsearch_searchdocument"
        )
        total = cursor.fetchone()[0] or 0
        cursor.execute(
            "SELECT title, body, attachments, document_number, issuing_organ "
            "FROM govsearch_searchdocument ORDER BY id LIMIT %s",
            [limit],
        )
        texts = [text for fields in cursor.fetchall() for text in fields if text]
    return texts, total


class _ServerCpu(threading.Thread):
    """CPU seconds of the PostgreSQL processes working on the bench database
    (the command's connections and its workers': their COPYs, the index builds,
    autovacuum), read from /proc every 50 ms while the rebuild runs, when the
    server runs on this machine. Its own CPU is kept apart (``own``)."""

    def __init__(self, database: str):
        super().__init__(daemon=True)
        self.marker = f" {database} ".encode()
        self.done = threading.Event()
        self.start_cpu = self._scan()
        self.last = dict(self.start_cpu)
        self.own = 0.0

    def _scan(self) -> dict[int, float]:
        found = {}
        tick = os.sysconf("SC_CLK_TCK")
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/cmdline", "rb") as cmdline:
                    title = cmdline.read()
                if not title.startswith(b"postgres: ") or self.marker not in title:
                    continue
                with open(f"/proc/{name}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(name)] = (int(fields[11]) + int(fields[12])) / tick
        return found

    def run(self) -> None:
        began = time.thread_time()
        while not self.done.wait(0.05):
            self.last.update(self._scan())
        self.last.update(self._scan())
        self.own = time.thread_time() - began

    def stop(self) -> float | None:
        self.done.set()
        self.join()
        if not self.last:
            return None
        return sum(cpu - self.start_cpu.get(pid, 0.0) for pid, cpu in self.last.items())


def _rebuild():
    """``search_index rebuild`` through call_command: (wall s, CPU s of this
    process and its workers, documents, characters indexed, sample texts)."""
    from django.core.management import call_command

    out = StringIO()
    before = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    from django.db import connection

    server_cpu = _ServerCpu(connection.settings_dict["NAME"])
    server_cpu.start()
    started = time.perf_counter()
    call_command("search_index", "rebuild", stdout=out)
    seconds = time.perf_counter() - started
    server = server_cpu.stop()
    after = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    cpu = (
        sum(
            (a.ru_utime + a.ru_stime) - (b.ru_utime + b.ru_stime)
            for a, b in zip(after, before, strict=True)
        )
        - server_cpu.own
    )
    print(f"  {out.getvalue().strip()}")
    print(f"  load average at the end: {os.getloadavg()}")
    if server is not None:
        print(
            f"  PostgreSQL CPU for the COPY, index builds and swap: {server:.1f} s "
            "(every backend of the bench database; not counted below)"
        )
    texts, chars = _segmented_texts(SAMPLE)
    from search.models import SearchDocument

    documents = SearchDocument.objects.count()
    print(
        f"  indexed text: {chars:,} characters, "
        f"{chars / max(documents, 1):.0f} a document"
    )
    return seconds, cpu, documents, chars, texts, server


def _report(seconds, cpu, documents, chars, raw, cores, server=None):
    per_core = chars / seconds / cores
    row(
        f"search_index rebuild, per core, wall ({cores} cores)",
        per_core / 1e6,
        "M chars/s",
        baseline=raw / 1e6,
    )
    print("           (ratio: rebuild chars/s per core ÷ raw segmenter chars/s)")
    row(
        "search_index rebuild, per CPU second (command + workers)",
        chars / cpu / 1e6,
        "M chars/s",
        baseline=raw / 1e6,
    )
    row("search_index rebuild", documents / seconds, "items/s")
    row("  wall time", seconds, "s")
    row("  CPU of the command and its workers (PostgreSQL's not counted)", cpu, "s")
    print(
        f"  a full re-index of 1,000,000 items: "
        f"{1_000_000 / (documents / seconds) / 60:.1f} min at this run's wall rate, "
        f"{1_000_000 / documents * cpu / cores / 60:.1f} min from its CPU on "
        f"{cores} idle cores (extrapolated; target 5)"
    )
    if server is not None:
        print(
            f"  with PostgreSQL's CPU as well: "
            f"{1_000_000 / documents * (cpu + server) / cores / 60:.1f} min on "
            f"{cores} idle cores"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument(
        "--docs", type=int, default=int(os.environ.get("BENCH_SEARCH_DOCS", 100_000))
    )
    parser.add_argument(
        "--sites", type=int, default=int(os.environ.get("BENCH_SEARCH_SITES", 20))
    )
    parser.add_argument("--runs", type=int, default=40, help="queries per figure")
    args = parser.parse_args(argv or [])
    setup_django(DATABASE, fresh=True)
    from django.core.management import call_command
    from django.db import connection

    from search.analysis import segmenter, tokens

    cores = os.cpu_count() or 1
    header(f"search: {args.docs:,} pages over {args.sites} sites, search_index rebuild")
    started = time.perf_counter()
    sites = _sites(args.sites)
    built = _corpus(sites, args.docs)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"  corpus: {built:,} live pages built in {time.perf_counter() - started:.0f} s"
    )

    # The real path, as an operator runs it.
    seconds, cpu, documents, chars, texts, server = _rebuild()

    # Baseline in the same run: the raw segmenter over the same texts.
    cut = segmenter().cut_for_search
    sample_chars = sum(map(len, texts))
    for text in texts[:2000]:  # both warmed up as a rebuild's workers are
        cut(text)
        tokens(text)
    began = time.process_time()
    for text in texts:
        cut(text)
    raw = sample_chars / (time.process_time() - began)
    began = time.process_time()
    for text in texts:
        tokens(text)
    ours = sample_chars / (time.process_time() - began)

    row("raw segmenter, one process (baseline)", raw / 1e6, "M chars/s")
    row("our tokens, one process", ours / 1e6, "M chars/s", baseline=raw / 1e6)
    _report(seconds, cpu, documents, chars, raw, cores, server)
    out = StringIO()
    call_command("search_index", "check", stdout=out)
    print("  search_index check: " + "; ".join(out.getvalue().split("\n")[:3]))

    _queries(args, sites, documents)


def _queries(args, sites, documents):
    from search.backends.base import SearchRequest
    from search.backends.postgres import PostgresBackend
    from search.query import parse

    backend = PostgresBackend()
    rng = random.Random(7)
    print(f"  query latency at {documents:,} documents (p50 / p95 ms; mean matches):")
    everything = []
    for scope in ("site", "all"):
        for label, words in QUERIES.items():
            runs = [(rng.choice(words), rng.choice(sites).pk) for _ in range(args.runs)]

            def search(run, scope=scope):
                word, site_id = run
                return backend.search(
                    SearchRequest(
                        query=parse(word),
                        site_ids=(site_id,) if scope == "site" else None,
                    )
                )

            search(runs[0])
            samples, found = [], []
            for run in runs:
                began = time.perf_counter()
                found.append(search(run).total)
                samples.append((time.perf_counter() - began) * 1000)
            everything.append((scope, samples))
            p50, p95 = _percentiles(samples)
            name = "site-scoped" if scope == "site" else "platform-wide"
            print(
                f"  {name:<14} {label:<9} p50 {p50:7.1f}  p95 {p95:7.1f}   "
                f"matches {statistics.mean(found):,.0f}"
            )
    for scope, target in (("site", 20), ("all", 300)):
        samples = [s for sc, group in everything if sc == scope for s in group]
        _p50, p95 = _percentiles(samples)
        name = "site-scoped" if scope == "site" else "platform-wide"
        row(f"{name} p95, every query", p95, f"ms (target {target})")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
