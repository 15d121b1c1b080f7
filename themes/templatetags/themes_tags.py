"""Tags of the theme templates: page tags for harvesters, side navigation,
pagination. They read page fields by name (duck typing): themes import no page
types."""

from __future__ import annotations

from django import template
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Page as WagtailPage

from themes import selectors

register = template.Library()

SUMMARY_LENGTH = 120


def _texts(raw) -> list[str]:
    """Every string in a StreamField's raw data (paragraphs, headings, tables)."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, dict):
        if "type" in raw and "value" in raw:
            return _texts(raw["value"])
        return [t for value in raw.values() for t in _texts(value)]
    if isinstance(raw, list | tuple):
        return [t for value in raw for t in _texts(value)]
    return []


@register.filter
def stream_summary(value, length: int = SUMMARY_LENGTH) -> str:
    """The first ``length`` characters of a StreamField's (or rich text's) text."""
    if value is None:
        return ""
    raw = getattr(value, "raw_data", value)
    if hasattr(raw, "__iter__") and not isinstance(raw, str):
        raw = list(raw)
    text = " ".join(
        " ".join(strip_tags(t).split()) for t in _texts(raw) if t and t.strip()
    )
    return Truncator(text).chars(int(length))


@register.simple_tag
def page_description(page) -> str:
    """``Description``: the page's search description, else the start of its text."""
    if getattr(page, "search_description", ""):
        return page.search_description
    for name in ("body", "draft"):
        value = getattr(page, name, None)
        if value:
            return stream_summary(value)
    return ""


@register.simple_tag
def page_keywords(page) -> str:
    """``Keywords``: the page's tags, else its subject category, else the titles
    of the columns it is in."""
    tags = getattr(page, "tags", None)
    if tags is not None:
        names = [str(tag) for tag in tags.all()]
        if names:
            return ",".join(names)
    category = getattr(page, "get_subject_category_display", None)
    if category is not None and getattr(page, "subject_category", ""):
        return str(category())
    return column_keywords(page.get_parent().specific if page.depth > 1 else page)


@register.simple_tag
def column_keywords(page) -> str:
    """``ColumnKeywords``: the column's title after its ancestor columns' titles."""
    titles = [
        ancestor.title
        for ancestor in page.get_ancestors(inclusive=True).filter(
            content_type=page.content_type_id
        )
    ]
    return ",".join(titles or [page.title])


@register.simple_tag
def page_image(page):
    """``Image``: the cover image, else the first image of the body."""
    cover = getattr(page, "cover_image", None)
    if cover is not None:
        return cover
    body = getattr(page, "body", None)
    for block in body or ():
        if block.block_type == "image" and block.value.get("image") is not None:
            return block.value["image"]
    return None


@register.simple_tag(takes_context=True)
def section_nav(context, page):
    site = context.get("govsite")
    # Other apps' pages may call anything "page" (a paginator's page, say).
    if site is None or not isinstance(page, WagtailPage):
        return None, []
    return selectors.section_nav(site=site, page=page)


@register.simple_tag
def page_range(items):
    """Page numbers around the current one, with … for the gaps."""
    return list(
        items.paginator.get_elided_page_range(items.number, on_each_side=2, on_ends=1)
    )


@register.simple_tag
def is_ancestor_path(page, other) -> bool:
    if not isinstance(page, WagtailPage) or not isinstance(other, WagtailPage):
        return False
    return page.path.startswith(other.path)
