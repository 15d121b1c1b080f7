"""Segmentation of Chinese text for search."""

import random

import pytest

from cms.validators import DOCUMENT_NUMBER_IN_TEXT
from search.analysis import (
    DICTIONARY,
    dictionary_words,
    document_numbers,
    index_text,
    tokens,
)


@pytest.mark.parametrize("term", ["一网通办", "放管服", "最多跑一次", "营商环境"])
def test_government_terms_stay_whole(term):
    assert term in tokens(f"深化{term}改革，持续推进")


def test_words_inside_compounds_are_found_too():
    found = tokens("政务服务中心周末不打烊")
    assert {"政务服务中心", "政务", "服务", "中心", "周末"} <= set(found)


def test_punctuation_is_dropped_and_latin_lowercased():
    found = tokens("关于APP上线的通知！（试行）")
    assert "app" in found
    assert not {"！", "（", "）"} & set(found)


@pytest.mark.parametrize(
    "typed",
    [
        "辽政办发〔2019〕12号",
        "辽政办发[2019]12号",
        "辽政办发【2019】12号",
        "辽政办发（2019）12号",
    ],
)
def test_document_numbers_are_one_token_in_standard_form(typed):
    assert document_numbers(typed) == [
        "辽政办发〔2019〕12号",
        "政办发〔2019〕12号",
        "办发〔2019〕12号",
    ]
    assert "辽政办发〔2019〕12号" in document_numbers(f"根据{typed}文件精神")
    assert "辽政办发〔2019〕12号" in tokens(typed)


def test_index_text_is_space_separated_tokens():
    assert index_text("医保报销") == " ".join(tokens("医保报销"))
    assert " " in index_text("医保报销指南")


def test_the_dictionary_has_no_duplicates_or_blank_entries():
    words = dictionary_words()
    assert words and len(words) == len(set(words))
    assert all(word == word.strip() and "#" not in word for word in words)
    assert DICTIONARY.name == "dictionary.txt"


def _numbers_scanned_at_every_character(text: str) -> list[str]:
    """``document_numbers`` as the running-text pattern finds them."""
    found = []
    for match in DOCUMENT_NUMBER_IN_TEXT.finditer(text):
        organ = match["organ"][-10:]
        suffix = f"〔{match['year']}〕{int(match['sequence'])}号"
        found.extend(organ[start:] + suffix for start in range(max(len(organ) - 1, 1)))
    return found


def test_document_numbers_found_from_the_brackets_are_the_patterns_matches():
    # Numbers whole, cut short, run together, spaced out, in long organ names.
    organs = ["辽政办发", "号", "Ab", "国务院办公厅关于印发" * 4, "x", ""]
    opens, closes = "〔[【［(（〈 ", "〕]】］)）〉 "
    years, sequences = ["2019", "１２３４", "201", ""], ["12", "123456", "0", ""]
    rng = random.Random(3)  # noqa: S311 (a fixed sequence of test inputs)
    matched = 0
    for _ in range(30000):
        text = "".join(
            rng.choice(["，", " ", "\n", "根据"])
            + rng.choice(organs)
            + rng.choice([" ", ""]) * rng.randint(0, 2)
            + rng.choice(opens)
            + rng.choice(years)
            + rng.choice(closes)
            + rng.choice(sequences)
            + rng.choice(["号", "", " 号"])
            for _ in range(rng.randint(1, 4))
        )
        expected = _numbers_scanned_at_every_character(text)
        assert document_numbers(text) == expected, text
        matched += bool(expected)
    assert matched > 3000
