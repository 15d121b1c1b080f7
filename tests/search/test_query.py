"""Query parsing: words and their alternatives, document numbers, limits, safe
tsquery literals and snippets."""

import pytest

from search.backends.postgres import vector_literal
from search.query import (
    MAX_QUERY_LENGTH,
    clean,
    mark,
    parse,
    quote_lexeme,
    snippet,
    tsquery,
)


def test_query_words_with_sub_words_and_synonyms():
    parsed = parse("政务服务中心 医保", {"医保": ("医疗保险",)})
    words = [t.word for t in parsed.terms]
    assert words == ["政务服务中心", "医保"]
    first = parsed.terms[0].alternatives
    assert first[0] == ("政务服务中心",) and len(first) == 2
    assert ("医疗保险",) in parsed.terms[1].alternatives


@pytest.mark.parametrize("raw", ["", "   ", "，。！？", "!!!", "\x00\x01"])
def test_punctuation_and_blank_queries_are_empty(raw):
    assert parse(raw).is_empty


def test_queries_are_cut_at_the_limit():
    assert len(clean("政" * 500)) == MAX_QUERY_LENGTH


def test_lexemes_are_quoted_so_nothing_typed_is_an_operator():
    assert quote_lexeme("a'b\\") == "'a''b\\\\'"
    text = tsquery(parse("服务中心 医保"))
    assert text.startswith("( '服务中心' | ( '服务' & '中心' ) ) & ")


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["a & b | !c <-> d:*", "') OR 1=1 --", "\\'x"])
def test_postgresql_reads_every_built_tsquery(raw):
    from django.db import connection

    parsed = parse(raw)
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsquery", [tsquery(parsed)])
        assert cursor.fetchone()[0] is not None


@pytest.mark.django_db
def test_vector_literal_keeps_weights_and_positions():
    from django.db import connection

    literal = vector_literal([("一网通办", "A"), ("一网通办 指南", "D")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector::text", [literal])
        vector = cursor.fetchone()[0]
    # PostgreSQL's own form: one entry a lexeme, D weights left unwritten.
    entries = dict(entry.split(":") for entry in vector.split())
    positions = entries["'一网通办'"].split(",")
    assert positions[0].endswith("A") and positions[1].isdigit()  # D: unwritten
    assert entries["'指南'"].isdigit()


def test_snippets_escape_html_and_mark_words():
    html = snippet("前文<b>粗体</b>一网通办后文", ["一网通办"])
    assert "&lt;b&gt;" in html and "<mark>一网通办</mark>" in html
    assert mark("x", []) == "x"
