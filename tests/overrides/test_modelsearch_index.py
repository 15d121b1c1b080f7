"""Pins for search.wagtail_backend: it subclasses modelsearch's PostgreSQL backend
(the supported way, ``WAGTAILSEARCH_BACKENDS``), but to index segmented text with
no title-weight rewrite it overrides a private method (``_refresh_title_norms``)
and re-writes ``PostgresIndex.add_items`` with its own indexer (modelsearch names
its ``ObjectIndexer`` inside the method; there is no attribute to set). These
fail when modelsearch changes what that copy relies on."""

import inspect

from modelsearch.backends.database.postgres import postgres as modelsearch_postgres
from modelsearch.backends.database.postgres.postgres import (
    IndexEntry,
    ObjectIndexer,
    PostgresIndex,
    PostgresSearchAtomicRebuilder,
    PostgresSearchRebuilder,
)
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from search.wagtail_backend import (
    SegmentedIndex,
    SegmentedSearchBackend,
    SegmentingObjectIndexer,
)
from tests.overrides.conftest import fingerprint

# modelsearch's add_items, which SegmentedIndex.add_items copies: when this
# changes, carry the change into the copy, then update the fingerprint.
ADD_ITEMS_FINGERPRINT = "62bf7488351e3864"


def test_add_items_is_the_method_we_copied():
    assert fingerprint(PostgresIndex.add_items) == ADD_ITEMS_FINGERPRINT, (
        "modelsearch changed PostgresIndex.add_items: compare it with "
        "search/wagtail_backend.py SegmentedIndex.add_items"
    )
    assert list(inspect.signature(PostgresIndex.add_items).parameters) == [
        "self",
        "model",
        "objs",
    ]
    assert "ObjectIndexer(obj, self.backend)" in inspect.getsource(
        PostgresIndex.add_items
    )


def test_the_private_title_norm_refresh_keeps_its_signature_and_callers():
    parameters = inspect.signature(PostgresIndex._refresh_title_norms).parameters
    assert list(parameters) == ["self", "full"]
    assert parameters["full"].default is False
    for rebuilder in (PostgresSearchRebuilder, PostgresSearchAtomicRebuilder):
        assert "_refresh_title_norms(full=True)" in inspect.getsource(rebuilder.finish)


def test_the_indexer_we_subclass_keeps_what_the_copy_reads():
    assert modelsearch_postgres.ObjectIndexer is ObjectIndexer
    assert list(inspect.signature(ObjectIndexer.__init__).parameters) == [
        "self",
        "obj",
        "backend",
    ]
    assert list(inspect.signature(ObjectIndexer.prepare_field).parameters) == [
        "self",
        "obj",
        "field",
    ]
    for name in ("id", "title", "autocomplete", "body", "title_text", "body_text"):
        assert hasattr(ObjectIndexer, name), name


def test_the_index_table_has_the_columns_our_sql_writes():
    columns = {f.column for f in IndexEntry._meta.concrete_fields}
    assert {
        "content_type_id",
        "object_id",
        "title",
        "autocomplete",
        "body",
        "title_norm",
        "title_text",
        "body_text",
    } <= columns
    # ON CONFLICT (content_type_id, object_id) needs this unique constraint.
    assert ("content_type", "object_id") in IndexEntry._meta.unique_together


def test_wagtail_indexes_with_our_backend_and_indexer():
    backend = get_search_backend()
    assert isinstance(backend, SegmentedSearchBackend)
    assert isinstance(backend.get_index_for_model(Page), SegmentedIndex)
    assert issubclass(SegmentingObjectIndexer, ObjectIndexer)
    assert "SegmentingObjectIndexer(obj, self.backend)" in inspect.getsource(
        SegmentedIndex.add_items
    )
