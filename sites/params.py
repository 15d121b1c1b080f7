"""Reading filter values from a query string: a value that cannot be one (not a
number, too large for the database, a NUL byte PostgreSQL refuses) is treated as
absent or as text that matches nothing, never as a server error."""

from __future__ import annotations

# Row ids are PostgreSQL integers (Django's AutoField).
MAX_ID = 2**31 - 1


def id_param(value: str | None) -> int | None:
    """``value`` as a row id (ASCII or other decimal digits); None when it is not
    a number (no filter), 0 when it is a number no row can have (a filter that
    finds nothing)."""
    value = (value or "").strip()
    if not value.isdecimal():
        return None
    if len(value) > len(str(MAX_ID)):
        return 0
    number = int(value)
    return number if number <= MAX_ID else 0


def text_param(value: str | None, *, max_length: int = 200) -> str:
    """``value`` without NUL characters (PostgreSQL text cannot hold them), cut
    at ``max_length``."""
    return (value or "").replace("\x00", "")[:max_length]
