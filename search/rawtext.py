"""The plain text of content fields as the database stores them: StreamField
JSON and rich text HTML, read without page instances or StreamField values.

What the search index builds its documents from (``search.documents``), a
thousand pages at a time. The text is the text ``cms.text.stream_text`` and
``cms.text.attachment_names`` give for the same page instances (the tests compare
them over every content page type and block type), with ``html_text``'s HTML
rule in place of ``strip_tags``: rich text and strings with their tags stripped
as Django's ``strip_tags`` strips them, a line break where a paragraph, heading,
list item or other block element ends (so words of two paragraphs never run
together) and character references decoded (``&amp;`` is ``&``, not a word
``amp``); struct blocks' fields one a line (not their image or document), tables
a row a line, blocks one a line, empty blocks left out.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable

from django.utils.html import strip_tags
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock

from cms.text import _block_text

# A well-formed start or end tag (attributes quoted or bare): exactly what
# Python's HTMLParser, under strip_tags, takes for a whole tag.
_ATTRIBUTES = (
    r"(?:\s+[^\s\"'<>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'<>=`]+))?)*\s*/?"
)
_TAG = re.compile(
    rf"<(?:[a-zA-Z][-.a-zA-Z0-9:_]*{_ATTRIBUTES}|/[a-zA-Z][-.a-zA-Z0-9:_]*\s*)>"
)
# Where a block element ends, or a line breaks: a line break in the text.
_BLOCKS = (
    "address|article|aside|blockquote|caption|dd|div|dl|dt|figcaption|figure|"
    "footer|h[1-6]|header|li|main|nav|ol|p|pre|section|table|td|th|tr|ul"
)
_BREAK = re.compile(rf"</(?:{_BLOCKS})\s*>|<(?:br|hr){_ATTRIBUTES}>", re.IGNORECASE)
# An ampersand that does not start a complete character reference (``&amp;``,
# ``&#20013;``, ``&#x4e2d;``: strip_tags writes those back unchanged).
_ODD_AMPERSAND = re.compile(
    r"&(?!(?:[a-zA-Z][-.a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);)"
)
# Elements whose content HTMLParser reads as text, tags and all.
_RAW_TEXT_ELEMENT = re.compile(r"<(?:script|style)", re.IGNORECASE)

# Struct block fields that hold no text of their own (as ``cms.text``).
_SKIPPED = ("image", "document")
# Blocks whose value is the stored string itself.
_STRING_BLOCKS = (
    blocks.CharBlock,
    blocks.TextBlock,
    blocks.URLBlock,
    blocks.EmailBlock,
    blocks.RegexBlock,
    blocks.BlockQuoteBlock,
    blocks.RawHTMLBlock,
)
# Blocks whose value holds no text ``cms.text`` reads (numbers, dates, choosers,
# lists and streams inside a block).
_TEXTLESS_BLOCKS = (
    blocks.ChooserBlock,
    blocks.IntegerBlock,
    blocks.FloatBlock,
    blocks.DecimalBlock,
    blocks.BooleanBlock,
    blocks.DateBlock,
    blocks.TimeBlock,
    blocks.DateTimeBlock,
    blocks.ListBlock,
    blocks.StreamBlock,
    blocks.StaticBlock,
)


def html_text(markup: str) -> str:
    """The text of ``markup``: a line break where a block element ends or a
    ``<br>`` is, the other tags stripped as ``django.utils.html.strip_tags``
    strips them, character references decoded (``html.unescape``), line breaks
    at the end dropped; the same text as ``parsed_html_text``, with one regular
    expression for well-formed HTML (what the editor writes). Markup it is
    unsure of (comments, a stray ``<`` or ``>``, an incomplete entity, script or
    style elements) goes to ``strip_tags`` itself."""
    if "<" not in markup or ">" not in markup:
        # strip_tags leaves it as it is.
        text = html.unescape(markup) if "&" in markup else markup
        return text.rstrip("\n")
    marked = _BREAK.sub("\n", markup)
    text = _TAG.sub("", marked)
    if (
        "<" in text
        or ">" in text
        or ("&" in text and _ODD_AMPERSAND.search(text))
        or _RAW_TEXT_ELEMENT.search(markup)
    ):
        text = strip_tags(marked)
    if "&" in text:
        text = html.unescape(text)
    return text.rstrip("\n")


def parsed_html_text(markup: str) -> str:
    """``html_text`` of ``markup`` through Django's ``strip_tags`` (its HTML
    parser) alone: what the fast path must give."""
    return html.unescape(strip_tags(_BREAK.sub("\n", markup))).rstrip("\n")


def _string_text(raw) -> str:
    return html_text(raw) if isinstance(raw, str) else ""


def _rich_text(raw) -> str:
    # RichText(None).source is "".
    return html_text(raw) if isinstance(raw, str) else ""


def _table_text(raw) -> str:
    if not isinstance(raw, dict):
        return ""
    rows = raw.get("data") or []
    return "\n".join(" ".join(str(c) for c in row if c) for row in rows)


def _no_text(raw) -> str:
    return ""


def block_text_function(block: blocks.Block) -> Callable[[object], str]:
    """A function from the stored JSON of a ``block`` value to its text (what
    ``cms.text`` reads from the value Wagtail makes of it). Raises TypeError for
    a kind of block it does not know, so that a new block type is decided on."""
    if isinstance(block, blocks.RichTextBlock):
        return _rich_text
    if isinstance(block, TableBlock):
        return _table_text
    if isinstance(block, _STRING_BLOCKS):
        return _string_text
    if isinstance(block, blocks.StructBlock):
        children = [
            (name, block_text_function(child), _block_text(child.get_default()))
            for name, child in block.child_blocks.items()
            if name not in _SKIPPED
        ]

        def struct_text(raw) -> str:
            if not isinstance(raw, dict):
                return ""
            return "\n".join(
                text(raw[name]) if name in raw else default
                for name, text, default in children
            )

        return struct_text
    if isinstance(block, _TEXTLESS_BLOCKS):
        return _no_text
    raise TypeError(f"no text rule for {type(block).__name__}")


@functools.cache
def _stream_functions(model, field_name: str) -> dict[str, Callable[[object], str]]:
    stream_block = model._meta.get_field(field_name).stream_block
    return {
        name: block_text_function(child)
        for name, child in stream_block.child_blocks.items()
    }


def stream_blocks(raw: str | list | None) -> list:
    """The blocks of a StreamField as stored (its JSON text or its list)."""
    if not raw:
        return []
    data = json.loads(raw) if isinstance(raw, str) else raw
    if isinstance(data, str):  # stored as a JSON string holding the JSON
        data = json.loads(data) if data else []
    return data if isinstance(data, list) else []


def stream_raw_text(model, field_name: str, data: list) -> str:
    """The text of the stored blocks ``data`` (``stream_blocks``) of the
    StreamField ``field_name`` of ``model``: ``stream_text`` of its value."""
    functions = _stream_functions(model, field_name)
    texts = []
    for item in data:
        text = functions.get(item.get("type"))
        if text is not None:
            found = text(item.get("value"))
            if found:
                texts.append(found)
    return "\n".join(texts)


def attachment_refs(data: list) -> list[tuple[int, str]]:
    """(document id, link text) of the attachment blocks among the stored
    blocks ``data``, in order."""
    found = []
    for item in data:
        if item.get("type") != "attachment":
            continue
        value = item.get("value")
        if not isinstance(value, dict):
            continue
        document = value.get("document")
        if isinstance(document, str) and document.isdigit():
            document = int(document)
        if isinstance(document, int):
            found.append((document, value.get("title") or ""))
    return found
