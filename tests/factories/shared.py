"""Provisioned sites built once per run and copied into each test.

Provisioning a site (page tree from the column template, collection, groups,
permissions, workflow) takes seconds; most tests need one or two ordinary sites.
``SharedSites.build`` provisions them once, in one transaction that also takes them
out again: for each site it keeps, in tables of its own schema, the rows the
provisioning inserted or changed. ``SharedSites.restore`` writes one site's rows
back inside the running test's transaction (a few statements, milliseconds), so the
test's rollback takes them away again and every test starts from the same database
it would have had with its own ``SiteFactory()``: only the sites it asked for, as
just provisioned.

Nothing here caches a model instance: ``restore`` returns a ``GovSite`` read from
the database. Sequences keep the values provisioning took, so rows a test creates
never collide with a restored site's ids.

When the database is not the one the copies were taken from (a transactional test
flushed it), or a test already built something in the copied rows' place, ``restore``
returns ``None`` and the caller provisions a site of its own. The first
transactional test in a process retires the copies (``SharedSites.retire``).

``build`` runs once per run, in the template database every test database is
copied from (tests/dbtemplate.py ``ensure_filled``), and keeps a manifest there;
each test process reads the sites' ids and tables from it (``load``) and numbers its
own sites after the shared ones. A process whose database holds no manifest builds
its own.

To share another site, add a ``Recipe`` to ``SHARED_SITES`` in tests/conftest.py.
Wagtail keeps collections sorted by name: a new site's name must sort after its
earlier siblings', or the build stops and names the rows it would move.
"""

# Every name in the SQL below is a table or column name from Django's introspection,
# quoted with quote_name; no value is formatted into it.
# ruff: noqa: S608

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction

from .sites import site_numbers, skip_site_numbers

logger = logging.getLogger(__name__)

SCHEMA = "test_shared_sites"
# The table in SCHEMA that names each site's copies (``load`` reads it).
MANIFEST = "manifest"

# The rows the copies depend on but do not carry (content types, permissions,
# locales, the tree's root): if these differ, the copies do not fit.
_FINGERPRINT = """
    SELECT
      (SELECT md5(coalesce(string_agg(id::text || app_label || '.' || model, ','
                                      ORDER BY id), ''))
         FROM django_content_type),
      (SELECT md5(coalesce(string_agg(id::text || codename, ',' ORDER BY id), ''))
         FROM auth_permission),
      (SELECT md5(coalesce(string_agg(id::text || language_code, ',' ORDER BY id), ''))
         FROM wagtailcore_locale),
      (SELECT md5(coalesce(string_agg(id::text || path, ',' ORDER BY id), ''))
         FROM wagtailcore_page WHERE depth = 1),
      (SELECT md5(coalesce(string_agg(id::text || path, ',' ORDER BY id), ''))
         FROM wagtailcore_collection WHERE depth = 1)
"""


# Append-only logs (core.audit): what provisioning wrote there is no part of a
# site; build() neither copies nor restores it, and removes it at the end with
# the table's trigger switched off (the test database's owner may).
LOG_TABLES = {"audit_auditevent": "audit_event_append_only"}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@dataclass
class _Table:
    name: str
    pk: str
    columns: list[str]
    is_tree: bool

    def upsert_from(self, source: str) -> str:
        cols = ", ".join(_q(c) for c in self.columns)
        updates = ", ".join(
            f"{_q(c)} = EXCLUDED.{_q(c)}" for c in self.columns if c != self.pk
        )
        action = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
        return (
            f"INSERT INTO {_q(self.name)} ({cols}) SELECT {cols} FROM {source} "
            f"ON CONFLICT ({_q(self.pk)}) {action}"
        )


@dataclass
class Recipe:
    """How to provision one shared site; ``parent`` names the shared site it sits
    under, whose fixture the caller requests first."""

    name: str
    make: Callable  # make(parent) -> GovSite; parent is None for a top site
    parent: str | None = None


@dataclass
class _Copy:
    """One site's rows: (table, name of the table holding its rows)."""

    recipe: Recipe
    site_id: int
    tables: list[tuple[_Table, str]] = field(default_factory=list)
    pks: dict[str, set] = field(default_factory=dict)


class SharedSites:
    # Set by ``retire``: this process no longer restores copies.
    retired = False
    _schema_created = False

    def __init__(self, recipes: list[Recipe]) -> None:
        self.recipes = {recipe.name: recipe for recipe in recipes}
        self.copies: dict[str, _Copy] = {}
        self.fingerprint: tuple | None = None

    # Building ----------------------------------------------------------------

    @classmethod
    def build(cls, recipes: list[Recipe]) -> SharedSites:
        """Provision every recipe's site (parents first) and keep their rows.

        The database ends as it began (apart from sequences and the copies).

        Only tables that hold rows are copied: the rows before provisioning of
        the tables that have some, and for each site the rows of the tables its
        provisioning wrote to (PostgreSQL's per-transaction counters name them)
        that differ from their latest earlier version. A site's copies are empty
        tables never created, so the transaction locks a few hundred relations,
        not every table of the schema once per site."""
        shared = cls(recipes)
        if cls.retired:
            return shared
        built = {}
        with connection.cursor() as cursor:
            tables = _tables(cursor)
            # Outside the transaction: each check's locks end with it.
            filled = {t.name for t in tables if _has_rows(cursor, t.name)}
        by_name = {t.name: t for t in tables}
        with transaction.atomic(), connection.cursor() as cursor:
            log_marks = _log_marks(cursor)
            cursor.execute(f"DROP SCHEMA IF EXISTS {_q(SCHEMA)} CASCADE")
            cursor.execute(f"CREATE SCHEMA {_q(SCHEMA)}")
            SharedSites._schema_created = True
            before = {
                t.name: _copy_table(cursor, t, f"s0_{i}")
                for i, t in enumerate(tables)
                if t.name in filled
            }
            # Per table, its copies from the newest back to ``before``: the
            # latest version of a row is the first copy that holds it.
            versions: dict[str, list[str]] = {
                name: [copy] for name, copy in before.items()
            }
            before_pks: dict[str, set] = {}
            writes = _writes(cursor)
            for n, recipe in enumerate(recipes):
                parent = built[recipe.parent] if recipe.parent else None
                site = built[recipe.name] = recipe.make(parent)
                copy = _Copy(recipe=recipe, site_id=site.pk)
                now = _writes(cursor)
                written = sorted(
                    name
                    for name, count in now.items()
                    if name in by_name and count != writes.get(name, 0)
                )
                writes = now
                for name in written:
                    table = by_name[name]
                    earlier = versions.get(name, [])
                    _check_kept(cursor, table, earlier)
                    changed = f"{_q(SCHEMA)}.{_q(f'site{n}_{tables.index(table)}')}"
                    if not _copy_changed(cursor, table, earlier, changed):
                        continue
                    cursor.execute(f"SELECT {_q(table.pk)} FROM {changed}")
                    copy.tables.append((table, changed))
                    copy.pks[name] = {row[0] for row in cursor.fetchall()}
                    versions[name] = [changed, *earlier]
                    if name not in before_pks:
                        before_pks[name] = set()
                        if name in before:
                            cursor.execute(f"SELECT {_q(table.pk)} FROM {before[name]}")
                            before_pks[name] = {r[0] for r in cursor.fetchall()}
                shared.copies[recipe.name] = copy
            shared._check_independent(before_pks)
            # Take the sites out again: back to the rows kept before.
            changed_tables = {
                t.name: t for c in shared.copies.values() for t, _ in c.tables
            }
            for table in changed_tables.values():
                pk = _q(table.pk)
                kept = before.get(table.name)
                if kept is None:
                    cursor.execute(f"DELETE FROM {_q(table.name)}")
                    continue
                cursor.execute(
                    f"DELETE FROM {_q(table.name)} x WHERE NOT EXISTS (SELECT 1 FROM "
                    f"{kept} p WHERE p.{pk} = x.{pk})"
                )
                cursor.execute(table.upsert_from(kept))
            for name in before.values():
                cursor.execute(f"DROP TABLE {name}")
            _clear_logs(cursor, log_marks)
            connection.check_constraints()
            cursor.execute(_FINGERPRINT)
            shared.fingerprint = tuple(cursor.fetchone())
            shared._keep_manifest(cursor)
        return shared

    def _keep_manifest(self, cursor) -> None:
        """What ``load`` needs to restore the copies in another process: each
        site's id and copied tables, and the fingerprint."""
        manifest = {
            "fingerprint": list(self.fingerprint),
            "site_numbers": site_numbers(),
            "copies": {
                name: {
                    "site_id": copy.site_id,
                    "tables": [[table.name, rows] for table, rows in copy.tables],
                }
                for name, copy in self.copies.items()
            },
        }
        cursor.execute(f"CREATE TABLE {_q(SCHEMA)}.{_q(MANIFEST)} (data jsonb)")
        cursor.execute(
            f"INSERT INTO {_q(SCHEMA)}.{_q(MANIFEST)} VALUES (%s::jsonb)",
            [json.dumps(manifest)],
        )

    @classmethod
    def load(cls, recipes: list[Recipe]) -> SharedSites | None:
        """The copies ``build`` left in this database (the test database is a copy
        of the template they were built in, tests/dbtemplate.py), or ``None``
        where there are none. Only the database holds them: this process reads
        the sites' ids and tables from it, and every restore re-reads the rows."""
        shared = cls(recipes)
        if cls.retired:
            return shared
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [f"{SCHEMA}.{MANIFEST}"])
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute(f"SELECT data FROM {_q(SCHEMA)}.{_q(MANIFEST)}")
            manifest = cursor.fetchone()[0]
            if isinstance(manifest, str):
                manifest = json.loads(manifest)
            by_name = {t.name: t for t in _tables(cursor)}
        if set(manifest["copies"]) != set(shared.recipes):
            return None  # built from other recipes
        for name, kept in manifest["copies"].items():
            shared.copies[name] = _Copy(
                recipe=shared.recipes[name],
                site_id=kept["site_id"],
                tables=[(by_name[table], rows) for table, rows in kept["tables"]],
            )
        shared.fingerprint = tuple(manifest["fingerprint"])
        SharedSites._schema_created = True
        # The sites' codes and hosts came from the builder's factory counters.
        skip_site_numbers(manifest["site_numbers"])
        return shared

    @staticmethod
    def make_durable() -> None:
        """The copies as ordinary tables: a template outlives server restarts,
        and PostgreSQL empties unlogged tables after a crash."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON"
                " n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'"
                " AND c.relpersistence = 'u'",
                [SCHEMA],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {_q(SCHEMA)}.{_q(name)} SET LOGGED")

    @classmethod
    def retire(cls) -> None:
        """Stop restoring and drop the copies: a transactional test empties the
        database when it ends, and a dump taken in one (the backup drill) must not
        carry the copies' schema. Every later test provisions its own sites."""
        cls.retired = True
        if cls._schema_created:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {_q(SCHEMA)} CASCADE")
            cls._schema_created = False

    def _ancestors(self, name: str) -> set[str]:
        found = set()
        parent = self.recipes[name].parent
        while parent:
            found.add(parent)
            parent = self.recipes[parent].parent
        return found

    def _check_independent(self, before_pks: dict[str, set]) -> None:
        """A site's rows may change rows that existed before (the tree's root) or
        belong to its ancestors (their folder's child count), never another shared
        site's: each is restored with its ancestors only."""
        inserted: dict[str, dict[str, set]] = {}
        seen: dict[str, set] = {}
        for name, copy in self.copies.items():
            inserted[name] = {
                table: pks - before_pks[table] - seen.get(table, set())
                for table, pks in copy.pks.items()
            }
            for table, pks in copy.pks.items():
                seen.setdefault(table, set()).update(pks)
        for name, copy in self.copies.items():
            allowed = self._ancestors(name) | {name}
            for other, rows in inserted.items():
                if other in allowed:
                    continue
                for table, pks in copy.pks.items():
                    if pks & rows.get(table, set()):
                        raise RuntimeError(
                            f"shared site {name} changes {other}'s rows of {table}"
                        )

    # Restoring ---------------------------------------------------------------

    def get(self, name: str, parent=None):
        """Shared site ``name`` in the current transaction: restored if it fits,
        else provisioned by its recipe (under ``parent``)."""
        usable = self.fingerprint and not SharedSites.retired
        site = self.restore(name, parent) if usable else None
        return site if site is not None else self.recipes[name].make(parent)

    def fits(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(_FINGERPRINT)
            return tuple(cursor.fetchone()) == self.fingerprint

    def restore(self, name: str, parent=None):
        """Shared site ``name`` written into the current transaction, or ``None``."""
        from sites import routing
        from sites.models import GovSite

        copy = self.copies[name]
        if copy.recipe.parent and (
            parent is None or parent.pk != self.copies[copy.recipe.parent].site_id
        ):
            return None  # the parent is one of the test's own
        if not self.fits():
            return None
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT 1 FROM {_q(GovSite._meta.db_table)} WHERE id = %s",
                    [copy.site_id],
                )
                if cursor.fetchone():
                    return None
                for table, rows in copy.tables:
                    cursor.execute(table.upsert_from(rows))
                for table, rows in copy.tables:
                    if table.is_tree:
                        # Child counts: right whichever sites are here.
                        cursor.execute(
                            f"UPDATE {_q(table.name)} x SET numchild = (SELECT "
                            f"count(*) FROM {_q(table.name)} c WHERE c.depth = "
                            f"x.depth + 1 AND left(c.path, length(x.path)) = x.path) "
                            f"WHERE x.{_q(table.pk)} IN (SELECT {_q(table.pk)} "
                            f"FROM {rows})"
                        )
        except DatabaseError:
            # Something of the test's own sits where the copy goes.
            logger.info("shared site %s does not fit this test's database", name)
            return None
        routing.invalidate()
        return GovSite.objects.get(pk=copy.site_id)


def _tables(cursor) -> list[_Table]:
    tables = []
    for name in sorted(
        connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
    ):
        if name in LOG_TABLES:
            continue
        pks = connection.introspection.get_primary_key_columns(cursor, name)
        cursor.execute(f"SELECT * FROM {_q(name)} LIMIT 0")
        columns = [d.name for d in cursor.description]
        if not pks or len(pks) != 1:
            raise RuntimeError(f"{name} has no single-column primary key")
        tables.append(
            _Table(
                name=name,
                pk=pks[0],
                columns=columns,
                is_tree={"path", "depth", "numchild"} <= set(columns),
            )
        )
    return tables


def _has_rows(cursor, name: str) -> bool:
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_q(name)})")
    return cursor.fetchone()[0]


def _writes(cursor) -> dict[str, int]:
    """Rows inserted, updated and deleted so far in this transaction, per table
    (PostgreSQL's own counters: reading them locks no table)."""
    cursor.execute(
        "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del"
        " FROM pg_stat_xact_user_tables WHERE schemaname = current_schema()"
    )
    return dict(cursor.fetchall())


def _latest(table: _Table, versions: list[str]) -> tuple[str, str]:
    """Joins of ``x`` (the table) to its copies, and the text of the latest
    version of each row (NULL: the row is new)."""
    pk = _q(table.pk)
    joins = " ".join(
        f"LEFT JOIN {copy} v{k} ON v{k}.{pk} = x.{pk}"
        for k, copy in enumerate(versions)
    )
    texts = [f"v{k}::text" for k in range(len(versions))]
    latest = f"coalesce({', '.join(texts)})" if texts else "NULL"
    return joins, latest


def _copy_changed(cursor, table: _Table, versions: list[str], changed: str) -> bool:
    """Create ``changed`` with the table's rows that differ from their latest
    earlier version (all of them without one); False, and no table, if none."""
    joins, latest = _latest(table, versions)
    condition = f"x::text IS DISTINCT FROM {latest}"
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {_q(table.name)} x {joins} WHERE {condition})"
    )
    if not cursor.fetchone()[0]:
        return False
    cursor.execute(
        f"CREATE UNLOGGED TABLE {changed} AS SELECT x.* FROM {_q(table.name)} x "
        f"{joins} WHERE {condition}"
    )
    return True


def _check_kept(cursor, table: _Table, versions: list[str]) -> None:
    """Provisioning only adds and changes rows: every row kept so far is there."""
    if not versions:
        return
    pk = _q(table.pk)
    kept = " UNION ".join(f"SELECT {pk} FROM {copy}" for copy in versions)
    cursor.execute(
        f"SELECT count(*) FROM ({kept}) p WHERE NOT EXISTS (SELECT 1 FROM "
        f"{_q(table.name)} x WHERE x.{pk} = p.{pk})"
    )
    if cursor.fetchone()[0]:
        raise RuntimeError(f"provisioning deleted rows of {table.name}")


def _log_marks(cursor) -> dict[str, int]:
    marks = {}
    for table in LOG_TABLES:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {_q(table)}")
        marks[table] = cursor.fetchone()[0]
    return marks


def _clear_logs(cursor, marks: dict[str, int]) -> None:
    for table, mark in marks.items():
        trigger = _q(LOG_TABLES[table])
        cursor.execute(f"ALTER TABLE {_q(table)} DISABLE TRIGGER {trigger}")
        cursor.execute(f"DELETE FROM {_q(table)} WHERE id > %s", [mark])
        cursor.execute(f"ALTER TABLE {_q(table)} ENABLE TRIGGER {trigger}")


def _copy_table(cursor, table: _Table, name: str) -> str:
    qualified = f"{_q(SCHEMA)}.{_q(name)}"
    cursor.execute(
        f"CREATE UNLOGGED TABLE {qualified} AS SELECT * FROM {_q(table.name)}"
    )
    return qualified
