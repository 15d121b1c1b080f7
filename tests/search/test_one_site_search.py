"""The PostgreSQL backend's search of one site: its own documents read in date
order, those shown on it from other sites, nothing else; matches counted up to
CANDIDATES (then "more than"); the rows' layout that keeps a candidate one read."""

import datetime
import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.state import ProjectState
from django.utils import timezone

from search.backends import postgres
from search.backends.base import SearchRequest
from search.documents import IndexDocument
from search.models import SearchDocument
from search.query import parse

pytestmark = pytest.mark.django_db


def _document(n, site, *, shown_on=(), title="便民服务事项", body="", days=0):
    return IndexDocument(
        item_key=f"test:{site.pk}:{n}",
        page_id=None,
        site_id=site.pk,
        site_level=site.level,
        site_ids=(site.pk, *(other.pk for other in shown_on)),
        urls={str(site.pk): f"http://{site.host}/{n}.html"},
        content_type="article",
        column_id=None,
        column_title="",
        title=f"{title}{n}",
        body=body,
        attachments="",
        issuing_organ="",
        document_number="",
        published_at=timezone.now() - datetime.timedelta(days=days, minutes=n),
    )


def _search(word, **request):
    request.setdefault("site_ids", None)
    return postgres.PostgresBackend().search(
        SearchRequest(query=parse(word), **request)
    )


def _keys(results):
    return [hit.item_key for hit in results.hits]


@pytest.fixture
def few_candidates(monkeypatch):
    monkeypatch.setattr(postgres, "CANDIDATES", 5)


def test_matches_past_the_candidates_are_counted_as_more_than_that(
    site, few_candidates
):
    postgres.PostgresBackend().upsert(_document(n, site) for n in range(7))
    results = _search("便民服务", site_ids=(site.pk,), per_page=3)
    assert (results.total, results.total_is_lower_bound) == (5, True)
    assert len(results.hits) == 3
    everywhere = _search("便民服务")
    assert (everywhere.total, everywhere.total_is_lower_bound) == (5, True)


def test_as_many_matches_as_candidates_are_counted_exactly(site, few_candidates):
    postgres.PostgresBackend().upsert(_document(n, site) for n in range(5))
    results = _search("便民服务", site_ids=(site.pk,))
    assert (results.total, results.total_is_lower_bound) == (5, False)
    assert len(results.hits) == 5


def test_one_site_finds_its_own_and_shared_documents_and_nothing_else(
    site, other_site, few_candidates
):
    backend = postgres.PostgresBackend()
    own = [_document(n, site, days=1) for n in range(8)]
    # Newer than every own document: the shared one must come from its own
    # branch, not from the site's most recent rows.
    shared = _document(0, other_site, shown_on=[site], title="转载的便民服务")
    elsewhere = [_document(n, other_site) for n in range(1, 4)]
    backend.upsert([*own, shared, *elsewhere])

    mine = _search("便民服务", site_ids=(site.pk,), per_page=20)
    assert (mine.total, mine.total_is_lower_bound) == (5, True)
    keys = _keys(mine)
    assert shared.item_key in keys
    assert not {d.item_key for d in elsewhere} & set(keys)
    assert all(site.pk in hit.site_ids for hit in mine.hits)
    # The same search through the general path (two sites, one with nothing)
    # and through the platform-wide search narrowed to the site.
    general = _search("便民服务", site_ids=(site.pk, 999_999), per_page=20)
    narrowed = _search("便民服务", site_id=site.pk, per_page=20)
    assert _keys(general) == _keys(narrowed) == keys
    assert general.facets == narrowed.facets == mine.facets

    theirs = _search("便民服务", site_ids=(other_site.pk,), per_page=20)
    assert set(_keys(theirs)) == {shared.item_key} | {d.item_key for d in elsewhere}


def test_title_matches_older_than_the_recent_matches_are_still_ranked_first(
    site, few_candidates
):
    backend = postgres.PostgresBackend()
    recent = [
        _document(n, site, title="通知", body="便民服务窗口") for n in range(1, 9)
    ]
    older_title = _document(0, site, title="便民服务事项", days=30)
    backend.upsert([*recent, older_title])
    results = _search("便民服务", site_ids=(site.pk,))
    assert _keys(results)[0] == older_title.item_key
    assert results.total_is_lower_bound


def test_a_document_must_list_its_own_site_first(site, other_site):
    document = _document(0, site, shown_on=[other_site])
    postgres.PostgresBackend().upsert([document])
    with pytest.raises(IntegrityError), transaction.atomic():
        SearchDocument.objects.filter(item_key=document.item_key).update(
            site_ids=[other_site.pk, site.pk]
        )


def _storage() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute "
            "WHERE attrelid = 'govsearch_searchdocument'::regclass "
            "AND attname IN ('site_ids', 'title_vector', 'vector')"
        )
        return dict(cursor.fetchall())


def test_a_candidates_sites_and_title_vector_stay_in_its_row_and_that_reverses():
    assert _storage() == {"site_ids": "m", "title_vector": "m", "vector": "m"}
    migration = importlib.import_module(
        "search.migrations.0004_search_one_site_in_date_order"
    )
    operation = migration.Migration.operations[0]
    state = ProjectState()
    with connection.schema_editor() as editor:
        operation.database_backwards("govsearch", editor, state, state)
    assert _storage() == {"site_ids": "x", "title_vector": "x", "vector": "m"}
    with connection.schema_editor() as editor:
        operation.database_forwards("govsearch", editor, state, state)
    assert _storage()["site_ids"] == "m"


def test_a_written_row_keeps_its_sites_out_of_the_toast_table(site):
    postgres.PostgresBackend().upsert(
        # Many distinct words: a vector (in the row) over the TOAST target.
        [_document(0, site, body=" ".join(f"item{n}" for n in range(800)))]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(site_ids), pg_column_size(vector) "
            "FROM govsearch_searchdocument"
        )
        sites_size, vector_size = cursor.fetchone()
    assert vector_size > 2000
    # In the row: the one-site array's 24 bytes and a 1-byte header; moved to
    # the TOAST table it is counted as the 24 bytes it holds there.
    assert sites_size == 25
