"""Results made ready for the page and the API: addresses on the current site,
snippets, facet labels."""

from __future__ import annotations

from django.utils.safestring import mark_safe

from sites.models import GovSite, SiteLevel

from . import query as query_module
from .backends import SearchResults
from .documents import CONTENT_TYPES

TYPE_LABELS = {name: model._meta.verbose_name for model, name in CONTENT_TYPES.items()}


def present_hits(*, results: SearchResults, parsed, site: GovSite | None) -> list[dict]:
    words = parsed.highlight_words()
    current = site.pk if site is not None else None
    return [
        {
            "title": hit.title,
            "title_html": mark_safe(query_module.mark(hit.title, words)),  # noqa: S308 - escaped by mark()
            "snippet_html": mark_safe(query_module.snippet(hit.body, words)),  # noqa: S308
            "url": hit.url_on(current),
            "site_id": hit.site_id,
            "content_type": hit.content_type,
            "content_type_label": str(TYPE_LABELS.get(hit.content_type, "")),
            "column": hit.column_title,
            "issuing_organ": hit.issuing_organ,
            "document_number": hit.document_number,
            "published_at": hit.published_at,
        }
        for hit in results.hits
    ]


def present_facets(results: SearchResults) -> dict[str, list[dict]]:
    site_ids = [int(pk) for pk in results.facets.get("site", {})]
    sites = {
        str(s.pk): s
        for s in GovSite.objects.filter(pk__in=site_ids).only("name", "code")
    }
    levels = dict(SiteLevel.choices)
    out: dict[str, list[dict]] = {}
    out["site"] = [
        {"value": sites[pk].code, "label": sites[pk].name, "count": n}
        for pk, n in results.facets.get("site", {}).items()
        if pk in sites
    ]
    out["level"] = [
        {"value": v, "label": str(levels.get(v, v)), "count": n}
        for v, n in results.facets.get("level", {}).items()
    ]
    out["content_type"] = [
        {"value": v, "label": str(TYPE_LABELS.get(v, v)), "count": n}
        for v, n in results.facets.get("content_type", {}).items()
    ]
    out["year"] = [
        {"value": v, "label": v, "count": n}
        for v, n in sorted(results.facets.get("year", {}).items(), reverse=True)
    ]
    return out
