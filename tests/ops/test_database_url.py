"""A malformed DATABASE_URL stops start-up with one line naming it, never a
traceback (dj-database-url raised one for URLs the scheme check let through)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check(database_url: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST"))
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres//oops",  # no "://"
        "postgres://user@db:99999/name",  # a port out of range
        "postgres://user@db:notaport/name",  # a port that is not a number
        "postgres://[db/name",  # an unclosed IPv6 bracket
        "postgres://user@db",  # no database name
    ],
)
def test_malformed_database_url_stops_with_one_line_naming_it(database_url):
    result = _check(database_url)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("configuration error: DATABASE_URL: ")
    assert "Traceback" not in result.stderr
