"""The one environment reader every settings module uses.

Values are read lazily (``eager=False``) so that every bad variable is collected;
``seal()`` then stops start-up with one line per variable instead of a traceback.
"""

import sys

import dj_database_url
from environs import Env, EnvValidationError
from marshmallow import ValidationError
from marshmallow.validate import OneOf, Regexp

env = Env(eager=False)

_POSTGRES_SCHEME = Regexp(
    r"^(postgres|postgresql|pgsql|postgis)://",
    error="must be a postgres:// URL (SQLite and other databases are not supported)",
)


def POSTGRES_URL(value: str) -> None:
    """A postgres:// URL that dj-database-url can read (a bad port, an unquoted
    character or a broken bracket made it raise a traceback before ``seal()``)."""
    if not value:
        return
    _POSTGRES_SCHEME(value)
    try:
        parsed = dj_database_url.parse(value)
    except ValueError as error:  # dj_database_url.ParseError is one
        raise ValidationError(
            "is not a valid URL: postgres://user:password@host:5432/name, "
            "special characters in the password percent-encoded"
        ) from error
    if not parsed.get("NAME"):
        raise ValidationError(
            "names no database: postgres://user:password@host:5432/name"
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
