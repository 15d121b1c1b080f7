"""Sequences that are safe under concurrency: one row per key, bumped in place."""

from django.apps import apps
from django.db import connection


def next_value(*, scope: str, key: str) -> int:
    """The next number of ``(scope, key)``, starting at 1.

    One ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement: PostgreSQL locks
    the row, so two transactions asking at the same moment get different numbers,
    and the second waits until the first commits or rolls back. A rolled-back
    transaction gives its number back, so numbers of committed work have no gaps
    made by failures.
    """
    # The counter table is the cms app's (its label and migrations stay there); by
    # name, so that core imports nothing of the packages above it.
    table = apps.get_model("cms", "Counter")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (scope, key, value) VALUES (%s, %s, 1)
            ON CONFLICT (scope, key) DO UPDATE SET value = {table}.value + 1
            RETURNING value
            """,  # noqa: S608 - the table name is ours, values are parameters
            [scope, key],
        )
        return cursor.fetchone()[0]
