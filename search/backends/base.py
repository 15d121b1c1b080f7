"""The interface every search backend implements, and what a search returns."""

from __future__ import annotations

import abc
import dataclasses
import datetime
from collections.abc import Iterable, Iterator

from search.documents import IndexDocument, documents_in
from search.query import ParsedQuery

# Results are ranked among at most this many matches (the most recent title
# matches and the most recent matches); facets count the same matches.
CANDIDATES = 1000
PER_PAGE = 10
MAX_PAGE = CANDIDATES // PER_PAGE


class BackendUnavailable(Exception):
    """The search server cannot be reached or refused the request."""


class RebuildFailed(Exception):
    """A rebuild could not finish (a worker process died); the index holds the
    documents it held before."""


@dataclasses.dataclass(frozen=True)
class SearchRequest:
    query: ParsedQuery
    # The sites whose items are searched (an item matches if it appears on any of
    # them); None: every site of the platform.
    site_ids: tuple[int, ...] | None
    content_type: str = ""
    column_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    # Facet filters (platform-wide search): one site, a site level, a year.
    site_id: int | None = None
    site_level: str = ""
    year: int | None = None
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclasses.dataclass
class Hit:
    item_key: str
    title: str
    body: str
    urls: dict[str, str]
    site_id: int
    site_ids: list[int]
    content_type: str
    column_title: str
    issuing_organ: str
    document_number: str
    published_at: datetime.datetime
    score: float

    def url_on(self, site_id: int | None) -> str:
        return self.urls.get(str(site_id)) or self.urls.get(str(self.site_id), "")


@dataclasses.dataclass
class SearchResults:
    hits: list[Hit]
    total: int  # matches counted, at most ``total_limit``
    total_is_lower_bound: bool
    facets: dict[str, dict[str, int]]  # site / level / content_type / year → counts


class SearchBackend(abc.ABC):
    name: str

    @abc.abstractmethod
    def upsert(self, documents: Iterable[IndexDocument]) -> None: ...

    @abc.abstractmethod
    def delete(self, item_keys: Iterable[str]) -> None: ...

    @abc.abstractmethod
    def search(self, request: SearchRequest) -> SearchResults: ...

    @abc.abstractmethod
    def versions(self) -> Iterator[tuple[str, str]]:
        """(item key, document version) of every stored document."""

    @abc.abstractmethod
    def rebuild(
        self, documents: Iterable[IndexDocument], *, site_id: int | None = None
    ) -> int:
        """Replace the stored documents (of one site, or all) by ``documents``;
        searches keep answering from the old documents until the new ones are in.
        Returns the number of documents written."""

    def rebuild_pages(
        self, page_ids: list[int], *, site_id: int | None = None, workers: int = 1
    ) -> int:
        """``rebuild`` from the ids of the pages to index (with ``site_id``, only
        that site's own items); a backend may build their documents in
        ``workers`` processes."""
        return self.rebuild(documents_in(page_ids, site_id=site_id), site_id=site_id)

    def ping(self) -> bool:
        return True


def facet_counts(rows) -> dict[str, dict[str, int]]:
    """Facets of candidate rows (site_ids, site_level, content_type, published_at)."""
    facets: dict[str, dict[str, int]] = {
        "site": {},
        "level": {},
        "content_type": {},
        "year": {},
    }
    for site_ids, level, content_type, published_at in rows:
        for site_id in site_ids:
            facets["site"][str(site_id)] = facets["site"].get(str(site_id), 0) + 1
        for name, value in (
            ("level", level),
            ("content_type", content_type),
            ("year", str(published_at.year)),
        ):
            facets[name][value] = facets[name].get(value, 0) + 1
    return {
        name: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        for name, counts in facets.items()
    }
