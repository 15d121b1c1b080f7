"""The page tags (网页标签) of the national page-design rules for government
websites (政府网站网页设计规范), which the national crawler and higher platforms
read from every public page.

``TAGS`` is the single statement of which tags a page carries: ``base.html``
emits exactly the tags its kind of page has here (``page_tags``), and the theme
tests check every page type of every theme against it.

- site tags on every page: the home page, columns, content pages and every other
  page of the site (search, site map, letters, error pages);
- column tags on column pages and on content pages, where they describe the
  column the item is shown in (its parent column);
- article tags on content pages.

A page type says what kind of page it is with a ``page_tags_kind`` attribute
(``"home"``, ``"column"`` or ``"content"``); themes import no page types, so the
values below are read by name.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Page

from core import prepared
from sites import generation

SITE_TAGS = ("SiteName", "SiteDomain", "SiteIDCode")
COLUMN_TAGS = ("ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType")
ARTICLE_TAGS = (
    *("ArticleTitle", "PubDate", "ContentSource", "Keywords"),
    *("Author", "Description", "Image", "Url"),
)
ALL_TAGS = (*SITE_TAGS, *COLUMN_TAGS, *ARTICLE_TAGS)


class PageKind(StrEnum):
    HOME = "home"
    COLUMN = "column"
    CONTENT = "content"
    # Any other page of a site: search results, the site map, letters, errors.
    OTHER = "other"


TAGS: dict[PageKind, tuple[str, ...]] = {
    PageKind.HOME: SITE_TAGS,
    PageKind.COLUMN: (*SITE_TAGS, *COLUMN_TAGS),
    PageKind.CONTENT: (*SITE_TAGS, *COLUMN_TAGS, *ARTICLE_TAGS),
    PageKind.OTHER: SITE_TAGS,
}

SUMMARY_LENGTH = 120
IMAGE_FILTER = "fill-400x300"


def page_kind(page: object) -> PageKind:
    """The kind of ``page`` for its tags; anything that is not a page of a known
    kind (another app's "page", say a paginator's) is ``OTHER``."""
    if not isinstance(page, Page):
        return PageKind.OTHER
    kind = getattr(page, "page_tags_kind", None)
    return PageKind(kind) if kind in PageKind._value2member_map_ else PageKind.OTHER


def column_of(page: Page) -> Page | None:
    """The column a page's column tags describe: a column itself, or the column a
    content page is shown in (its parent)."""
    kind = page_kind(page)
    if kind == PageKind.COLUMN:
        return page
    if kind == PageKind.CONTENT and page.depth > 1:
        # The column the request was routed through (ColumnPage.route sets it on
        # this request's instance), else the parent looked up.
        routed = getattr(page, "routed_column", None)
        if routed is not None and routed.path == page.path[: -page.steplen]:
            return routed
        parent = page.get_parent()
        return parent.specific if parent is not None else None
    return None


# -- values ------------------------------------------------------------------


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


# How much of a long text is stripped of its tags at first (cut after a tag):
# a summary needs its first ``length`` characters, not a whole body.
_SUMMARY_WINDOW = 1000


def _plain(text: str, window: int) -> str:
    return " ".join(strip_tags(text[:window]).split())


def stream_summary(value, length: int = SUMMARY_LENGTH) -> str:
    """The first ``length`` characters of a StreamField's (or rich text's) text."""
    if value is None:
        return ""
    raw = getattr(value, "raw_data", value)
    if hasattr(raw, "__iter__") and not isinstance(raw, str):
        raw = list(raw)
    pieces = []
    total = 0
    for text in _texts(raw):
        if not text or not text.strip():
            continue
        # Only the start of a long text, cut just after a tag (never inside
        # one), when it holds enough words; else the whole text.
        end = text.rfind(">", 0, _SUMMARY_WINDOW) + 1
        piece = _plain(text, end) if len(text) > _SUMMARY_WINDOW and end else ""
        if len(piece) <= length:
            piece = _plain(text, len(text))
        pieces.append(piece)
        total += len(piece) + 1
        if total > length + 1:
            break  # what follows is cut off anyway
    return Truncator(" ".join(pieces)).chars(int(length))


def description(page) -> str:
    """``Description``: the page's search description, else the start of its
    text (worked out once per page instance: the head and the tags both ask)."""
    kept = getattr(page, "__dict__", {})
    known = kept.get("_page_description")
    if known is not None:
        return known
    found = ""
    if getattr(page, "search_description", ""):
        found = page.search_description
    else:
        for name in ("body", "draft"):
            value = getattr(page, name, None)
            if value:
                found = stream_summary(value)
                break
    kept["_page_description"] = found
    return found


def column_keywords(column) -> str:
    """``ColumnKeywords``: the column's title after its ancestor columns' titles
    (kept on this request's column instance: Keywords may ask again)."""
    known = getattr(column, "_column_keywords", None)
    if known is not None:
        return known
    titles = [
        ancestor.title
        for ancestor in column.get_ancestors(inclusive=True).filter(
            content_type=column.content_type_id
        )
    ]
    column._column_keywords = ",".join(titles or [column.title])
    return column._column_keywords


def keywords(page, column=None) -> str:
    """``Keywords``: the page's tags, else its subject category, else the titles
    of the columns it is in (``column``, its column, when the caller has it)."""
    tags = getattr(page, "tags", None)
    if tags is not None:
        # Prefetched on the page: the template showing its tags reads them again
        # (a saved page's tags, with the query compiled once per process; a
        # preview's tags stay its revision's, which modelcluster reads first).
        if page.pk is not None:
            prepared.prefetch_tags(page)
        else:
            prefetch_related_objects([page], "tags")
        names = [str(tag) for tag in page.tags.all()]
        if names:
            return ",".join(names)
    category = getattr(page, "get_subject_category_display", None)
    if category is not None and getattr(page, "subject_category", ""):
        return str(category())
    column = column if column is not None else column_of(page)
    return column_keywords(column if column is not None else page)


def image(page):
    """``Image``: the cover image, else the first image of the body."""
    cover = getattr(page, "cover_image", None)
    if cover is not None:
        return cover
    for block in getattr(page, "body", None) or ():
        if block.block_type == "image" and block.value.get("image") is not None:
            return block.value["image"]
    return None


def _image_url(site, page, column) -> str:
    found = image(page)
    if found is None:
        return ""
    return f"{site.wagtail_site.root_url}{found.get_rendition(IMAGE_FILTER).url}"


def _column_type(column) -> str:
    display = getattr(column, "get_kind_display", None)
    return str(display()) if display is not None else ""


def _column_description(column) -> str:
    return (
        getattr(column, "description", "") or column.search_description or column.title
    )


def _pub_date(page) -> str:
    moment = getattr(page, "published_at", None) or page.first_published_at
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# name -> value of (site, page, column); column is None off columns and content.
VALUES: dict[str, Callable[..., str]] = {
    "SiteName": lambda site, page, column: site.name,
    "SiteDomain": lambda site, page, column: site.host,
    "SiteIDCode": lambda site, page, column: site.code,
    "ColumnName": lambda site, page, column: column.title,
    "ColumnDescription": lambda site, page, column: _column_description(column),
    "ColumnKeywords": lambda site, page, column: column_keywords(column),
    "ColumnType": lambda site, page, column: _column_type(column),
    "ArticleTitle": lambda site, page, column: page.title,
    "PubDate": lambda site, page, column: _pub_date(page),
    "ContentSource": lambda site, page, column: (
        getattr(page, "source", "") or site.name
    ),
    "Keywords": lambda site, page, column: keywords(page, column),
    "Author": lambda site, page, column: getattr(page, "author", "") or site.name,
    "Description": lambda site, page, column: description(page),
    "Image": _image_url,
    "Url": lambda site, page, column: page.full_url or "",
}


def page_tags(*, site, page, keep: bool = False) -> list[tuple[str, str]]:
    """The tags ``page`` of ``site`` carries, in the table's order, with their
    values; none off a site (the platform's own pages). ``keep``: the column
    keywords may be kept per site generation (a visitor's request for the live
    page, never a preview)."""
    if site is None:
        return []
    kind = page_kind(page)
    column = column_of(page) if kind != PageKind.OTHER else None
    if kind in (PageKind.COLUMN, PageKind.CONTENT) and column is None:
        kind = PageKind.OTHER  # a content page outside a column: no column tags
    if (
        keep
        and column is not None
        and getattr(column, "_column_keywords", None) is None
    ):
        # The same for every page of the column until a title changes: kept
        # per site generation (the titles of the column and those above it).
        column._column_keywords = generation.kept_for(
            site, f"column_keywords:{column.path}", lambda: column_keywords(column)
        )
    return [(name, VALUES[name](site, page, column)) for name in TAGS[kind]]
