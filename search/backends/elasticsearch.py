"""The backend at scale: Elasticsearch through ``elasticsearch.dsl``.

- The Chinese analyzer is the best the cluster has: IK (``analysis-ik``), else
  smartcn (``analysis-smartcn``), else the built-in CJK bigram analyzer; the
  choice is logged when an index is created.
- Searches read an alias; ``rebuild`` writes a new index, then swaps the alias in
  one atomic request and drops the old index (zero downtime).
- Document numbers are a keyword in their standard form, found whole.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator

from django.utils import timezone
from elasticsearch import ApiError, Elasticsearch, TransportError
from elasticsearch.dsl import Q, Search
from elasticsearch.helpers import bulk, scan

from search.documents import IndexDocument
from search.query import ParsedQuery

from .base import (
    BackendUnavailable,
    Hit,
    SearchBackend,
    SearchRequest,
    SearchResults,
)

logger = logging.getLogger("search")

ANALYZERS = (
    ("analysis-ik", "ik_max_word", "ik_smart"),
    ("analysis-smartcn", "smartcn", "smartcn"),
)


def choose_analyzer(plugins: Iterable[str]) -> tuple[str, str]:
    """(index analyzer, search analyzer) for a cluster with these plugins."""
    installed = set(plugins)
    for plugin, index_analyzer, search_analyzer in ANALYZERS:
        if plugin in installed:
            return index_analyzer, search_analyzer
    return "cjk", "cjk"


def index_mapping(analyzer: str, search_analyzer: str) -> dict:
    text = {"type": "text", "analyzer": analyzer, "search_analyzer": search_analyzer}
    return {
        "settings": {"number_of_shards": 1, "refresh_interval": "1s"},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "item_key": {"type": "keyword"},
                "site_id": {"type": "integer"},
                "site_level": {"type": "keyword"},
                "site_ids": {"type": "integer"},
                "urls": {"type": "object", "enabled": False},
                "content_type": {"type": "keyword"},
                "column_id": {"type": "integer"},
                "column_title": {"type": "keyword"},
                "title": {**text, "fields": {"raw": {"type": "keyword"}}},
                "body": text,
                "attachments": text,
                "issuing_organ": {**text, "fields": {"raw": {"type": "keyword"}}},
                "document_number": {"type": "keyword"},
                "published_at": {"type": "date"},
                "version": {"type": "keyword"},
            },
        },
    }


def alias_actions(alias: str, current: Iterable[str], new_index: str) -> list[dict]:
    """The one atomic alias update that points ``alias`` at ``new_index`` only."""
    actions: list[dict] = [
        {"remove": {"index": name, "alias": alias}} for name in sorted(current)
    ]
    actions.append({"add": {"index": new_index, "alias": alias}})
    return actions


def new_index_name(alias: str, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    return f"{alias}-{now:%Y%m%d%H%M%S%f}"


def document_body(document: IndexDocument) -> dict:
    return {
        "item_key": document.item_key,
        "site_id": document.site_id,
        "site_level": document.site_level,
        "site_ids": list(document.site_ids),
        "urls": document.urls,
        "content_type": document.content_type,
        "column_id": document.column_id,
        "column_title": document.column_title,
        "title": document.title,
        "body": document.body,
        "attachments": document.attachments,
        "issuing_organ": document.issuing_organ,
        "document_number": document.document_number,
        "published_at": document.published_at.isoformat(),
        "version": document.version,
    }


def _term_query(query: ParsedQuery):
    musts = []
    for term in query.terms:
        if term.alternatives == ((term.word,),) and "〔" in term.word:
            musts.append(Q("term", document_number={"value": term.word, "boost": 10}))
            continue
        options = [
            Q(
                "multi_match",
                query=" ".join(alternative),
                fields=["title^4", "attachments^2", "issuing_organ^2", "body"],
                type="cross_fields",
                operator="and",
            )
            for alternative in term.alternatives
        ]
        musts.append(Q("bool", should=options, minimum_should_match=1))
    return Q("bool", must=musts)


def _filters(request: SearchRequest) -> list:
    filters = []
    if request.site_ids is not None:
        filters.append(Q("terms", site_ids=list(request.site_ids)))
    if request.content_type:
        filters.append(Q("term", content_type=request.content_type))
    if request.column_id is not None:
        filters.append(Q("term", column_id=request.column_id))
    if request.site_id is not None:
        filters.append(Q("term", site_ids=request.site_id))
    if request.site_level:
        filters.append(Q("term", site_level=request.site_level))
    dates = {}
    if request.date_from:
        dates["gte"] = request.date_from.isoformat()
    if request.date_to:
        dates["lte"] = request.date_to.isoformat()
    if dates:
        filters.append(Q("range", published_at=dates))
    if request.year is not None:
        filters.append(
            Q(
                "range",
                published_at={
                    "gte": f"{request.year}-01-01",
                    "lt": f"{request.year + 1}-01-01",
                },
            )
        )
    return filters


def build_search(request: SearchRequest, *, index: str):
    """The DSL search of ``request``: every query word must match; recent items
    rank higher (a decay on the publication date); facets as aggregations."""
    scored = Q(
        "function_score",
        query=Q("bool", must=[_term_query(request.query)], filter=_filters(request)),
        functions=[
            {
                "gauss": {
                    "published_at": {"origin": "now", "scale": "365d", "decay": 0.5}
                }
            }
        ],
        boost_mode="multiply",
    )
    search = (
        Search(index=index)
        .query(scored)
        .extra(track_total_hits=10000, from_=request.offset, size=request.per_page)
    )
    search.aggs.bucket("site", "terms", field="site_ids", size=50)
    search.aggs.bucket("level", "terms", field="site_level", size=10)
    search.aggs.bucket("content_type", "terms", field="content_type", size=10)
    search.aggs.bucket(
        "year",
        "date_histogram",
        field="published_at",
        calendar_interval="year",
        format="yyyy",
        min_doc_count=1,
    )
    return search


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, *, url: str, alias: str):
        self.url = url
        self.alias = alias
        self._client = None

    @property
    def client(self):
        if self._client is None:
            self._client = Elasticsearch(self.url, request_timeout=5, max_retries=1)
        return self._client

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (TransportError, ApiError, ConnectionError) as error:
            raise BackendUnavailable(str(error)) from error

    def ping(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:
            return False

    def analyzer(self) -> tuple[str, str]:
        info = self._call(self.client.nodes.info, metric="plugins")
        plugins = {
            plugin["name"]
            for node in info["nodes"].values()
            for plugin in node.get("plugins", [])
        }
        chosen = choose_analyzer(plugins)
        logger.info("search analyzer", extra={"analyzer": chosen[0]})
        return chosen

    def _create_index(self, name: str) -> None:
        self._call(
            self.client.indices.create, index=name, body=index_mapping(*self.analyzer())
        )

    def _ensure_alias(self) -> None:
        if not self._call(self.client.indices.exists_alias, name=self.alias):
            name = new_index_name(self.alias)
            self._create_index(name)
            self._call(
                self.client.indices.update_aliases,
                actions=alias_actions(self.alias, [], name),
            )

    def _bulk(self, index: str, documents: Iterable[IndexDocument]) -> int:
        actions = (
            {"_index": index, "_id": d.item_key, "_source": document_body(d)}
            for d in documents
        )
        written, _errors = self._call(bulk, self.client, actions, chunk_size=500)
        return written

    def upsert(self, documents: Iterable[IndexDocument]) -> None:
        self._ensure_alias()
        self._bulk(self.alias, documents)

    def delete(self, item_keys: Iterable[str]) -> None:
        self._ensure_alias()
        for key in item_keys:
            self._call(self.client.delete, index=self.alias, id=key, ignore_status=404)

    def versions(self) -> Iterator[tuple[str, str]]:
        self._ensure_alias()
        hits = self._call(
            lambda: list(
                scan(self.client, index=self.alias, _source=["item_key", "version"])
            )
        )
        for hit in hits:
            yield hit["_source"]["item_key"], hit["_source"]["version"]

    def rebuild(
        self, documents: Iterable[IndexDocument], *, site_id: int | None = None
    ) -> int:
        if site_id is not None:
            # One site: replace its documents in place (the others stay).
            self._ensure_alias()
            self._call(
                self.client.delete_by_query,
                index=self.alias,
                query={"term": {"site_id": site_id}},
                refresh=True,
            )
            return self._bulk(self.alias, documents)
        name = new_index_name(self.alias)
        self._create_index(name)
        written = self._bulk(name, documents)
        self._call(self.client.indices.refresh, index=name)
        current = []
        if self._call(self.client.indices.exists_alias, name=self.alias):
            current = list(self._call(self.client.indices.get_alias, name=self.alias))
        self._call(
            self.client.indices.update_aliases,
            actions=alias_actions(self.alias, current, name),
        )
        for old in current:
            self._call(self.client.indices.delete, index=old, ignore_unavailable=True)
        return written

    def search(self, request: SearchRequest) -> SearchResults:
        if request.query.is_empty:
            return SearchResults([], 0, False, {})
        self._ensure_alias()
        search = build_search(request, index=self.alias).using(self.client)
        response = self._call(search.execute)
        total = response.hits.total
        hits = [
            Hit(
                item_key=h.item_key,
                title=h.title,
                body=h.body,
                urls=h.to_dict().get("urls", {}),
                site_id=h.site_id,
                site_ids=list(h.site_ids),
                content_type=h.content_type,
                column_title=h.column_title,
                issuing_organ=h.issuing_organ,
                document_number=h.document_number,
                published_at=datetime.datetime.fromisoformat(str(h.published_at)),
                score=h.meta.score or 0.0,
            )
            for h in response.hits
        ]
        facets = {
            name: {
                str(b.get("key_as_string", b["key"])): b["doc_count"]
                for b in (x.to_dict() for x in response.aggregations[name].buckets)
            }
            for name in ("site", "level", "content_type", "year")
        }
        return SearchResults(hits, total.value, total.relation == "gte", facets)
