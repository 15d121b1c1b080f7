"""Tags of the theme templates: page tags for harvesters, side navigation,
pagination. They read page fields by name (duck typing): themes import no page
types."""

from __future__ import annotations

from django import template
from wagtail.models import Page as WagtailPage

from themes import page_tags, selectors

register = template.Library()


@register.simple_tag
def page_description(page) -> str:
    """The search description, else the start of the text (``Description``)."""
    return page_tags.description(page)


@register.simple_tag(takes_context=True)
def page_tags_for(context) -> list[tuple[str, str]]:
    """The page tags of the page being rendered, as ``themes.page_tags.TAGS``
    gives them for its kind: (name, content) pairs."""
    return page_tags.page_tags(site=context.get("govsite"), page=context.get("page"))


@register.filter
def filing_code(number: str) -> str:
    """The digits of a public-security filing number (京公网安备 11010502030001号
    → 11010502030001), which the filing system's search takes."""
    return "".join(ch for ch in number or "" if ch.isascii() and ch.isdigit())


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
