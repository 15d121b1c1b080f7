"""The text of stored StreamField JSON and rich text HTML (``search.rawtext``) is
the text ``cms.text`` reads from the values Wagtail makes of them, with
``html_text``'s HTML rule (block ends as line breaks, entities decoded) in place
of ``strip_tags``."""

import random

import pytest
from django.utils.html import strip_tags
from wagtail import blocks

from cms.models import ArticlePage, ConsultationPage
from cms.text import stream_text
from search import rawtext
from search.rawtext import (
    attachment_refs,
    block_text_function,
    html_text,
    parsed_html_text,
    stream_blocks,
    stream_raw_text,
)

EDITOR_HTML = [
    "",
    "纯文本，没有标签",
    "<p>政务服务中心</p>",
    "<p>第一段</p><p>第二段</p>",
    "<h3>标题</h3><ul><li><b>一</b></li><li><i>二</i></li></ul><ol><li>三</li></ol>",
    '<p>见<a linktype="page" id="12">办事指南</a>和<a href="https://x.cn/a?b=1&amp;c=2">链接</a></p>',
    '<p><a linktype="document" id="3">附件</a></p><embed embedtype="image" id="4"/>',
    "<p>R&amp;D &nbsp;空格 &lt;不是标签&gt; &#20013;&#x6587; &quot;引号&quot;</p>",
    "<p title=\"a>b\" data-x='c<d'>属性里的尖括号</p>",
    "<P CLASS=x>大写标签</P><BR><br/><br />",
    "<p>\n换行\r\n与\t制表</p>",
]
ODD_HTML = [
    "a < b 与 c > d",
    "<p>1 < 2</p>",
    "<!-- 注释 --><p>正文</p>",
    "<p>未闭合",
    "<p>半个实体 &amp 与 & 和 &#12 以及 &#xZZ;</p>",
    "<script>if (a<b) x()</script><p>后</p>",
    "<style>p > a {}</style>文字",
    "<<b>script>alert(1)<</b>/script>",
    "<!DOCTYPE html><html><body>全文</body></html>",
    "<?xml version='1.0'?><p>x</p>",
    "<p>标签<b",
    "</ p>空格结束标签<p / >",
    '<a b="未闭合的引号>文字</a>',
    "<a <b>嵌套</a>",
]


@pytest.mark.parametrize("html", EDITOR_HTML + ODD_HTML)
def test_html_text_is_what_the_html_parser_gives(html):
    assert html_text(html) == parsed_html_text(html)
    # Apart from the line breaks and the decoded entities, strip_tags' text.
    if "&" not in html and html in EDITOR_HTML:
        assert html_text(html).replace("\n", "") == strip_tags(html).replace("\n", "")


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>第一段</p><p>第二段</p>", "第一段\n第二段"),
        ("<p>alpha</p><p>beta</p>", "alpha\nbeta"),
        ("<h3>标题</h3><ul><li>一</li><li>二</li></ul>", "标题\n一\n二"),
        ("第一行<br>第二行<BR/>第三行<br />", "第一行\n第二行\n第三行"),
        ("<p>R&amp;D &lt;试行&gt; &#20013;&#x6587;&nbsp;</p>", "R&D <试行> 中文\xa0"),
        ("AT&amp;T", "AT&T"),
        ("<!-- 注释 --><p>甲&amp;乙</p><p>丙</p>", "甲&乙\n丙"),
    ],
)
def test_paragraphs_end_with_a_line_break_and_entities_are_decoded(html, text):
    assert html_text(html) == text


@pytest.mark.parametrize("html", EDITOR_HTML)
def test_editor_html_takes_no_html_parser(html, monkeypatch):
    def refused(value):
        raise AssertionError(f"strip_tags called for {value!r}")

    expected = parsed_html_text(html)
    monkeypatch.setattr(rawtext, "strip_tags", refused)
    assert html_text(html) == expected


def test_html_text_is_what_the_html_parser_gives_for_random_markup():
    pieces = [
        "<p>", "</p>", "<b>", "</b>", '<a href="x">', "</a>", "<br/>", "<", ">",
        "&amp;", "&nbsp;", "&#20013;", "&", "&amp", "<!--", "-->", '"', "'", " ",
        "政务", "服务", "Tab\t", "\n", "<a b='>'>", "<script>", "</script>", "x=1",
    ]  # fmt: skip
    rng = random.Random(17)  # noqa: S311 (a fixed sequence of test inputs)
    tried = 0
    for _ in range(20000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        assert html_text(html) == parsed_html_text(html), html
        tried += "<p>" in html
    assert tried > 1000


def _known_blocks(block, seen):
    seen.append(block)
    if isinstance(block, blocks.StructBlock | blocks.StreamBlock):
        for child in block.child_blocks.values():
            _known_blocks(child, seen)
    return seen


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (ArticlePage, "body"),
        (ArticlePage, "attachments"),
        (ConsultationPage, "draft_attachments"),
    ],
)
def test_every_block_of_the_content_fields_has_a_text_rule(model, field):
    stream_block = model._meta.get_field(field).stream_block
    for block in _known_blocks(stream_block, [])[1:]:
        block_text_function(block)  # raises TypeError for an unknown kind


def test_an_unknown_kind_of_block_is_refused():
    class MapBlock(blocks.Block):
        pass

    with pytest.raises(TypeError):
        block_text_function(MapBlock())


STORED_BODIES = [
    [],
    [{"type": "paragraph", "value": "", "id": "a"}],
    [{"type": "paragraph", "value": None, "id": "a"}],
    [
        {"type": "heading", "value": "一、总体要求", "id": "a"},
        {
            "type": "paragraph",
            "value": "<p>R&amp;D 与 <b>营商</b>环境</p><ul><li>一</li></ul>",
            "id": "b",
        },
        {"type": "quote", "value": "引文 <i>原文</i>", "id": "c"},
        {"type": "removed_block_type", "value": "不再有的块", "id": "d"},
    ],
    [
        {
            "type": "image",
            "value": {"image": 99999, "alt": "替代文字", "caption": "图片说明"},
            "id": "a",
        },
        {"type": "image", "value": {"image": None, "alt": "只有替代文字"}, "id": "b"},
        {"type": "image", "value": {}, "id": "c"},
        {
            "type": "video",
            "value": {"url": "https://v.example.cn/1", "title": "视频标题"},
            "id": "d",
        },
        {
            "type": "attachment",
            "value": {"document": 99999, "title": "附件一"},
            "id": "e",
        },
    ],
    [
        {
            "type": "table",
            "value": {
                "data": [
                    ["项目", "金额", None],
                    ["办公费", 1200, ""],
                    [0, 3.5, "合计"],
                ],
                "first_row_is_table_header": True,
                "table_caption": "表一",
            },
            "id": "a",
        },
        {"type": "table", "value": {"data": None}, "id": "b"},
        {"type": "table", "value": None, "id": "c"},
    ],
]


@pytest.mark.django_db
@pytest.mark.parametrize("stored", STORED_BODIES)
def test_stored_blocks_give_the_text_of_their_stream_value(stored, monkeypatch):
    # cms.text with the search's HTML rule in place of strip_tags.
    monkeypatch.setattr("cms.text.strip_tags", parsed_html_text)
    stream_block = ArticlePage._meta.get_field("body").stream_block
    expected = stream_text(stream_block.to_python(stored))
    assert stream_raw_text(ArticlePage, "body", stored) == expected


def test_stored_streams_are_read_from_their_json():
    assert stream_blocks(None) == []
    assert stream_blocks("") == []
    assert stream_blocks("[]") == []
    stored = '[{"type": "heading", "value": "标题", "id": "a"}]'
    assert stream_blocks(stored) == [{"type": "heading", "value": "标题", "id": "a"}]
    assert stream_blocks('"[{\\"type\\": \\"heading\\"}]"') == [{"type": "heading"}]


def test_attachment_blocks_give_their_document_and_link_text():
    stored = [
        {"type": "attachment", "value": {"document": 7, "title": "链接文字"}},
        {"type": "attachment", "value": {"document": "8"}},
        {"type": "attachment", "value": {"document": None, "title": "已删除"}},
        {"type": "paragraph", "value": "<p>不是附件</p>"},
    ]
    assert attachment_refs(stored) == [(7, "链接文字"), (8, "")]
