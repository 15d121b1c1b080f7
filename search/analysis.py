"""Chinese text analysis shared by every search backend.

Chinese has no spaces between words, so text is segmented before it is indexed or
searched: rjieba (jieba's algorithm in Rust) with a dictionary of government terms
(``dictionary.txt``) that must stay whole, such as 一网通办 and 放管服. Document
numbers (发文字号) are also kept whole, in their standard form, so a query typed
with any bracket style finds the document.
"""

from __future__ import annotations

import functools
import itertools
import re
from pathlib import Path

import rjieba

from cms.validators import DOCUMENT_NUMBER_ORGAN_END, DOCUMENT_NUMBER_TAIL

DICTIONARY = Path(__file__).with_name("dictionary.txt")
# A token worth indexing has at least one letter, digit or CJK character.
_WORD = re.compile(r"[\w\u4e00-\u9fff]")


def dictionary_words(path: Path = DICTIONARY) -> list[str]:
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


@functools.cache
def segmenter() -> rjieba.Jieba:
    """One segmenter per process, with the government dictionary loaded."""
    jieba = rjieba.Jieba()
    for word in dictionary_words():
        jieba.add_word(word, None, None)
    return jieba


def document_numbers(text: str) -> list[str]:
    """Document numbers in ``text``, in their standard form (``〔2019〕``).

    In running text nothing marks where the organ code starts (根据辽政办发〔2019〕
    12号), so every ending of the characters before the bracket, from two up to ten
    characters, is a candidate: the real number is among them, and the others are
    harmless tokens that no query produces."""
    found = []
    # What ``DOCUMENT_NUMBER_IN_TEXT.finditer`` finds, looked for from the
    # brackets: the organ code is the longest run of its characters (30 at most)
    # before the bracket, after the previous number.
    after = 0
    for tail in DOCUMENT_NUMBER_TAIL.finditer(text):
        end = tail.start()
        organ = DOCUMENT_NUMBER_ORGAN_END.search(text, max(after, end - 30), end)
        if organ is None:
            continue
        after = tail.end()
        code = organ.group()[-10:]
        suffix = f"〔{tail['year']}〕{int(tail['sequence'])}号"
        found.extend(code[start:] + suffix for start in range(max(len(code) - 1, 1)))
    return found


_BRACKETS = "〔[【［(（〈"
# Tokens already classified: every word seen, and those of them without a letter,
# digit or CJK character (punctuation, spaces). Strings only; the set of words is
# emptied when it grows past a bound, the other stays small.
_SEEN: set[str] = set()
_NOT_WORDS: set[str] = set()
_SEEN_LIMIT = 500_000


def _classify(found: list[str]) -> None:
    fresh = set(found).difference(_SEEN)
    if len(_SEEN) + len(fresh) > _SEEN_LIMIT:
        _SEEN.clear()
    _NOT_WORDS.update(token for token in fresh if not _WORD.search(token))
    _SEEN.update(fresh)


def words(text: str) -> list[str]:
    """The segmenter's words of ``text`` and the shorter words inside them,
    lower-cased, without punctuation (document numbers not added).

    No Python code runs per word: the words are checked against the set of those
    seen before (in C), only new ones are classified, punctuation is dropped by
    ``filterfalse`` and text with capitals is lower-cased by ``str.lower``
    mapped over the words."""
    if not text:
        return []
    found = segmenter().cut_for_search(text)
    if not _SEEN.issuperset(found):
        _classify(found)
    if not _NOT_WORDS.isdisjoint(found):
        found = list(itertools.filterfalse(_NOT_WORDS.__contains__, found))
    if text != text.lower():
        found = list(map(str.lower, found))
    return found


def tokens(text: str) -> list[str]:
    """The search tokens of ``text``: its words and the shorter words inside them
    (so 服务中心 also finds 服务), lower-cased, without punctuation, and every
    document number whole."""
    found = words(text)
    # Every document number has a bracket and ends with 号: most texts skip the scan.
    if "号" in text and any(bracket in text for bracket in _BRACKETS):
        found.extend(document_numbers(text))
    return found


def index_text(text: str) -> str:
    """``text`` as space-separated tokens, for PostgreSQL's ``simple`` configuration
    (which then only splits on spaces and lower-cases)."""
    return " ".join(tokens(text))
