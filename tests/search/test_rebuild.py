"""``search_index rebuild`` writes what incremental indexing writes, in this
process and with worker processes; the vector literal without per-token work is
the same vector as the one built token by token."""

import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.models import PageViewRestriction

from search.backends import postgres, postgres_rebuild
from search.backends.postgres import (
    PostgresBackend,
    _slow_vector_literal,
    vector_literal,
)
from search.documents import documents_in, page_key
from search.models import SearchDocument
from tests.factories import ArticleFactory, PolicyDocumentFactory, column
from tests.factories.content import (
    ConsultationFactory,
    InterpretationFactory,
    body,
)

COMPARED = (
    "item_key, page_id, site_id, site_level, site_ids, urls::text, content_type, "
    "column_id, column_title, title, body, attachments, issuing_organ, "
    "document_number, published_at, source_version, vector::text, "
    "title_vector::text"
)


def _index_rows() -> dict[str, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COMPARED} FROM govsearch_searchdocument ORDER BY item_key"  # noqa: S608
        )
        return {row[0]: row for row in cursor.fetchall()}


def _corpus(site, other_site) -> list:
    """Pages of every indexed type, on two sites, with the texts that take the
    literal's other paths (quotes, backslashes, capitals, document numbers),
    and pages that must not be indexed."""
    policy = PolicyDocumentFactory(
        parent=column(site, "zcwj"),
        title="省政府办公厅关于优化营商环境的意见",
        body=body("根据辽政办发〔2019〕12号和辽政发[2020]3号文件精神。"),
        publish=True,
    )
    pages = [
        policy,
        ArticleFactory(
            parent=column(site, "zwyw"),
            title="关于推进“一网通办”APP上线的通知",
            body=body("深化放管服改革，政务服务中心周末不打烊。" * 30),
            publish=True,
        ),
        ArticleFactory(
            parent=column(site, "zwyw"),
            title="O'Neil 与 C:\\路径 的说明",
            body=body("引号'和反斜杠\\都在正文里。Tab\t与换行。"),
            publish=True,
        ),
        InterpretationFactory(
            parent=column(site, "zcjd"),
            title="图解：医保报销新政",
            document=policy,
            publish=True,
        ),
        ConsultationFactory(
            parent=column(other_site, "yjzj"), title="征求意见稿", publish=True
        ),
        ArticleFactory(parent=column(other_site, "zwyw"), publish=True),
    ]
    ArticleFactory(parent=column(site, "zwyw"), title="草稿不索引")  # a draft
    private = ArticleFactory(parent=column(site, "zwyw"), title="内部", publish=True)
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    return pages


def _table_shape() -> dict:
    """The index table's oid, and its indexes, constraints and column storage
    as the catalog describes them (names included)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'govsearch_searchdocument'::regclass::oid")
        oid = cursor.fetchone()[0]
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = 'govsearch_searchdocument' ORDER BY 1"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s ORDER BY 1",
            [oid],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT attname, attstorage, attcompression, attnotnull, attidentity "
            "FROM pg_attribute "
            "WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [oid],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_serial_sequence('govsearch_searchdocument', 'id'), "
            "(SELECT count(*) FROM pg_trigger WHERE tgrelid = %s "
            "AND NOT tgisinternal), to_regclass(%s), to_regclass(%s)",
            [oid, postgres_rebuild.SHADOW, postgres_rebuild.CHANGES],
        )
        rest = cursor.fetchone()
    return {
        "oid": oid,
        "indexes": indexes,
        "constraints": constraints,
        "columns": columns,
        "sequence, triggers, leftovers": rest,
    }


def _same_shape(before: dict, after: dict) -> bool:
    return {k: v for k, v in before.items() if k != "oid"} == {
        k: v for k, v in after.items() if k != "oid"
    }


@pytest.mark.django_db
def test_a_full_rebuild_swaps_in_a_fresh_table_of_the_same_shape(
    site, other_site, index
):
    _corpus(site, other_site)
    index()
    incremental = _index_rows()
    before = _table_shape()
    assert before["sequence, triggers, leftovers"][1:] == (0, None, None)
    call_command("search_index", "rebuild", stdout=StringIO())
    after = _table_shape()
    assert after["oid"] != before["oid"]  # a fresh table, indexed after loading
    assert _same_shape(before, after)
    assert _index_rows() == incremental
    # The swapped-in table takes incremental updates as the old one did.
    SearchDocument.objects.all().delete()
    call_command("search_index", "rebuild", stdout=StringIO())
    assert _index_rows() == incremental


@pytest.mark.django_db
def test_rebuilt_bodies_are_compressed_with_lz4_and_vectors_are_not(site, other_site):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = "
            "'govsearch_searchdocument'::regclass AND attcompression = 'l'"
        )
        if cursor.fetchone()[0] == 0:
            pytest.skip("this PostgreSQL server has no LZ4: pglz is kept")
    _corpus(site, other_site)
    call_command("search_index", "rebuild", stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT pg_column_compression(body) "
            "FROM govsearch_searchdocument "
            "WHERE title LIKE '关于推进%%'"  # the long body: compressed
        )
        assert cursor.fetchall() == [("lz4",)]
        # pglz (not LZ4) for the vectors: it leaves them as they are, and ranking
        # reads them without decompressing.
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = "
            "'govsearch_searchdocument'::regclass "
            "AND attname IN ('vector', 'title_vector')"
        )
        assert sorted(cursor.fetchall()) == [("title_vector", ""), ("vector", "")]


@pytest.mark.django_db
def test_searches_read_the_old_index_and_changes_made_meanwhile_are_kept(
    site, other_site, index
):
    """While the rows load, searches read the old table; what an incremental
    update writes or deletes meanwhile is in the rebuilt index."""
    pages = _corpus(site, other_site)
    index()
    backend = PostgresBackend()
    stale_key = page_key(pages[1].pk)
    gone_key = page_key(pages[2].pk)
    ids = sorted(page.pk for page in pages)
    seen = {}

    def documents():
        built = list(documents_in(ids))
        yield built[0]
        seen["rows while loading"] = _index_rows()
        # An editor changes one page and deletes another; their queued updates
        # run while the rebuild loads the documents read before the change.
        pages[1].title = "改过的标题"
        pages[1].save_revision().publish()
        pages[2].delete()
        index()
        seen["after the updates"] = _index_rows()
        yield from built[1:]

    before = _index_rows()
    backend.rebuild(documents())
    assert seen["rows while loading"] == before
    expected = seen["after the updates"]
    assert gone_key not in expected and "改过的标题" in expected[stale_key]
    assert _index_rows() == expected
    call_command("search_index", "check", stdout=(out := StringIO()))
    assert "missing: 0" in out.getvalue() and "stale: 0" in out.getvalue()
    assert "orphaned: 0" in out.getvalue()


@pytest.mark.django_db
def test_what_a_killed_rebuild_left_behind_is_cleared(site, other_site, index):
    pages = _corpus(site, other_site)
    index()
    before = _table_shape()
    shadow = postgres_rebuild.SHADOW
    with connection.cursor() as cursor:  # a rebuild killed while it loaded
        postgres_rebuild._prepare(cursor)
        cursor.execute(f"INSERT INTO {shadow} SELECT * FROM {SearchDocument._meta.db_table}")  # fmt: skip # noqa: E501, S608
    # Incremental updates still work meanwhile.
    pages[0].title = "后来改的标题"
    pages[0].save_revision().publish()
    index()
    incremental = _index_rows()
    assert "后来改的标题" in incremental[page_key(pages[0].pk)]
    call_command("search_index", "rebuild", stdout=StringIO())
    assert _same_shape(before, _table_shape())
    assert _index_rows() == incremental


@pytest.mark.django_db
def test_a_table_changed_during_the_rebuild_fails_the_swap(site, other_site, index):
    pages = _corpus(site, other_site)
    index()
    ids = sorted(page.pk for page in pages)

    def documents():
        built = list(documents_in(ids))
        yield built[0]
        with connection.cursor() as cursor:  # a migration adds an index meanwhile
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "CREATE INDEX searchdoc_test_added ON govsearch_searchdocument (title)"
            )
        yield from built[1:]

    before = _index_rows()
    shape = _table_shape()
    with pytest.raises(postgres_rebuild.RebuildFailed, match="changed during"):
        PostgresBackend().rebuild(documents())
    # (Inside this test's transaction the index is rolled back with the rest.)
    assert _table_shape() == shape
    assert _index_rows() == before


@pytest.mark.django_db
def test_a_second_rebuild_at_the_same_time_is_refused(site, other_site, index):
    _corpus(site, other_site)
    index()
    before = _index_rows()
    other = connection.copy()  # a rebuild running in another process
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [postgres_rebuild.LOCK_KEY])
        with pytest.raises(CommandError, match="another rebuild"):
            call_command("search_index", "rebuild", stdout=StringIO())
    finally:
        other.close()
    assert _index_rows() == before
    call_command("search_index", "rebuild", stdout=StringIO())  # once it ended
    assert _index_rows() == before


@pytest.mark.django_db
def test_a_rebuild_writes_what_incremental_indexing_wrote(site, other_site, index):
    pages = _corpus(site, other_site)
    index()
    incremental = _index_rows()
    assert len(incremental) == len(pages)
    assert f"page:{pages[0].pk}" in incremental
    SearchDocument.objects.all().delete()
    call_command("search_index", "rebuild", stdout=StringIO())
    assert _index_rows() == incremental
    # One site's rebuild leaves the other site's documents as they were.
    call_command("search_index", "rebuild", "--site", site.code, stdout=StringIO())
    assert _index_rows() == incremental


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_processes_rebuild_the_same_index(site, other_site, index, monkeypatch):
    monkeypatch.setattr("search.backends.postgres.REBUILD_BATCH", 2)
    _corpus(site, other_site)
    index()
    incremental = _index_rows()
    SearchDocument.objects.all().delete()
    before = _table_shape()
    out = StringIO()
    call_command("search_index", "rebuild", "--workers", "2", stdout=out)
    assert "(2 worker(s))" in out.getvalue()
    assert _index_rows() == incremental
    after = _table_shape()
    assert after["oid"] != before["oid"] and _same_shape(before, after)
    call_command(
        "search_index",
        "rebuild",
        "--site",
        other_site.code,
        "--workers",
        "2",
        stdout=StringIO(),
    )
    assert _index_rows() == incremental
    call_command("search_index", "check", stdout=(out := StringIO()))
    assert "missing: 0" in out.getvalue() and "stale: 0" in out.getvalue()


def _failing_documents(how: str, last_id: int):
    """``documents_for_pages`` of a worker that fails on the batch holding the
    page ``last_id``: it raises, or its process dies."""
    built = postgres.documents_for_pages

    def documents_for_pages(page_ids):
        page_ids = list(page_ids)
        if last_id in page_ids:
            if how == "dies":
                os._exit(1)  # as a worker killed by the kernel
            raise RuntimeError("a worker failed")
        return built(page_ids)

    return documents_for_pages


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("how", ["raises", "dies"])
def test_a_failed_worker_leaves_the_previous_index(
    site, other_site, index, monkeypatch, how
):
    monkeypatch.setattr("search.backends.postgres.REBUILD_BATCH", 2)
    pages = _corpus(site, other_site)
    index()
    before = _index_rows()
    shape = _table_shape()
    # The workers fork from this process: they build with the failing function;
    # the last batch fails after the first ones were written.
    monkeypatch.setattr(
        postgres,
        "documents_for_pages",
        _failing_documents(how, max(page.pk for page in pages)),
    )
    expected = RuntimeError if how == "raises" else CommandError
    with pytest.raises(expected) as failure:
        call_command("search_index", "rebuild", "--workers", "2", stdout=StringIO())
    if how == "dies":
        assert "worker process died" in str(failure.value)
        assert "left as it was" in str(failure.value)
    assert _index_rows() == before
    assert _table_shape() == shape  # no fresh table, no trigger left behind


TEXTS = [
    ("", "A"),
    ("政务服务中心周末不打烊。", "A"),
    ("关于APP与5G、PM2.5的通知！（试行）", "D"),
    ("根据辽政办发〔2019〕12号文件精神", "B"),
    ("It's a \\ back-slashed 'quote'", "D"),
    ("Ünïcode ÄÖÜ Straße İstanbul", "D"),
    ("x" * 3000 + " 很长的拉丁词", "D"),
    ("一网通办" * 5000, "D"),  # past PostgreSQL's last position and 256 per lexeme
]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 2, 3, len(TEXTS)])
def test_the_fast_literal_is_the_same_vector(count):
    for start in range(len(TEXTS) - count + 1):
        parts = TEXTS[start : start + count]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT %s::tsvector = %s::tsvector",
                [vector_literal(parts), _slow_vector_literal(parts)],
            )
            assert cursor.fetchone()[0], parts
