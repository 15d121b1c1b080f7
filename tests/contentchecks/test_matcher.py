"""The automaton on its own: no database."""

from cms.contentchecks.matcher import Entry, Matcher
from core.text import html_to_text, plain_text


def _found(matcher, text):
    return [(start, end, entry.term) for start, end, entry in matcher.find(text)]


def test_matcher_finds_overlapping_and_repeated_terms():
    matcher = Matcher(Entry(term) for term in ["辽宁", "宁省", "辽宁省"])
    found = _found(matcher, "辽宁省、辽宁省")
    assert sorted(found) == [
        (0, 2, "辽宁"),
        (0, 3, "辽宁省"),
        (1, 3, "宁省"),
        (4, 6, "辽宁"),
        (4, 7, "辽宁省"),
        (5, 7, "宁省"),
    ]


def test_matcher_positions_index_the_original_text():
    matcher = Matcher([Entry("国务院总里")])
    text = "前文国务院总里后文"
    ((start, end, _term),) = _found(matcher, text)
    assert text[start:end] == "国务院总里"


def test_matcher_ignores_the_case_of_latin_letters():
    matcher = Matcher([Entry("VPN")])
    assert _found(matcher, "使用vpn和Vpn") == [(2, 5, "VPN"), (6, 9, "VPN")]


def test_matcher_keeps_every_entry_of_a_term_listed_twice():
    matcher = Matcher([Entry("敏感", "platform"), Entry("敏感", "site")])
    assert [entry.payload for *_, entry in matcher.find("敏感")] == [
        "platform",
        "site",
    ]


def test_an_empty_matcher_finds_nothing():
    matcher = Matcher([])
    assert len(matcher) == 0
    assert list(matcher.find("任何文字")) == []


def test_html_to_text_keeps_inline_text_together_and_splits_blocks():
    html = (
        "<p>关于<b>辽</b>宁省的通知&nbsp;&amp;</p><p>第二段</p>"
        "<script>var a = '国务院总里';</script><style>p{}</style>"
    )
    assert html_to_text(html) == "关于辽宁省的通知\xa0&\n第二段"


def test_plain_text_leaves_text_without_markup_alone():
    assert plain_text("a < b 且 c > d") == "a < b 且 c > d"
    assert plain_text("<p>a</p>") == "a"
