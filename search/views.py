"""The search page of every site: ``/search/?q=``."""

from __future__ import annotations

import math

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import presenters, selectors, services
from .backends import BackendUnavailable
from .backends.base import MAX_PAGE, PER_PAGE
from .forms import SearchForm
from .query import MAX_QUERY_LENGTH


def search(request):
    site = getattr(request, "govsite", None)
    if site is None:  # the platform's own hosts have no themed site to show
        raise Http404
    form = SearchForm(request.GET or None)
    form.is_valid()
    params = form.params()
    context = {
        "form": form,
        "params": params,
        "max_length": MAX_QUERY_LENGTH,
        "hot_searches": selectors.hot_searches(site=site),
        "hits": [],
        "unavailable": False,
    }
    status = 200
    if params.q:
        try:
            parsed, results = selectors.search_results(site=site, params=params)
        except BackendUnavailable:
            context["unavailable"] = _(
                "The search service is temporarily unavailable. Please try again later."
            )
            status = 503
        else:
            if params.page == 1:
                services.query_record(site=site, query=parsed.text, found=results.total)
            pages = min(math.ceil(results.total / PER_PAGE), MAX_PAGE)
            context.update(
                parsed=parsed,
                results=results,
                hits=presenters.present_hits(results=results, parsed=parsed, site=site),
                facets=_with_links(request, presenters.present_facets(results)),
                pages=pages,
                page_links=_page_links(request, params.page, pages),
                truncated=len(request.GET.get("q", "")) > MAX_QUERY_LENGTH,
            )
    return render(request, "search/results.html", context, status=status)


def _query_string(request, **changes) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode()


def _page_links(request, page: int, pages: int) -> dict:
    numbers = range(max(1, page - 4), min(pages, page + 4) + 1)
    return {
        "current": page,
        "previous": _query_string(request, page=page - 1) if page > 1 else None,
        "next": _query_string(request, page=page + 1) if page < pages else None,
        "numbers": [(n, _query_string(request, page=n)) for n in numbers],
    }


FACET_PARAMS = {
    "site": "site",
    "level": "level",
    "content_type": "type",
    "year": "year",
}


def _with_links(request, facets: dict[str, list[dict]]) -> dict[str, list[dict]]:
    for name, entries in facets.items():
        for entry in entries:
            entry["url"] = _query_string(
                request, **{FACET_PARAMS[name]: entry["value"], "page": None}
            )
    return facets
