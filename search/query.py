"""A typed query, made ready for every backend: cut into words, each word with the
forms that may stand for it, document numbers whole; and highlighted snippets.

A query word matches when the document has the word, or all the shorter words the
segmenter finds inside it (服务中心 matches 服务 … 中心 in a text segmented as
政务服务中心), or one of its synonyms. Every query word must match (AND).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from django.utils.html import escape

from cms.validators import DOCUMENT_NUMBER_IN_TEXT

from .analysis import _WORD, segmenter

# Queries are cut at this many characters (after trimming), and at this many words;
# longer input is searched by its beginning, never refused.
MAX_QUERY_LENGTH = 50
MAX_QUERY_WORDS = 12
SNIPPET_LENGTH = 120


@dataclasses.dataclass(frozen=True)
class Term:
    """One query word: it matches if any alternative matches, and an alternative
    matches if the document has all its tokens."""

    word: str
    alternatives: tuple[tuple[str, ...], ...]


@dataclasses.dataclass(frozen=True)
class ParsedQuery:
    text: str  # what was searched for, after cleaning and cutting
    terms: tuple[Term, ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def highlight_words(self) -> list[str]:
        words = {
            token for term in self.terms for alt in term.alternatives for token in alt
        }
        return sorted(words, key=len, reverse=True)


def clean(raw: str | None) -> str:
    """Normalised width (full-width Latin and digits become ASCII), control
    characters dropped, spaces collapsed, cut at MAX_QUERY_LENGTH characters."""
    text = unicodedata.normalize("NFKC", raw or "")
    # NFKC turns 〔〕 into brackets; document numbers are recognised in any style.
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH].strip()


def _sub_words(word: str) -> tuple[str, ...]:
    parts = [
        token.lower()
        for token in segmenter().cut_for_search(word)
        if _WORD.search(token) and token.lower() != word
    ]
    # Only the pieces that are not inside a longer piece: 政务服务 → 政务, 服务.
    pieces = [p for p in parts if not any(p != q and p in q for q in parts)]
    return tuple(dict.fromkeys(pieces))


def _alternatives(word: str) -> list[tuple[str, ...]]:
    found = [(word,)]
    pieces = _sub_words(word)
    if len(pieces) > 1:
        found.append(pieces)
    return found


def parse(raw: str | None, synonyms: dict[str, tuple[str, ...]] | None = None):
    """``raw`` as a ParsedQuery; ``synonyms`` maps a word to the words it stands
    for (both ways: see ``search.selectors.synonym_map``)."""
    text = clean(raw)
    synonyms = synonyms or {}
    terms: list[Term] = []
    rest = text
    for match in DOCUMENT_NUMBER_IN_TEXT.finditer(text):
        number = f"{match['organ']}〔{match['year']}〕{int(match['sequence'])}号"
        terms.append(Term(number, ((number,),)))
        rest = rest.replace(match.group(0), " ")
    words = [
        token.lower()
        for token in segmenter().cut(rest)
        if _WORD.search(token) and token.strip()
    ]
    for word in dict.fromkeys(words):
        alternatives = _alternatives(word)
        for synonym in synonyms.get(word, ()):
            alternatives.extend(_alternatives(synonym.lower()))
        terms.append(Term(word, tuple(dict.fromkeys(alternatives))))
    return ParsedQuery(text=text, terms=tuple(terms[:MAX_QUERY_WORDS]))


# -- PostgreSQL tsquery / tsvector literals ------------------------------------


def quote_lexeme(token: str) -> str:
    """A lexeme as a quoted tsquery/tsvector literal: nothing the user typed is
    read as an operator."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(query: ParsedQuery, *, weights: str = "") -> str:
    """The tsquery text of ``query`` (``weights``, e.g. ``"A"``: only in those
    parts of the document)."""
    suffix = f":{weights}" if weights else ""

    def alternative(tokens: tuple[str, ...]) -> str:
        inner = " & ".join(quote_lexeme(t) + suffix for t in tokens)
        return f"( {inner} )" if len(tokens) > 1 else inner

    parts = [
        "( " + " | ".join(alternative(a) for a in term.alternatives) + " )"
        for term in query.terms
    ]
    return " & ".join(parts)


# -- snippets ---------------------------------------------------------------------


def snippet(text: str, words: list[str], length: int = SNIPPET_LENGTH) -> str:
    """Safe HTML: the part of ``text`` around the first query word, query words in
    ``<mark>``."""
    text = " ".join((text or "").split())
    lowered = text.lower()
    positions = [p for p in (lowered.find(w) for w in words if w) if p >= 0]
    start = max(min(positions) - length // 4, 0) if positions else 0
    window = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return prefix + mark(window, words) + suffix


def mark(text: str, words: list[str]) -> str:
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words if w), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)
