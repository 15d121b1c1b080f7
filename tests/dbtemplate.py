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
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
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
    from psycopg import sql

    from bench.common import server_params

    chosen = connection.settings_dict["TEST"].get("TEMPLATE")
    if chosen:  # this process's test database was copied from it
        return chosen
    params = server_params(connection.settings_dict)
    test_name = connection.creation._get_test_db_name()
    name = template_name(test_name)
    prefix = f"{base_name(test_name)}_xtpl_"
    with _admin_connect(params) as admin:
        # The run's processes wait for each other's build (runs on other test
        # databases do not: the key is the template's prefix).
        admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [prefix])
        try:
            found = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            for (old,) in admin.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)"
                " AND datname <> %s AND NOT datname LIKE '%%\\_building'",
                [prefix, name],
            ).fetchall():  # templates of older migrations
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(old)
                    )
                )
            if not found:
                building = f"{name}_building"
                _build(connection, building, settings)
                admin.execute(
                    sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(building), sql.Identifier(name)
                    )
                )
        finally:
            admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [prefix])
    return name


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
