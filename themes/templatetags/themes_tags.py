"""Tags of the theme templates: page tags for harvesters, side navigation,
pagination. They read page fields by name (duck typing): themes import no page
types."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from wagtail.models import Page as WagtailPage

from themes import fragments, page_tags, selectors

register = template.Library()


@register.simple_tag
def page_description(page) -> str:
    """The search description, else the start of the text (``Description``)."""
    return page_tags.description(page)


@register.simple_tag(takes_context=True)
def page_tags_for(context) -> list[tuple[str, str]]:
    """The page tags of the page being rendered, as ``themes.page_tags.TAGS``
    gives them for its kind: (name, content) pairs."""
    site = context.get("govsite")
    request = context.get("request")
    keep = (
        site is not None
        and getattr(request, "govsite", None) is site
        and not getattr(request, "is_preview", False)
    )
    return page_tags.page_tags(site=site, page=context.get("page"), keep=keep)


@register.simple_tag
def parent_column(page):
    """The column a content page is shown in: the one its request was routed
    through (no query), else its parent."""
    column = page_tags.column_of(page)
    if column is None or column is page:
        return page.get_parent()
    return column


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


class SiteFragmentNode(template.Node):
    def __init__(self, nodelist, kind: str, place: str):
        self.nodelist = nodelist
        self.kind = kind
        self.place = place

    def render(self, context):
        key = fragments.fragment_key(context, self.place, self.kind)
        if key is None:
            return self.nodelist.render(context)
        kept = fragments.kept_map(self.kind)
        html = kept.get(key)
        if html is None:
            html = str(self.nodelist.render(context))
            kept.put(key, html)
        return mark_safe(html)  # noqa: S308 (the template's own rendered output)


@register.tag
def sitefragment(parser, token):
    """``{% sitefragment [KIND] %}…{% endsitefragment %}`` (KIND: "nav", "trail",
    "path", "page", "content", "list"; none: the same on every page of the
    site): what it encloses is the same for every page of the same top-level
    column, the same parent, the same place, or the same live page, kept per
    site generation (themes.fragments)."""
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("sitefragment takes at most one argument")
    kind = bits[1].strip("\"'") if len(bits) == 2 else ""
    if kind not in ("", "nav", "trail", "path", "page", "content", "list"):
        raise template.TemplateSyntaxError(f"unknown sitefragment kind {kind!r}")
    # The tag's place: its template and its order there.
    count = getattr(parser, "_sitefragments", 0)
    parser._sitefragments = count + 1
    origin = getattr(parser.origin, "name", "")
    nodelist = parser.parse(("endsitefragment",))
    parser.delete_first_token()
    return SiteFragmentNode(nodelist, kind, f"{origin}#{count}")
