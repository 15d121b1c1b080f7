"""A full rebuild of the PostgreSQL index into a fresh table, swapped in at the end.

1. A shadow table is made like the index table (columns, defaults, identity,
   storage, checks; no index), and a trigger on the index table records the key
   of every row an incremental update writes or deletes meanwhile.
2. Rows are loaded with COPY: by the worker processes, each on its own database
   connection (one batch, one COPY), or by this process; no index is kept up
   while they load.
3. The shadow table is analysed, then every index of the index table is built
   on it (the GIN indexes from scratch, with more ``maintenance_work_mem``; by
   the workers side by side), and its foreign keys are added.
4. One transaction swaps them: the rows changed meanwhile are taken over from
   the index table, which is dropped; the shadow table, its indexes, its
   constraints and its sequence take the names the migrations gave.

Searches read the old table until the swap commits; a rebuild that fails drops
the shadow table and leaves the old one as it was.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime
import functools
import itertools
import logging
import multiprocessing
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool

from django.db import connection, connections, transaction
from django.utils import timezone

from search.analysis import segmenter
from search.documents import IndexDocument
from search.models import SearchDocument
from sites.routing import get_host_map

from .base import RebuildFailed

logger = logging.getLogger(__name__)
TABLE = SearchDocument._meta.db_table
SHADOW = f"{TABLE}_rebuild"
CHANGES = f"{TABLE}_rebuild_changes"
TRIGGER = "govsearch_rebuild_changes"
# Memory for each index build: a GIN index built in one pass is several times
# cheaper than one grown row by row.
INDEX_MEMORY = "256MB"
LOAD_BATCH = 5000  # rows a COPY of this process (documents are read meanwhile)
# The advisory lock one full rebuild holds while it runs (another one would drop
# its fresh table).
LOCK_KEY = 0x67736964  # "gsid"
_INDEX_NAME = re.compile(r"^CREATE (UNIQUE )?INDEX (\S+) ON (?:ONLY )?(\S+) (.*)$")


@contextlib.contextmanager
def _only_rebuild():
    """Hold the rebuild's advisory lock on a connection of its own (this
    process's is closed while the workers fork); RebuildFailed if another
    rebuild holds it."""
    holder = connection.copy()
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise RebuildFailed(
                    "another rebuild of the index is running; the index was left "
                    "as it was"
                )
        yield
    finally:
        holder.close()


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _statements(cursor, sql: str, params=()) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def _prepare(cursor) -> None:
    """The shadow table, empty, and the trigger recording changed keys (what a
    killed rebuild left behind is dropped first)."""
    _drop(cursor)
    cursor.execute(
        f"CREATE TABLE {SHADOW} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING "
        "IDENTITY INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING CONSTRAINTS "
        "INCLUDING COMMENTS)"
    )
    cursor.execute(f"CREATE TABLE {CHANGES} (item_key varchar(80) NOT NULL)")
    cursor.execute(
        f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    INSERT INTO {CHANGES} VALUES (OLD.item_key);
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    INSERT INTO {CHANGES} VALUES (NEW.item_key);
                END IF;
                RETURN NULL;
            END $$"""  # noqa: S608 - the names are ours
    )
    cursor.execute(
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
    )


def _drop(cursor) -> None:
    cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")
    cursor.execute(f"DROP TABLE IF EXISTS {SHADOW}, {CHANGES}")
    cursor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")


def _layout(cursor) -> list[tuple]:
    """The index table's columns, indexes and constraints as the catalog has
    them: a migration that changed them during a rebuild fails its swap."""
    return _statements(
        cursor,
        "SELECT 'column', attname, format_type(atttypid, atttypmod) "
        "FROM pg_attribute WHERE attrelid = %(table)s::regclass AND attnum > 0 "
        "AND NOT attisdropped "
        "UNION ALL SELECT 'index', indexrelid::regclass::text, "
        "pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = %(table)s::regclass "
        "UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE conrelid = %(table)s::regclass ORDER BY 1, 2",
        {"table": TABLE},
    )


def _index_plan(cursor) -> tuple[list[str], list[str], list[str]]:
    """What the shadow table needs to look like the index table: the index
    builds (temporary names, the GIN indexes first: they take longest), the
    foreign keys to add before the swap, and the renames of the swap."""
    builds, renames = [], []
    constraints = {
        index: (name, kind)
        for name, kind, index in _statements(
            cursor,
            "SELECT conname, contype, conindid FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
            [TABLE],
        )
    }
    indexes = _statements(
        cursor,
        "SELECT i.indexrelid, c.relname, pg_get_indexdef(i.indexrelid), am.amname "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_am am ON am.oid = c.relam "
        "WHERE i.indrelid = %s::regclass ORDER BY am.amname <> 'gin', c.oid",
        [TABLE],
    )
    for number, (oid, name, definition, _method) in enumerate(indexes):
        found = _INDEX_NAME.match(definition)
        if found is None:
            raise RebuildFailed(f"cannot copy the index {name}: {definition}")
        temporary = f"{SHADOW}_{number}"
        builds.append(
            f"CREATE {found[1] or ''}INDEX {temporary} ON {SHADOW} {found[4]}"
        )
        if oid in constraints:
            constraint, kind = constraints[oid]
            key = "PRIMARY KEY" if kind == "p" else "UNIQUE"
            renames.append(
                f"ALTER TABLE {TABLE} ADD CONSTRAINT {_quote(constraint)} "
                f"{key} USING INDEX {temporary}"
            )
        else:
            renames.append(f"ALTER INDEX {temporary} RENAME TO {_quote(name)}")
    foreign_keys = [
        f"ALTER TABLE {SHADOW} ADD CONSTRAINT {_quote(name)} {definition}"
        for name, definition in _statements(
            cursor,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY oid",
            [TABLE],
        )
    ]
    sequences = _statements(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
    if sequences and sequences[0][0]:
        old_sequence = sequences[0][0].rsplit(".", 1)[-1].strip('"')
        renames.append(f"ALTER SEQUENCE {SHADOW}_id_seq RENAME TO {old_sequence}")
    return builds, foreign_keys, renames


def run_index_build(statement: str) -> None:
    """Build one index of the shadow table (a worker's task, or this process's)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{INDEX_MEMORY}'")
        cursor.execute(statement)
        cursor.execute("RESET maintenance_work_mem")


def _swap(cursor, renames: list[str], layout: list[tuple]) -> None:
    """In the caller's transaction: the rows an incremental update changed
    during the rebuild taken over from the index table, then the shadow table
    put in its place under its names."""
    columns = ", ".join(
        _quote(name)
        for (name,) in _statements(
            cursor,
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attnum > 0 AND NOT attisdropped AND attname <> 'id' "
            "ORDER BY attnum",
            [TABLE],
        )
    )
    cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
    if _layout(cursor) != layout:
        raise RebuildFailed(
            "the index table changed during the rebuild (a migration?); the "
            "index was left as it was: rebuild again"
        )
    # Checks of the old rows still deferred in this transaction run now: a
    # table with pending trigger events cannot be dropped.
    deferred = _statements(
        cursor,
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND condeferred",
        [TABLE],
    )
    if deferred:
        names = ", ".join(_quote(name) for (name,) in deferred)
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
    cursor.execute(f"DROP TRIGGER {TRIGGER} ON {TABLE}")
    changed = f"SELECT item_key FROM {CHANGES}"  # noqa: S608
    cursor.execute(f"DELETE FROM {SHADOW} WHERE item_key IN ({changed})")  # noqa: S608
    cursor.execute(
        f"INSERT INTO {SHADOW} ({columns}) SELECT {columns} FROM {TABLE} "  # noqa: S608
        f"WHERE item_key IN ({changed})"
    )
    cursor.execute(f"DROP TABLE {TABLE}, {CHANGES}")
    cursor.execute(f"DROP FUNCTION {TRIGGER}()")
    cursor.execute(f"ALTER TABLE {SHADOW} RENAME TO {TABLE}")
    for statement in renames:
        cursor.execute(statement)


def copy_rows(data: bytes, count: int, columns: str, *, table: str = SHADOW) -> int:
    """Stream rows (COPY's text format) into ``table`` (the shadow table unless
    told) on this process's connection."""
    if not count:
        return 0
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        copy.write(data)
    return count


def _finish(cursor, plan, build):
    """Analyse, index, constrain and swap (``build`` runs the index builds of
    the ``plan``, ``_index_plan``)."""
    builds, foreign_keys, renames, layout = plan
    started = time.perf_counter()
    cursor.execute(f"ANALYZE {SHADOW}")
    analysed = time.perf_counter()
    build(builds)
    indexed = time.perf_counter()
    for statement in foreign_keys:
        cursor.execute(statement)
    with transaction.atomic():
        _swap(cursor, renames, layout)
    logger.info(
        "search rebuild: analysed in %.1f s, indexed in %.1f s, constrained and "
        "swapped in %.1f s",
        analysed - started,
        indexed - analysed,
        time.perf_counter() - indexed,
    )


def rebuild_here(
    documents: Iterable[IndexDocument],
    line: Callable[[IndexDocument, datetime.datetime], str],
    columns: str,
) -> int:
    """The whole rebuild in this process (inside the caller's transaction, in a
    savepoint of it: a failure rolls the shadow table back)."""
    with _only_rebuild():
        if connection.in_atomic_block:
            with transaction.atomic():
                return _rebuild_here(documents, line, columns)
        try:
            return _rebuild_here(documents, line, columns)
        except BaseException:
            _drop_after_failure()
            raise


def _rebuild_here(documents, line, columns) -> int:
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        _prepare(cursor)
        plan = (*_index_plan(cursor), _layout(cursor))
    written, lines = 0, []
    for document in documents:
        lines.append(line(document, now))
        if len(lines) >= LOAD_BATCH:
            written += copy_rows("".join(lines).encode(), len(lines), columns)
            lines = []
    written += copy_rows("".join(lines).encode(), len(lines), columns)
    with connection.cursor() as cursor:
        _finish(
            cursor,
            plan,
            lambda statements: [run_index_build(s) for s in statements],
        )
    return written


def _worker_start(unsynchronised: bool) -> None:
    """A forked rebuild worker opens its own database connections; with
    ``unsynchronised``, its COPYs need not wait for the disk (a crash drops the
    shadow table anyway)."""
    for alias in connections:
        connections[alias].close_if_unusable_or_obsolete()
    if unsynchronised:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")


@contextlib.contextmanager
def worker_pool(max_workers: int, *, unsynchronised: bool = False):
    """Forked rebuild workers sharing this process's segmenter and host map,
    each on database connections of its own (none is shared: this process's
    are closed before the first fork)."""
    segmenter()
    get_host_map()
    connections.close_all()
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=functools.partial(_worker_start, unsynchronised),
    ) as pool:
        yield pool


def rebuild_in_workers(
    batches: list[list[int]], task: Callable[[list[int]], int], workers: int
) -> int:
    """The rebuild with ``workers`` processes: each builds and COPYs a batch of
    page ids at a time (``task``) on its own connection, then builds indexes."""
    with _only_rebuild():
        return _rebuild_in_workers(batches, task, workers)


def _rebuild_in_workers(batches, task, workers) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        _prepare(cursor)
        plan = (*_index_plan(cursor), _layout(cursor))
    written = 0
    try:
        # A worker that raises, or dies (killed, out of memory), fails the
        # rebuild: the shadow table is dropped, the index table stays.
        with worker_pool(min(workers, len(batches)), unsynchronised=True) as pool:
            try:
                started = time.perf_counter()
                written = _run_all(
                    pool, workers, (functools.partial(task, b) for b in batches)
                )
                logger.info(
                    "search rebuild: %d rows loaded in %.1f s",
                    written,
                    time.perf_counter() - started,
                )
                with connection.cursor() as cursor:
                    _finish(
                        cursor,
                        plan,
                        lambda statements: _run_all(
                            pool,
                            workers,
                            (functools.partial(run_index_build, s) for s in statements),
                        ),
                    )
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    except BrokenProcessPool as error:
        _drop_after_failure()
        raise RebuildFailed(
            "a rebuild worker process died; the index was left as it was"
        ) from error
    except BaseException:
        _drop_after_failure()
        raise
    return written


def _run_all(pool, workers: int, tasks: Iterable[Callable[[], object]]) -> int:
    """Run the tasks in the pool, a few queued ahead of the workers; the sum of
    their results (None counts 0). The first failure is raised."""
    tasks = iter(tasks)
    ahead = {pool.submit(task) for task in itertools.islice(tasks, 2 * workers)}
    total = 0
    while ahead:
        done, ahead = concurrent.futures.wait(
            ahead, return_when=concurrent.futures.FIRST_COMPLETED
        )
        for future in done:
            total += future.result() or 0
            ahead.update(pool.submit(task) for task in itertools.islice(tasks, 1))
    return total


def _drop_after_failure() -> None:
    connections.close_all()  # the connection may be in a failed state
    with connection.cursor() as cursor:
        _drop(cursor)
