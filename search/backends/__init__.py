"""Search backends: PostgreSQL (the default) and Elasticsearch (when
``ELASTICSEARCH_URL`` is set, or ``SEARCH_BACKEND = "elasticsearch"``)."""

from __future__ import annotations

import functools

from django.conf import settings

from .base import (
    BackendUnavailable,
    Hit,
    RebuildFailed,
    SearchBackend,
    SearchRequest,
    SearchResults,
)

__all__ = [
    "BackendUnavailable",
    "Hit",
    "RebuildFailed",
    "SearchBackend",
    "SearchRequest",
    "SearchResults",
    "get_backend",
]


def get_backend(name: str | None = None) -> SearchBackend:
    name = name or settings.SEARCH_BACKEND
    return _backend(name, settings.ELASTICSEARCH_URL, settings.SEARCH_INDEX_NAME)


@functools.cache
def _backend(name: str, url: str, index_name: str) -> SearchBackend:
    if name == "postgres":
        # only the configured backend (and its client library) is imported
        from .postgres import PostgresBackend

        return PostgresBackend()
    if name == "elasticsearch":
        # only the configured backend (and its client library) is imported
        from .elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(url=url, alias=index_name)
    raise ValueError(f"unknown search backend {name!r}")
