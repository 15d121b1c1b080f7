"""One migrated database per set of migrations, copied for every test database.

Migrating an empty database takes half a minute on a quiet 2-core machine (minutes
on a loaded one), and a parallel run did it once per test process, and once more
for the live exchange test's installs. ``ensure`` builds the migrated database once
(exactly as Django's test set-up builds a test database: ``create_test_db``, with
its ``run_syncdb`` and cache table), under a PostgreSQL advisory lock so that the
test processes of a run build it once between them; each test database is then a
copy (``CREATE DATABASE ... TEMPLATE``, Django's ``TEST["TEMPLATE"]``), on which
Django's own ``migrate`` finds nothing left to apply.

The template is named after the test database and a hash of what the migrated
schema depends on (our migrations, the installed packages, the settings module),
kept between runs while that hash holds, and replaced when it changes. Nothing
connects to it once built, so it can always be copied.

``ensure_filled`` adds a second template, copied from the migrated one and filled
once by a callback (the shared sites of tests/conftest.py: their provisioned rows,
kept in a schema of their own), named after the migrated template's hash and a hash
of the source files the fill runs (``fill_hash``): each test process copies the
filled one, and changing the code rebuilds the fill, not the migrations. ``ensure``
and ``copy`` keep to the migrated template (the live exchange's installs and the
fault drill's dump carry no shared sites).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def migrations_hash() -> str:
    """What the migrated schema depends on: our migrations, the installed packages
    (theirs) and the settings module."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")) + sorted(
        ROOT.glob("*/*/migrations/*.py")
    ):
        if ".venv" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    versions = sorted(
        f"{dist.metadata['Name']}=={dist.version}"
        for dist in importlib.metadata.distributions()
    )
    digest.update("\n".join(versions).encode())
    digest.update(os.environ.get("DJANGO_SETTINGS_MODULE", "").encode())
    return digest.hexdigest()[:12]


# The project's own folders that are not code the fill runs (tests/ other than
# tests/conftest.py and tests/factories/ is left out below).
_NOT_SOURCE = {".venv", "node_modules", "var", "media", "static_collected", ".git"}
_SOURCE_SUFFIXES = {".py", ".yaml", ".yml", ".json", ".txt", ".csv"}


def fill_hash() -> str:
    """What the filled template's rows depend on besides the migrations: every
    source and data file of the project's packages (provisioning reads several),
    tests/conftest.py and tests/factories/ (the fixtures that build the fill)."""
    digest = hashlib.sha256()
    paths = [ROOT / "tests" / "conftest.py", *sorted(ROOT.glob("tests/factories/*"))]
    for top in sorted(ROOT.iterdir()):
        if top.is_dir() and top.name not in _NOT_SOURCE | {"tests"}:
            paths += sorted(
                path
                for path in top.rglob("*")
                if path.suffix in _SOURCE_SUFFIXES and "__pycache__" not in path.parts
            )
    for path in paths:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def base_name(test_name: str) -> str:
    """test_gov_x or test_gov_x_gw1: the run's test database name, without the
    worker (short enough for PostgreSQL's 63-character names)."""
    return re.sub(r"_gw\d+$", "", test_name)[:30]


def template_name(test_name: str) -> str:
    return f"{base_name(test_name)}_xtpl_{migrations_hash()}"


def _admin_connect(params: dict):
    import psycopg

    return psycopg.connect(**params, dbname="postgres", autocommit=True)


def ensure(connection) -> str:
    """The migrated template for ``connection``'s test database, built if need be
    (once per hash; the run's other processes wait for it)."""
    from django.conf import settings

    from bench.common import server_params

    global _migrated
    if _migrated:
        return _migrated
    chosen = connection.settings_dict["TEST"].get("TEMPLATE")
    if chosen and "_xtpl_" in chosen:  # this process's database was copied from it
        return chosen
    params = server_params(connection.settings_dict)
    test_name = connection.creation._get_test_db_name()
    name = template_name(test_name)
    prefix = f"{base_name(test_name)}_xtpl_"
    # The run's processes wait for each other's build (runs on other test
    # databases do not: the key is the template's prefix).
    _build_once(
        params, prefix, name, lambda building: _build(connection, building, settings)
    )
    _migrated = name
    return name


# This process's migrated template, once known (after its test database is set up,
# the connection's name no longer gives it).
_migrated: str | None = None


def ensure_filled(connection, fill: Callable[[], None]) -> str:
    """The migrated template with ``fill()`` run in it once (on Django's default
    connection, pointed at it), built if need be: once per migrations and
    ``fill_hash`` (the run's other processes wait for it)."""
    from psycopg import sql

    from bench.common import server_params

    migrated = ensure(connection)
    params = server_params(connection.settings_dict)
    base = migrated.rpartition("_xtpl_")[0]
    prefix = f"{base}_xfil_"
    name = (
        f"{prefix}{hashlib.sha256((migrated + fill_hash()).encode()).hexdigest()[:12]}"
    )

    def build(building: str) -> None:
        with _admin_connect(params) as admin:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(building), sql.Identifier(migrated)
                )
            )
        with _pointed_at(connection, building):
            fill()

    _build_once(params, prefix, name, build)
    return name


def _build_once(params, prefix: str, name: str, build: Callable[[str], None]):
    """Under an advisory lock on ``prefix`` (the run's other processes wait): the
    prefix's other databases dropped (older code's, a build cut short), and
    ``name`` built by ``build(<name>_building)`` and renamed, unless it is there."""
    from psycopg import sql

    with _admin_connect(params) as admin:
        admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [prefix])
        try:
            found = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            for (old,) in admin.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)"
                " AND datname <> %s",
                [prefix, name],
            ).fetchall():
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(old)
                    )
                )
            if not found:
                building = f"{name}_building"
                build(building)
                admin.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(building), sql.Identifier(name)
                    )
                )
        finally:
            admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [prefix])


@contextmanager
def _pointed_at(connection, dbname: str):
    """Django's connection on ``dbname`` for a while, then as it was (closed)."""
    from django.conf import settings

    saved_name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = dbname
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved_name
        settings.DATABASES[connection.alias]["NAME"] = saved_name


@contextmanager
def copy(connection, label: str):
    """A copy of the template for this process to read (``label`` names it),
    dropped afterwards. Nothing may connect to the template itself: PostgreSQL
    copies a database only while no one is connected to it."""
    from psycopg import sql

    from bench.common import server_params

    template = ensure(connection)
    params = server_params(connection.settings_dict)
    name = f"{template.rpartition('_xtpl_')[0]}_{label}_{os.getpid()}"
    with _admin_connect(params) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    try:
        yield name
    finally:
        with _admin_connect(params) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )


def _build(connection, building: str, settings) -> None:
    """Django's test database set-up, into ``building``; the connection's settings
    are left as they were."""
    settings_dict = connection.settings_dict
    saved_name = settings_dict["NAME"]
    saved_test = dict(settings_dict["TEST"])
    settings_dict["TEST"] = {**saved_test, "NAME": building, "TEMPLATE": None}
    try:
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False, keepdb=False
        )
    finally:
        connection.close()
        settings_dict["NAME"] = saved_name
        settings.DATABASES[connection.alias]["NAME"] = saved_name
        settings_dict["TEST"] = saved_test
