"""Plain text from rich text, for matching what a reader would see."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Tags that end a line of text: a term split across two paragraphs is not a term.
_BLOCK_TAGS = frozenset(
    """address article aside blockquote br dd div dl dt figcaption figure footer
    form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td
    tfoot th thead tr ul""".split()
)
_HIDDEN_TAGS = frozenset({"script", "style", "template"})
_LOOKS_LIKE_MARKUP = re.compile(r"<[A-Za-z/!]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """The text of ``html``: tags dropped (inline ones without a trace, block ones
    as a line break), entities decoded, scripts and styles left out."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return re.sub(r"\n{2,}", "\n", "".join(parser.parts)).strip()


def plain_text(value: str) -> str:
    """``value`` as text: converted if it holds markup or entities, else as it is."""
    if _LOOKS_LIKE_MARKUP.search(value):
        return html_to_text(value)
    return value
