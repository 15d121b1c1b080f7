"""Helpers shared by the benchmarks: Django set-up on a bench database, timing."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(database: str, *, fresh: bool = False) -> None:
    """Configure Django on its own database (``fresh``: dropped first), migrated."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from django.conf import settings

    db = settings.DATABASES["default"]
    db["NAME"] = database
    db["CONN_MAX_AGE"] = None
    _create_database(db, fresh=fresh)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def server_params(db: dict) -> dict:
    """How to reach the PostgreSQL server of a Django database (the embedded one
    started if need be): host, port, user, password."""
    params = {
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    if db["ENGINE"] == "ops.embedded_db":
        from ops.embedded_db.server import ensure_running

        endpoint = ensure_running(db["EMBEDDED_DATA_DIR"])
        params.update(host=endpoint.socket_dir, port=endpoint.port, user=endpoint.user)
    return params


def create_database(db: dict, *, fresh: bool) -> None:
    """The database ``db["NAME"]`` on its server (``fresh``: dropped first)."""
    _create_database(db, fresh=fresh)


def _create_database(db: dict, *, fresh: bool) -> None:
    import psycopg
    from psycopg import sql

    params = server_params(db)
    name = sql.Identifier(db["NAME"])
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name)
            )
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def median_ms(fn: Callable[[], object], *, repeat: int = 50, warmup: int = 5) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def header(title: str) -> None:
    print(f"\n== {title} (cores: {os.cpu_count()}, python {sys.version.split()[0]})")


def row(label: str, value: float, unit: str = "ms", baseline: float | None = None):
    ratio = f"  ratio {value / baseline:6.2f}x" if baseline else ""
    print(f"  {label:<58} {value:10.3f} {unit}{ratio}")


def start_gunicorn(env: dict) -> subprocess.Popen:
    """The platform under gunicorn with its production configuration, in a session
    of its own (so that stopping it stops its workers), quiet."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:config.gunicorn_conf",
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
