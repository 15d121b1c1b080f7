"""The one environment reader every settings module uses.

Values are read lazily (``eager=False``) so that every bad variable is collected;
``seal()`` then stops start-up with one line per variable instead of a traceback.
"""

import sys

from environs import Env, EnvValidationError
from marshmallow.validate import OneOf, Regexp

env = Env(eager=False)

POSTGRES_URL = Regexp(
    r"^(postgres|postgresql|pgsql|postgis)://",
    error="must be a postgres:// URL (SQLite and other databases are not supported)",
)
REDIS_URL = Regexp(r"^rediss?://", error="must be a redis:// or rediss:// URL")
HTTP_URL = Regexp(r"^https?://", error="must be an http:// or https:// URL")
LOG_LEVEL = OneOf(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])


def seal() -> None:
    """Stop the process with one clear line if any variable was missing or malformed."""
    try:
        env.seal()
    except EnvValidationError as error:
        problems = "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in error.error_messages.items()
        )
        sys.stderr.write(f"configuration error: {problems}\n")
        raise SystemExit(2) from None


def variables_read() -> list[str]:
    """Names of every environment variable the settings read (for tests and docs)."""
    return sorted(env._fields)
