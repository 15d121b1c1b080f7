"""Migration 0003 keeps the vector in the row (storage MAIN), and reverses."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.state import ProjectState

pytestmark = pytest.mark.django_db

migration = importlib.import_module("search.migrations.0003_vector_stored_in_row")


def _storage() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'govsearch_searchdocument'::regclass "
            "AND attname = 'vector'"
        )
        return cursor.fetchone()[0]


def test_the_vector_is_kept_in_the_row_and_the_migration_reverses():
    assert _storage() == "m"  # main: compressed, in the row while it fits
    (operation,) = migration.Migration.operations
    state = ProjectState()
    with connection.schema_editor() as editor:
        operation.database_backwards("govsearch", editor, state, state)
    assert _storage() == "x"  # extended: PostgreSQL's default for tsvector
    with connection.schema_editor() as editor:
        operation.database_forwards("govsearch", editor, state, state)
    assert _storage() == "m"
