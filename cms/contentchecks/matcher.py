"""Finding many terms in a text at once: an Aho-Corasick automaton (pyahocorasick).

Pure Python and the C extension, no Django: the benchmark runs it without a
database. One pass over the text finds every occurrence of every term, overlapping
ones included, whatever the number of terms; a loop of ``str.find`` per term costs
a pass per term.

pyahocorasick finds a node's child by scanning the children in turn. Chinese terms
start with thousands of different characters, so the root has thousands of
children, scanned for nearly every character of the text. Terms and text are
therefore spelled out in base 128, three digits per character (enough for every
code point): no node has more than 128 children, and a match must start and end on
a character boundary. ``bench/checks.py`` measures the difference.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick

_DIGITS = 3
_BITS = 7
_MASK = (1 << _BITS) - 1
_SHIFTS = tuple(_BITS * i for i in reversed(range(_DIGITS)))
_FIRST_DIGIT = 0x100  # digits as letters that no lower-casing changes
_BMP = 0x10000


class _Spelling(dict):
    """A ``str.translate`` table: code point → its digits. Filled as characters
    are met (kept for the Basic Multilingual Plane, at most 65,536 entries)."""

    def __missing__(self, codepoint: int) -> str:
        spelled = "".join(chr(_FIRST_DIGIT + (codepoint >> s & _MASK)) for s in _SHIFTS)
        if codepoint < _BMP:
            self[codepoint] = spelled
        return spelled


_SPELLING = _Spelling()


@dataclass(frozen=True)
class Entry:
    """One term to look for and what it stands for (a list row, a test marker)."""

    term: str
    payload: Any = None


def fold(text: str) -> str:
    """Case-insensitive for Latin letters (terms such as "APP"), keeping every
    character's position: a lower-casing that changes the length is not applied."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def _spell(text: str) -> str:
    return fold(text).translate(_SPELLING)


class Matcher:
    """An automaton over a fixed set of terms. Build once, match many texts."""

    def __init__(self, entries: Iterable[Entry]):
        self._automaton = ahocorasick.Automaton()
        count = 0
        for entry in entries:
            if not entry.term:
                continue
            key = _spell(entry.term)
            existing = self._automaton.get(key, None)
            # A term listed twice (after folding) keeps every entry.
            values = (*existing, entry) if existing else (entry,)
            self._automaton.add_word(key, values)
            count += 1
        self.size = count
        if count:
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return self.size

    def find(self, text: str) -> Iterator[tuple[int, int, Entry]]:
        """Every (start, end, entry) in ``text``; overlapping matches included."""
        if not self.size or not text:
            return
        for last_digit, entries in self._automaton.iter(_spell(text)):
            end, misaligned = divmod(last_digit + 1, _DIGITS)
            if misaligned:  # digits of two characters, not a character boundary
                continue
            for entry in entries:
                yield end - len(entry.term), end, entry
