"""The default backend: PostgreSQL full-text search over text segmented in Python.

Each document's tokens (``search.analysis.tokens``) are written as a ``tsvector``
literal, with their positions and weights (title A; attachment names, document
number and issuing organ B; body D), so PostgreSQL's own parser never splits them
again: the ``simple`` configuration's tables are never consulted, and no extension
is needed. A GIN index serves ``@@``; results are ranked by ``ts_rank`` (title
weighted above body) divided by an age term, so recent items come first among
equally good matches. Ranking looks at the most recent CANDIDATES title matches
and the most recent CANDIDATES matches, so a frequent word does not rank every
row of a million-document index; matches are counted up to CANDIDATES (past
that, "more than CANDIDATES"). A search of one site reads the site's own rows
in date order and the few shown on it from other sites (``search_sql``).
"""

from __future__ import annotations

import collections
import datetime
import functools
import itertools
import json
from collections.abc import Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from search.analysis import tokens
from search.documents import IndexDocument, documents_for_pages
from search.models import SearchDocument
from search.query import quote_lexeme, tsquery

from . import postgres_rebuild
from .base import (
    CANDIDATES,
    Hit,
    RebuildFailed,
    SearchBackend,
    SearchRequest,
    SearchResults,
    facet_counts,
)

MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_LEXEME_BYTES = 2046  # and a lexeme's size limit
# Weights of D, C, B, A for ts_rank; and how fast age lowers the score (per year).
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
AGE_DECAY_PER_YEAR = 0.5
BATCH = 1000
COPY_BATCH = 5000
FACETS = ("site", "level", "content_type", "year")
GIN_INDEXES = (
    "searchdoc_vector_gin",
    "searchdoc_title_vector_gin",
    "searchdoc_site_ids_gin",
    "searchdoc_shared_site_ids_gin",
)


def _slow_vector_literal(parts: Iterable[tuple[str, str]]) -> str:
    """The literal built token by token: for the rare text with a quote, a
    backslash or a token too long for PostgreSQL (``vector_literal`` gives the
    same vector for every other text)."""
    positions: dict[str, list[str]] = {}
    position = 0
    for text, weight in parts:
        for token in tokens(text):
            position = min(position + 1, MAX_POSITION)
            found = positions.setdefault(token, [])
            if len(found) < 256:  # PostgreSQL keeps at most 256 positions a lexeme
                found.append(f"{position}{weight}")
    return " ".join(
        f"{quote_lexeme(token)}:{','.join(places)}"
        for token, places in positions.items()
        if len(token.encode()) < MAX_LEXEME_BYTES
    )


# What follows the n-th token in a literal (``':7A '``), made once per weight;
# D, the body's, is PostgreSQL's default weight and is left out (``':7 '``).
_SUFFIXES = {
    weight: [
        f"':{n}{'' if weight == 'D' else weight} '" for n in range(MAX_POSITION + 1)
    ]
    for weight in "ABCD"
}


def _suffixes(weight: str, start: int, count: int) -> list[str]:
    """The suffixes of positions ``start`` .. ``start + count - 1``, every position
    past PostgreSQL's largest one clamped to it (as PostgreSQL itself does)."""
    table = _SUFFIXES[weight]
    end = start + count
    if end <= MAX_POSITION + 1:
        return table[start:end]
    kept = table[start : MAX_POSITION + 1]
    return kept + [table[MAX_POSITION]] * (count - len(kept))


def _pieces(parts: list[tuple[str, str]]) -> list[str] | None:
    """The literal of each part, positions running on from part to part (None:
    a text needs the token-by-token literal)."""
    pieces = []
    position = 0
    for text, weight in parts:
        if "'" in text or "\\" in text:
            return None
        found = tokens(text)
        count = len(found)
        if not count:
            pieces.append("")
            continue
        if len(text) * 4 >= MAX_LEXEME_BYTES and max(map(len, found)) * 4 >= (
            MAX_LEXEME_BYTES
        ):
            return None
        joined = [""] * (2 * count)
        joined[::2] = found
        joined[1::2] = _suffixes(weight, position + 1, count)
        pieces.append("'" + "".join(joined)[:-2])
        position = min(position + count, MAX_POSITION)
    return pieces


def vector_literal(parts: Iterable[tuple[str, str]]) -> str:
    """A tsvector literal of (text, weight) parts: every token with its position
    and weight, e.g. ``'政务':1A '服务':2A '政务':7D``.

    A token that comes again is written again with its new position: PostgreSQL
    merges the entries of one lexeme when it reads the literal (keeping its first
    256 positions), so no Python work per token is needed here: the tokens and
    their suffixes are interleaved by two slice assignments and joined once."""
    parts = list(parts)
    pieces = _pieces(parts)
    if pieces is None:
        return _slow_vector_literal(parts)
    return " ".join(piece for piece in pieces if piece)


def document_vectors(document: IndexDocument) -> tuple[str, str]:
    """The document's vector (title A; attachment names, document number and
    issuing organ B; body D) and its title's alone, the title segmented once."""
    parts = [
        (document.title, "A"),
        (document.attachments, "B"),
        (document.document_number, "B"),
        (document.issuing_organ, "B"),
        (document.body, "D"),
    ]
    pieces = _pieces(parts)
    if pieces is None:
        return _slow_vector_literal(parts), _slow_vector_literal(parts[:1])
    return " ".join(piece for piece in pieces if piece), pieces[0]


def document_row(document: IndexDocument) -> SearchDocument:
    vector, title_vector = document_vectors(document)
    return SearchDocument(
        item_key=document.item_key,
        page_id=document.page_id,
        site_id=document.site_id,
        site_level=document.site_level,
        site_ids=list(document.site_ids),
        urls=document.urls,
        content_type=document.content_type,
        column_id=document.column_id,
        column_title=document.column_title[:255],
        title=document.title[:255],
        body=document.body,
        attachments=document.attachments,
        issuing_organ=document.issuing_organ[:100],
        document_number=document.document_number[:60],
        published_at=document.published_at,
        source_version=document.version,
        vector=vector,
        title_vector=title_vector,
    )


UPDATE_FIELDS = [
    "page_id",
    "site",
    "site_level",
    "site_ids",
    "urls",
    "content_type",
    "column_id",
    "column_title",
    "title",
    "body",
    "attachments",
    "issuing_organ",
    "document_number",
    "published_at",
    "source_version",
    "vector",
    "title_vector",
    "indexed_at",
]


TABLE = SearchDocument._meta.db_table
COPY_COLUMNS = ", ".join(
    f'"{SearchDocument._meta.get_field(name).column}"'
    for name in ("item_key", *UPDATE_FIELDS)
)
REBUILD_BATCH = 1000  # pages a worker reads and builds at a time


def _text(value: str) -> str:
    """A value in COPY's text format."""
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def copy_line(document: IndexDocument, now: datetime.datetime) -> str:
    """The document's row as one line of COPY's text format, in the order of
    COPY_COLUMNS (the same values ``document_row`` gives the ORM)."""
    vector, title_vector = document_vectors(document)
    site_ids = "{" + ",".join(map(str, document.site_ids)) + "}"
    fields = [
        _text(document.item_key),
        "\\N" if document.page_id is None else str(document.page_id),
        str(document.site_id),
        _text(document.site_level),
        site_ids,
        _text(json.dumps(document.urls, ensure_ascii=False)),
        _text(document.content_type),
        "\\N" if document.column_id is None else str(document.column_id),
        _text(document.column_title[:255]),
        _text(document.title[:255]),
        _text(document.body),
        _text(document.attachments),
        _text(document.issuing_organ[:100]),
        _text(document.document_number[:60]),
        document.published_at.isoformat(),
        document.version,
        # A literal holds no tab or line break (tokens have no white space),
        # only the backslashes of the token-by-token literal.
        vector.replace("\\", "\\\\"),
        title_vector.replace("\\", "\\\\"),
        now.isoformat(),
    ]
    return "\t".join(fields) + "\n"


def copy_batch(page_ids: list[int], *, site_id: int | None = None) -> tuple[int, bytes]:
    """(rows, their COPY data) of these pages' documents (of one site's own
    items with ``site_id``): a rebuild worker's task."""
    now = timezone.now()
    lines = [
        copy_line(document, now)
        for document in documents_for_pages(page_ids).values()
        if document is not None and (site_id is None or document.site_id == site_id)
    ]
    return len(lines), "".join(lines).encode()


def copy_into_shadow(page_ids: list[int]) -> int:
    """Build these pages' documents and COPY them into the rebuild's fresh table
    on this process's connection: a worker's task in a full rebuild."""
    count, data = copy_batch(page_ids)
    return postgres_rebuild.copy_rows(data, count, COPY_COLUMNS)


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class PostgresBackend(SearchBackend):
    name = "postgres"

    def upsert(self, documents: Iterable[IndexDocument]) -> None:
        rows = [document_row(d) for d in documents]
        for start in range(0, len(rows), BATCH):
            SearchDocument.objects.bulk_create(
                rows[start : start + BATCH],
                update_conflicts=True,
                unique_fields=["item_key"],
                update_fields=UPDATE_FIELDS,
            )

    def delete(self, item_keys: Iterable[str]) -> None:
        SearchDocument.objects.filter(item_key__in=list(item_keys)).delete()

    def versions(self) -> Iterator[tuple[str, str]]:
        yield from SearchDocument.objects.values_list(
            "item_key", "source_version"
        ).iterator(chunk_size=5000)

    def rebuild(
        self, documents: Iterable[IndexDocument], *, site_id: int | None = None
    ) -> int:
        if site_id is None:
            # Every document: into a fresh table, swapped in at the end.
            return postgres_rebuild.rebuild_here(documents, copy_line, COPY_COLUMNS)
        now = timezone.now()
        with transaction.atomic():
            self._delete_scope(site_id)
            # Documents may be read from the database while they are written: a
            # COPY a batch, since no other query can run during a COPY.
            written, lines = 0, []
            for document in documents:
                lines.append(copy_line(document, now))
                if len(lines) >= COPY_BATCH:
                    written += self._copy("".join(lines).encode(), len(lines))
                    lines = []
            written += self._copy("".join(lines).encode(), len(lines))
            self._merge_pending_lists()
        self._analyze()
        return written

    def rebuild_pages(
        self, page_ids: list[int], *, site_id: int | None = None, workers: int = 1
    ) -> int:
        """Rebuild from the pages' ids; searches read the old documents until
        the new ones are in. With ``workers`` > 1, worker processes (each with
        its own database connection) read the pages of a batch of ids, build,
        segment and format the rows. Every site's documents: each worker COPYs
        its rows into a fresh table, indexed after loading and swapped in at the
        end (``postgres_rebuild``). One site's: this process streams the
        workers' rows into the table with COPY in one transaction."""
        batches = [
            page_ids[start : start + REBUILD_BATCH]
            for start in range(0, len(page_ids), REBUILD_BATCH)
        ]
        if workers <= 1 or len(batches) <= 1 or connection.in_atomic_block:
            # Inside a transaction (a test, a caller's atomic block) the workers
            # could not see its rows: build here.
            return super().rebuild_pages(page_ids, site_id=site_id, workers=1)
        if site_id is None:
            return postgres_rebuild.rebuild_in_workers(
                batches, copy_into_shadow, workers
            )
        written = 0
        build = functools.partial(copy_batch, site_id=site_id)
        waiting = iter(batches)
        # A worker that raises, or dies (killed, out of memory), fails the
        # rebuild: the transaction is rolled back, the previous documents stay.
        with postgres_rebuild.worker_pool(min(workers, len(batches))) as pool:
            try:
                # The first submission forks every worker: before this process
                # opens its connection again. A few batches are built ahead of
                # COPY, not all of them held in memory.
                ahead = collections.deque(
                    pool.submit(build, batch)
                    for batch in itertools.islice(waiting, 2 * workers)
                )
                with transaction.atomic():
                    self._delete_scope(site_id)
                    while ahead:
                        count, data = ahead.popleft().result()
                        for batch in itertools.islice(waiting, 1):
                            ahead.append(pool.submit(build, batch))
                        written += self._copy(data, count)
                    self._merge_pending_lists()
            except BaseException as error:
                pool.shutdown(wait=False, cancel_futures=True)
                if isinstance(error, BrokenProcessPool):
                    raise RebuildFailed(
                        "a rebuild worker process died; the index was left as it was"
                    ) from error
                raise
        self._analyze()
        return written

    def _delete_scope(self, site_id: int | None) -> None:
        stale = SearchDocument.objects.all()
        if site_id is not None:
            stale = stale.filter(site_id=site_id)
        stale._raw_delete(stale.db)

    def _analyze(self) -> None:
        # The planner's statistics of the rows just written: without them it
        # guesses one row a word, and filters a site's rows from every match of
        # a word instead of intersecting the word's and the site's indexes.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")

    def _merge_pending_lists(self) -> None:
        # Bulk-loaded GIN entries wait in each index's pending list, which every
        # query would scan until autovacuum merges it: merge it now.
        with connection.cursor() as cursor:
            for index in GIN_INDEXES:
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])

    def _copy(self, data: bytes, count: int) -> int:
        """Stream rows (COPY's text format, ``copy_line``) into the index table
        (no conflict handling: for rebuilds, after their rows were deleted)."""
        return postgres_rebuild.copy_rows(data, count, COPY_COLUMNS, table=TABLE)

    # -- searching --------------------------------------------------------------

    def _filters(
        self, request: SearchRequest, one_site: int | None
    ) -> tuple[list[str], dict]:
        """The request's conditions; the site's are left to the query's branches
        when the search is of ``one_site``."""
        where, params = [], {}
        if request.site_ids is not None and one_site is None:
            where.append("d.site_ids && %(site_ids)s::integer[]")
            params["site_ids"] = list(request.site_ids)
        if request.content_type:
            where.append("d.content_type = %(content_type)s")
            params["content_type"] = request.content_type
        if request.column_id is not None:
            where.append("d.column_id = %(column_id)s")
            params["column_id"] = request.column_id
        if request.date_from:
            where.append("d.published_at >= %(date_from)s")
            params["date_from"] = _day_start(request.date_from)
        if request.date_to:
            where.append("d.published_at < %(date_to)s")
            params["date_to"] = _day_start(request.date_to + datetime.timedelta(1))
        if request.site_id is not None and one_site is None:
            where.append("%(site_id)s = ANY(d.site_ids)")
            params["site_id"] = request.site_id
        if request.site_level:
            where.append("d.site_level = %(site_level)s")
            params["site_level"] = request.site_level
        if request.year is not None:
            where.append("d.published_at >= %(year_from)s")
            where.append("d.published_at < %(year_to)s")
            params["year_from"] = _day_start(datetime.date(request.year, 1, 1))
            params["year_to"] = _day_start(datetime.date(request.year + 1, 1, 1))
        return where, params

    def search(self, request: SearchRequest) -> SearchResults:
        if request.query.is_empty:
            return SearchResults([], 0, False, facet_counts([]))
        one_site = _one_site(request)
        where, params = self._filters(request, one_site)
        params.update(
            q=tsquery(request.query),
            limit=CANDIDATES,
            more=CANDIDATES + 1,
            one_site=one_site,
            weights=RANK_WEIGHTS,
            decay=AGE_DECAY_PER_YEAR,
            tz=settings.TIME_ZONE,
            offset=request.offset,
            per_page=request.per_page,
        )
        with connection.cursor() as cursor:
            cursor.execute(search_sql(where, one_site=one_site is not None), params)
            matches, total, page, *facet_values = cursor.fetchone()
        # Every title match is a match: when the most recent matches were not
        # cut, the candidates are every match, and their count is exact.
        lower_bound = matches > CANDIDATES
        if lower_bound:
            total = CANDIDATES
        page = json.loads(page) if isinstance(page, str) else page
        facets = {
            name: dict(
                sorted(
                    (json.loads(v) if isinstance(v, str) else v).items(),
                    key=lambda kv: (-kv[1], kv[0]),
                )
            )
            for name, v in zip(FACETS, facet_values, strict=True)
        }
        # The page's rows without their vectors (ranked already; a hit shows
        # none of them, and a vector is most of a row).
        stored = SearchDocument.objects.defer("vector", "title_vector").in_bulk(
            [pk for pk, _score in page]
        )
        hits = [_hit(stored[pk], score) for pk, score in page if pk in stored]
        return SearchResults(hits, total, lower_bound, facets)


def _one_site(request: SearchRequest) -> int | None:
    """The one site a search is limited to (a site's own search, or a
    platform-wide search narrowed to one site), else None."""
    if request.site_ids is None:
        return request.site_id
    if len(request.site_ids) == 1 and request.site_id in (None, request.site_ids[0]):
        return request.site_ids[0]
    return None


# A candidate's columns and score: ts_rank (title weighted above body) divided by
# an age term. Computed where the row is read, so no candidate is read twice.
CANDIDATE_COLUMNS = """
    d.id, d.site_ids, d.site_level, d.content_type, d.published_at,
    ts_rank(%(weights)s::float4[], d.vector, %(q)s::tsquery)
    / (1 + %(decay)s * greatest(extract(epoch FROM now() - d.published_at), 0)
       / 31557600.0) AS score"""


def search_sql(where: list[str], *, one_site: bool) -> str:
    """The query of a search: its candidates (the most recent CANDIDATES title
    matches and the most recent CANDIDATES matches), scored where they are read;
    how many matches there are, up to CANDIDATES + 1; the page of hits; the
    facets of the candidates. Only the page's ids and scores travel to Python.

    Of one site (``%(one_site)s``), the matches are the site's own documents, read
    in date order through ``(site_id, published_at)`` (a frequent word: the
    site's most recent rows, nothing of other sites), and those shown on it
    besides their own site, through the index of ``site_ids[2:]``; since
    ``site_ids`` starts with the document's own site, that is exactly every
    document whose ``site_ids`` hold the site."""
    table = SearchDocument._meta.db_table
    filters = "".join(f" AND {w}" for w in where)
    columns = CANDIDATE_COLUMNS
    newest = "ORDER BY d.published_at DESC"
    title_site = " AND d.site_ids && ARRAY[%(one_site)s]::integer[]" if one_site else ""
    if one_site:
        matches = f"""
            (SELECT {columns} FROM {table} d
              WHERE d.site_id = %(one_site)s AND d.vector @@ %(q)s::tsquery{filters}
              {newest} LIMIT %(more)s)
            UNION ALL
            (SELECT {columns} FROM {table} d
              WHERE d.site_ids[2:] && ARRAY[%(one_site)s]::integer[]
                AND d.site_id <> %(one_site)s
                AND d.vector @@ %(q)s::tsquery{filters}
              {newest} LIMIT %(more)s)
            ORDER BY published_at DESC LIMIT %(more)s"""  # noqa: S608
    else:
        matches = f"""
            SELECT {columns} FROM {table} d
             WHERE d.vector @@ %(q)s::tsquery{filters}
             {newest} LIMIT %(more)s"""  # noqa: S608
    return f"""
        WITH titled AS MATERIALIZED (
            SELECT {columns} FROM {table} d
             WHERE d.title_vector @@ %(q)s::tsquery{title_site}{filters}
             {newest} LIMIT %(limit)s
        ), matched AS MATERIALIZED ({matches}
        ), scored AS MATERIALIZED (
            SELECT * FROM titled
            UNION
            (SELECT * FROM matched ORDER BY published_at DESC, id DESC
              LIMIT %(limit)s)
        )
        SELECT
          (SELECT count(*) FROM matched),
          (SELECT count(*) FROM scored),
          (SELECT coalesce(json_agg(json_build_array(id, score)), '[]')
             FROM (SELECT id, score FROM scored
                    ORDER BY score DESC, published_at DESC, id
                    LIMIT %(per_page)s OFFSET %(offset)s) page),
          (SELECT coalesce(json_object_agg(k, n), '{{}}') FROM
             (SELECT unnest(site_ids)::text AS k, count(*) AS n
                FROM scored GROUP BY 1) f),
          (SELECT coalesce(json_object_agg(k, n), '{{}}') FROM
             (SELECT site_level AS k, count(*) AS n FROM scored GROUP BY 1) f),
          (SELECT coalesce(json_object_agg(k, n), '{{}}') FROM
             (SELECT content_type AS k, count(*) AS n FROM scored GROUP BY 1) f),
          (SELECT coalesce(json_object_agg(k, n), '{{}}') FROM
             (SELECT extract(year FROM published_at AT TIME ZONE %(tz)s)::int::text
                     AS k, count(*) AS n
                FROM scored GROUP BY 1) f)
    """  # noqa: S608 - table name is ours; every value is a parameter


def _hit(row: SearchDocument, score: float) -> Hit:
    return Hit(
        item_key=row.item_key,
        title=row.title,
        body=row.body,
        urls=row.urls,
        site_id=row.site_id,
        site_ids=row.site_ids,
        content_type=row.content_type,
        column_title=row.column_title,
        issuing_organ=row.issuing_organ,
        document_number=row.document_number,
        published_at=row.published_at,
        score=float(score),
    )
