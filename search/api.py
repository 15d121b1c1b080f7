"""The search JSON API: ``GET /api/v1/search`` with the search page's parameters."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from . import presenters, selectors, services
from .backends import BackendUnavailable
from .forms import SearchForm

router = Router(tags=["search"])


def _whole_number(description: str):
    # Read as text and checked by the search form, so that a bad number gets the
    # form's 400 with its message, as every other bad filter does.
    return Field("", description=description)


class SearchQuery(Schema):
    q: str = ""
    scope: str = "site"
    type: str = ""
    column: str = _whole_number("Column id (a whole number)")
    date_from: str = Field("", description="YYYY-MM-DD, 1949-01-01 to 2100-12-31")
    date_to: str = Field("", description="YYYY-MM-DD, 1949-01-01 to 2100-12-31")
    site: str = ""
    level: str = ""
    year: str = _whole_number("Year of publication, 1949 to 2100")
    page: str = _whole_number("Page number, from 1")


class HitOut(Schema):
    title: str
    url: str
    snippet_html: str
    content_type: str
    column: str
    issuing_organ: str
    document_number: str
    published_at: datetime.datetime


class FacetOut(Schema):
    value: str
    label: str
    count: int


class SearchOut(Schema):
    query: str
    scope: str
    page: int
    total: int
    total_is_lower_bound: bool
    results: list[HitOut]
    facets: dict[str, list[FacetOut]]
    hot_searches: list[str]


class ErrorOut(Schema):
    detail: str


@router.get(
    "",
    response={200: SearchOut, 400: ErrorOut, 503: ErrorOut},
    summary="Search one site or every site",
    url_name="search_api",
)
def search(request, filters: Query[SearchQuery]):
    """On a site's host: that site's items and the items shown on it (``scope=all``:
    every site). On the platform's hosts: every site."""
    site = getattr(request, "govsite", None)
    data = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    form = SearchForm(data)
    if not form.is_valid():
        messages = [
            f"{form[name].label}: {' '.join(errors)}"
            for name, errors in form.errors.items()
            if name in form.fields
        ]
        raise HttpError(400, "; ".join(messages) or _("Invalid search parameters."))
    params = form.params()
    scope = "all" if site is None else params.scope
    if not params.q:
        return SearchOut(
            query="",
            scope=scope,
            page=params.page,
            total=0,
            total_is_lower_bound=False,
            results=[],
            facets={},
            hot_searches=selectors.hot_searches(site=site) if site else [],
        )
    try:
        parsed, results = selectors.search_results(site=site, params=params)
    except BackendUnavailable:
        return Status(
            503,
            {
                "detail": _(
                    "The search service is temporarily unavailable. "
                    "Please try again later."
                )
            },
        )
    if site is not None and params.page == 1:
        services.query_record(site=site, query=parsed.text, found=results.total)
    hits = presenters.present_hits(results=results, parsed=parsed, site=site)
    return {
        "query": parsed.text,
        "scope": scope,
        "page": params.page,
        "total": results.total,
        "total_is_lower_bound": results.total_is_lower_bound,
        "results": [{**hit, "snippet_html": str(hit["snippet_html"])} for hit in hits],
        "facets": presenters.present_facets(results),
        "hot_searches": selectors.hot_searches(site=site) if site else [],
    }
