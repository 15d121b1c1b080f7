"""Segmentation of Chinese text for search."""

import pytest

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
