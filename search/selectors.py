"""Reads of the search package: searching, hot searches, query statistics."""

from __future__ import annotations

import dataclasses
import datetime

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from sites.models import GovSite
from sites.tenancy import for_sites

from . import query as query_module
from .backends import SearchRequest, SearchResults, get_backend
from .models import SearchQueryLog, Synonym

SYNONYMS_CACHE_KEY = "search:synonyms"


def synonym_map() -> dict[str, tuple[str, ...]]:
    """word → the words it stands for (every word of a synonym group finds the
    others)."""
    found = cache.get(SYNONYMS_CACHE_KEY)
    if found is None:
        found = {}
        for synonym in Synonym.objects.all():
            words = [w.lower() for w in synonym.words()]
            for word in words:
                found[word] = tuple(
                    dict.fromkeys(
                        [*found.get(word, ()), *(w for w in words if w != word)]
                    )
                )
        cache.set(SYNONYMS_CACHE_KEY, found, 300)
    return found


@dataclasses.dataclass(frozen=True)
class SearchParams:
    q: str = ""
    scope: str = "site"  # "site" or "all"
    content_type: str = ""
    column: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    site: str = ""  # a site code (facet filter of a platform-wide search)
    level: str = ""
    year: int | None = None
    page: int = 1


def search_results(
    *, site: GovSite | None, params: SearchParams
) -> tuple[query_module.ParsedQuery, SearchResults]:
    """Search ``site`` (its items and those shown on it), or every site when
    ``params.scope`` is "all" or there is no site. Raises BackendUnavailable."""
    parsed = query_module.parse(params.q, synonym_map())
    everywhere = params.scope == "all" or site is None
    facet_site = None
    if params.site and everywhere:
        facet_site = (
            GovSite.objects.filter(code=params.site)
            .values_list("pk", flat=True)
            .first()
        )
        if facet_site is None:
            facet_site = -1  # an unknown site code finds nothing
    request = SearchRequest(
        query=parsed,
        site_ids=None if everywhere else (site.pk,),
        content_type=params.content_type,
        column_id=params.column,
        date_from=params.date_from,
        date_to=params.date_to,
        site_id=facet_site,
        site_level=params.level if everywhere else "",
        year=params.year,
        page=params.page,
    )
    return parsed, get_backend().search(request)


def hot_searches(*, site: GovSite, days: int = 30, limit: int = 10) -> list[str]:
    """The site's most searched queries that found something, recent days."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    rows = (
        for_sites(SearchQueryLog, [site])
        .filter(day__gte=since)
        .values("query")
        .annotate(total=Sum("searches"), empty=Sum("zero_results"))
        .filter(total__gt=0)
        .order_by("-total", "query")
    )
    return [row["query"] for row in rows if row["empty"] < row["total"]][:limit]


def query_stats(*, sites, days: int = 30, limit: int = 20) -> dict[str, list[dict]]:
    """Top queries and queries that found nothing, over ``sites`` (the sites the
    viewer may see), per site."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    base = (
        for_sites(SearchQueryLog, sites)
        .filter(day__gte=since)
        .values("site__name", "site__code", "query")
        .annotate(total=Sum("searches"), empty=Sum("zero_results"))
    )
    top = list(base.order_by("-total", "query")[:limit])
    zero = list(base.filter(empty__gt=0).order_by("-empty", "query")[:limit])
    return {"top": top, "zero": zero}


def query_totals(*, sites, days: int = 30) -> dict[str, int]:
    """Searches and searches that found nothing over ``sites``, recent days."""
    since = timezone.localdate() - datetime.timedelta(days=days)
    totals = (
        for_sites(SearchQueryLog, sites)
        .filter(day__gte=since)
        .aggregate(searches=Sum("searches"), zero_results=Sum("zero_results"))
    )
    return {key: value or 0 for key, value in totals.items()}
