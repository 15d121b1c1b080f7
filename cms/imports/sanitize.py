"""Bodies of imported items as the rich text of a paragraph block.

Old sites' HTML keeps only what a government article's rich text may hold:
paragraphs, line breaks, bold, italic, lists, h3/h4 headings, tables and links to
http, https and mailto addresses. Scripts and styles go with their content;
every other tag is removed and its text kept. Plain text becomes paragraphs.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import bleach

ALLOWED_TAGS = frozenset(
    {
        *("p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "h3", "h4"),
        *("table", "thead", "tbody", "tr", "th", "td"),
        "a",
    }
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Elements removed together with everything inside them.
DROPPED_ELEMENTS = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "head", "title"}
)
BLOCK_TAGS = ("<p>", "<ul>", "<ol>", "<h3>", "<h4>", "<table>")

_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<!--")
# A link whose address was not allowed is left without attributes by bleach.
_BARE_LINK = re.compile(r"<a>(.*?)</a>", re.DOTALL)


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    # Only absolute addresses: relative links pointed into the old site.
    if tag != "a" or name != "href":
        return False
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in ALLOWED_PROTOCOLS


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


class _ElementDropper(HTMLParser):
    """Re-writes HTML without the dropped elements and their content (bleach would
    keep a script's text). bleach parses the result again and has the last word;
    this pass only decides which text is never shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED_ELEMENTS:
            self.depth += 1
        elif not self.depth:
            self.parts.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs):
        if not self.depth and tag not in DROPPED_ELEMENTS:
            self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag):
        if tag in DROPPED_ELEMENTS:
            self.depth = max(0, self.depth - 1)
        elif not self.depth:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(escape(data, quote=False))


def _without_dropped_elements(html: str) -> str:
    parser = _ElementDropper()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def clean_html(html: str) -> str:
    """Sanitised rich text of an HTML body ("" when nothing is left)."""
    cleaned = _cleaner.clean(_without_dropped_elements(html))
    cleaned = _BARE_LINK.sub(r"\1", cleaned).strip()
    if cleaned and not any(tag in cleaned for tag in BLOCK_TAGS):
        cleaned = f"<p>{cleaned}</p>"
    return cleaned


def text_to_html(text: str) -> str:
    """Plain text as rich text: each non-empty line a paragraph."""
    lines = (line.strip() for line in text.splitlines())
    return "".join(f"<p>{escape(line, quote=False)}</p>" for line in lines if line)


def body_html(body: str) -> str:
    return clean_html(body) if looks_like_html(body) else text_to_html(body)


_TABLE_TAG = re.compile(r"</?table>")


class _TableCells(HTMLParser):
    """Rows of cell texts of one sanitised table; tables inside cells (old sites
    laid pages out with them) are read as text of the cell they sit in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.header_row = False
        self._depth = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._depth += 1
        elif self._depth == 1 and tag == "tr":
            self.rows.append([])
        elif self._depth == 1 and tag in ("td", "th"):
            if not self.rows:
                self.rows.append([])
            if tag == "th" and len(self.rows) == 1:
                self.header_row = True
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._depth -= 1
        elif self._depth == 1 and tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_value(html: str) -> dict:
    """A sanitised ``<table>`` as the value of Wagtail's TableBlock."""
    parser = _TableCells()
    parser.feed(html)
    parser.close()
    width = max((len(row) for row in parser.rows), default=1)
    data = [row + [""] * (width - len(row)) for row in parser.rows] or [[""]]
    return {
        "data": data,
        "first_row_is_table_header": parser.header_row,
        "first_col_is_header": False,
        "table_caption": "",
    }


def body_blocks(html: str) -> list[tuple[str, object]]:
    """Sanitised body HTML as StreamField blocks: rich text paragraphs, and each
    top-level table as a table block (the rich-text editor has no tables, so a table
    kept inside rich text would be lost the first time an editor saves the page)."""
    blocks: list[tuple[str, object]] = []
    depth, start, text_from = 0, 0, 0
    for match in _TABLE_TAG.finditer(html):
        if match.group() == "<table>":
            if depth == 0:
                start = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                before = html[text_from:start].strip()
                if before:
                    blocks.append(("paragraph", before))
                blocks.append(("table", table_value(html[start : match.end()])))
                text_from = match.end()
    rest = html[text_from:].strip()
    if rest:
        blocks.append(("paragraph", rest))
    return blocks
