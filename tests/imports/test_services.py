"""The import service: placing, publishing, re-running, rejecting, sanitising."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from wagtail.models import Page, Revision

from cms.contentchecks.models import TermAction
from cms.contentchecks.services import TermRow, site_terms_import
from cms.imports.models import ImportedItem
from cms.imports.services import (
    ColumnNotFound,
    Reason,
    Status,
    import_file,
    import_line,
)
from cms.models import (
    ArticlePage,
    ColumnPage,
    InterpretationPage,
    NormativeRegistration,
    PolicyDocumentPage,
)
from sites.tenancy import use_site
from tests.imports.conftest import interpretation, line, news, policy_document

pytestmark = pytest.mark.django_db


def column(site, code):
    return ColumnPage.objects.descendant_of(site.root_page).get(code=code)


def imported_page(outcome):
    return Page.objects.get(pk=outcome.page_id).specific


def test_import_line_publishes_with_the_original_date_in_the_url(site):
    outcome = import_line(site=site, column=None, item=news("n1"))

    assert outcome.status == Status.IMPORTED
    page = imported_page(outcome)
    assert isinstance(page, ArticlePage)
    assert page.live and page.migrated
    assert page.source == "省政府办公厅"
    assert timezone.localtime(page.first_published_at) == timezone.make_aware(
        datetime.datetime(2019, 5, 12)
    )
    # Province portals have no 政务动态 (gzdt) column: news goes to "news".
    assert page.get_parent().specific.code == "news"
    url = page.get_url()
    assert url == f"/news/201905/t20190512_{page.pk}.html"
    response = Client(HTTP_HOST=site.host).get(url)
    assert response.status_code == 200
    assert "全省经济运行稳中向好" in response.content.decode()


def test_kinds_go_to_their_default_columns(site):
    lines = [
        line(**news("n1")),
        line(**news("t1", kind="notice", title="关于端午节放假的通知")),
        line(**policy_document("d1")),
        line(**interpretation("i1", document_external_id="d1")),
    ]
    summary = import_file(site=site, column_code=None, lines=lines)

    assert [outcome.status for _, outcome in summary.lines] == [Status.IMPORTED] * 4
    parents = [
        imported_page(outcome).get_parent().specific for _, outcome in summary.lines
    ]
    assert [parent.code for parent in parents] == ["news", "tzgg", "zcwj", "zcjd"]


def test_named_column_takes_every_item(site):
    lines = [line(**news("n1")), line(**policy_document("d1"))]
    summary = import_file(site=site, column_code="bmdt", lines=lines)

    assert summary.count(Status.IMPORTED) == 2
    for _, outcome in summary.lines:
        assert imported_page(outcome).get_parent().specific.code == "bmdt"


def test_unknown_column_imports_nothing(site):
    with pytest.raises(ColumnNotFound):
        import_file(site=site, column_code="nosuchcolumn", lines=[line(**news("n1"))])
    with use_site(site):
        assert not ImportedItem.objects.exists()
    assert not ArticlePage.objects.descendant_of(site.root_page).exists()


def test_re_running_a_file_changes_nothing(site):
    lines = [
        line(**news("n1")),
        line(**policy_document("d1", normative=True)),
        line(**interpretation("i1", document_external_id="d1")),
    ]
    first = import_file(site=site, column_code=None, lines=lines)
    assert first.count(Status.IMPORTED) == 3
    revisions = Revision.objects.count()
    pages = Page.objects.count()
    registrations = NormativeRegistration.objects.count()

    again = import_file(site=site, column_code=None, lines=lines)

    assert [outcome.status for _, outcome in again.lines] == [Status.UNCHANGED] * 3
    assert [o.page_id for _, o in again.lines] == [o.page_id for _, o in first.lines]
    assert Revision.objects.count() == revisions
    assert Page.objects.count() == pages
    assert NormativeRegistration.objects.count() == registrations


def test_changed_line_updates_the_page_and_keeps_its_date(site):
    first = import_line(site=site, column=None, item=news("n1"))
    page = imported_page(first)
    revisions = page.revisions.count()

    changed = news("n1", title="更正后的标题", published="2020-01-01")
    outcome = import_line(site=site, column=None, item=changed)

    assert outcome.status == Status.UPDATED
    assert outcome.page_id == page.pk
    page.refresh_from_db()
    assert page.title == "更正后的标题"
    assert page.live and not page.has_unpublished_changes
    assert page.revisions.count() == revisions + 1
    assert page.live_revision == page.latest_revision
    assert timezone.localdate(page.first_published_at) == datetime.date(2019, 5, 12)
    assert import_line(site=site, column=None, item=changed).status == (
        Status.UNCHANGED
    )


def test_changed_kind_is_rejected(site):
    import_line(site=site, column=None, item=news("n1"))
    outcome = import_line(
        site=site, column=None, item=interpretation("n1", document_number="x")
    )
    assert outcome.status == Status.REJECTED
    assert outcome.reason == Reason.KIND_CHANGED


def test_good_lines_import_and_each_bad_line_is_reported_with_its_number(site):
    site_terms_import(
        site=site,
        rows=[TermRow("某违禁词")],
        category="sensitive",
        action=TermAction.BLOCK,
    )
    lines = [
        line(**news("good1")),  # 1
        '{"external_id": "broken", "kind": ',  # 2
        line(**{k: v for k, v in news("nodate").items() if k != "published"}),  # 3
        line(**news("video", kind="video")),  # 4
        line(**news("baddate", published="2019-13-45")),  # 5
        line(**policy_document("badnumber", document_number="2019年第12号")),  # 6
        line(**interpretation("orphan", document_external_id="nosuchdoc")),  # 7
        line(**news("blocked", body="<p>文中出现某违禁词。</p>")),  # 8
        line(**news("toolong", source="来" * 101)),  # 9
        "",  # blank lines are skipped
        line(**policy_document("good2")),  # 11
        "[1, 2]",  # 12
        line(**interpretation("byno", document_number="辽政办发〔2019〕12号")),  # 13
    ]
    summary = import_file(site=site, column_code=None, lines=lines)

    assert {number: o.reason for number, o in summary.rejected} == {
        2: Reason.INVALID_JSON,
        3: Reason.MISSING_KEY,
        4: Reason.UNKNOWN_KIND,
        5: Reason.BAD_DATE,
        6: Reason.DOCUMENT_NUMBER,
        7: Reason.DOCUMENT_NOT_FOUND,
        8: Reason.CHECKS,
        9: Reason.INVALID_PAGE,
        12: Reason.NOT_AN_OBJECT,
    }
    assert all(outcome.message for _, outcome in summary.rejected)
    assert "某违禁词" in dict(summary.rejected)[8].message
    assert "published" in dict(summary.rejected)[3].message
    assert [number for number, _ in summary.lines] == [*range(1, 10), 11, 12, 13]
    assert summary.count(Status.IMPORTED) == 3
    with use_site(site):
        assert set(ImportedItem.objects.values_list("external_id", flat=True)) == {
            "good1",
            "good2",
            "byno",
        }
    titles = set(
        Page.objects.descendant_of(site.root_page).values_list("title", flat=True)
    )
    assert "新闻good1" in titles
    assert not {"新闻blocked", "新闻toolong", "政策解读orphan"} & titles


def test_warnings_are_imported_and_reported(site):
    site_terms_import(
        site=site,
        rows=[TermRow("有待商榷", suggestion="待研究")],
        category="other",
        action=TermAction.WARN,
    )
    outcome = import_line(
        site=site, column=None, item=news("w1", body="此事有待商榷。")
    )
    assert outcome.status == Status.IMPORTED
    assert imported_page(outcome).live
    assert any("有待商榷" in warning for warning in outcome.warnings)


def test_a_line_failing_after_its_page_was_added_leaves_nothing(site, monkeypatch):
    original = Revision.publish

    def publish(revision, *args, **kwargs):
        if revision.content["title"] == "新闻late":
            raise ValidationError("late failure")
        return original(revision, *args, **kwargs)

    monkeypatch.setattr(Revision, "publish", publish)
    pages = Page.objects.count()

    outcome = import_line(site=site, column=None, item=news("late"))

    assert outcome.status == Status.REJECTED
    assert outcome.reason == Reason.INVALID_PAGE
    assert Page.objects.count() == pages
    assert not Revision.objects.filter(content__title="新闻late").exists()
    with use_site(site):
        assert not ImportedItem.objects.exists()


def test_html_bodies_are_sanitised(site):
    body = (
        '<div class="TRS_Editor"><p onclick="steal()" style="color:red">第一段'
        '<script>alert("x")</script></p><style>p {color: red}</style>'
        '<p><a href="javascript:alert(1)">坏链接</a> '
        '<a href="https://www.gov.cn/" target="_blank">中国政府网</a> '
        '<a href="/old/relative.html">旧站链接</a></p>'
        "<h2>二级标题</h2><table><tr><td>表格</td></tr></table>"
        '<img src="x.png" onerror="alert(2)"></div>'
    )
    outcome = import_line(site=site, column=None, item=news("h1", body=body))

    page = imported_page(outcome)
    block, table = page.body
    assert block.block_type == "paragraph"
    html = block.value.source
    for removed in ("script", "alert", "onclick", "style", "javascript", "color"):
        assert removed not in html
    for removed in ("<div", "<img", "<h2", "target=", "/old/relative.html"):
        assert removed not in html
    assert '<a href="https://www.gov.cn/">中国政府网</a>' in html
    assert "坏链接" in html and "旧站链接" in html and "二级标题" in html
    assert table.block_type == "table"
    assert table.value["data"] == [["表格"]]
    assert html.startswith("<p>第一段</p>")


def test_plain_text_bodies_become_paragraphs(site):
    body = "第一段，含<尖括号>以外的文字 a < b。\n\n第二段。\n第三段。"
    outcome = import_line(site=site, column=None, item=news("t1", body=body))

    html = imported_page(outcome).body[0].value.source
    assert html == (
        "<p>第一段，含&lt;尖括号&gt;以外的文字 a &lt; b。</p>"
        "<p>第二段。</p><p>第三段。</p>"
    )


def test_body_left_empty_by_sanitising_is_rejected(site):
    outcome = import_line(
        site=site, column=None, item=news("e1", body="<script>x()</script>")
    )
    assert outcome.status == Status.REJECTED
    assert outcome.reason == Reason.EMPTY_BODY


def test_interpretation_is_linked_to_its_document(site):
    summary = import_file(
        site=site,
        column_code=None,
        lines=[
            line(**policy_document("d1")),
            line(**interpretation("i1", document_external_id="d1")),
            line(**interpretation("i2", document_number="辽政办发【2019】12号")),
        ],
    )
    [(_, doc), (_, by_id), (_, by_number)] = summary.lines
    document = imported_page(doc)
    assert isinstance(document, PolicyDocumentPage)
    assert document.document_number == "辽政办发〔2019〕12号"
    assert document.issuing_organ == "辽宁省人民政府办公厅"
    assert document.written_on == datetime.date(2019, 5, 10)
    for outcome in (by_id, by_number):
        page = imported_page(outcome)
        assert isinstance(page, InterpretationPage)
        assert page.document_id == document.pk
    assert {page.pk for page in document.live_interpretations()} == {
        by_id.page_id,
        by_number.page_id,
    }


def test_interpretation_cannot_name_another_sites_document(site, other_site):
    import_line(site=other_site, column=None, item=policy_document("d1"))

    by_id = import_line(
        site=site, column=None, item=interpretation("i1", document_external_id="d1")
    )
    by_number = import_line(
        site=site,
        column=None,
        item=interpretation("i2", document_number="辽政办发〔2019〕12号"),
    )
    assert by_id.reason == Reason.DOCUMENT_NOT_FOUND
    assert by_number.reason == Reason.DOCUMENT_NOT_FOUND


def test_a_migrated_normative_document_keeps_its_year_and_is_not_re_registered(
    site,
):
    """Old normative documents were registered by the old system; the platform's
    registry numbers what is first published here. No interpretation rule either:
    interpretations are imported after their documents."""
    outcome = import_line(
        site=site, column=None, item=policy_document("d1", normative=True)
    )
    assert outcome.status == Status.IMPORTED
    assert outcome.warnings == ()
    document = imported_page(outcome)
    assert not NormativeRegistration.objects.filter(document=document).exists()
    assert document.index_number.startswith(f"{site.code}/2019-")


def test_a_migrated_normative_document_imports_on_a_blocking_site(site):
    from cms.models import PublishingSettings

    settings = PublishingSettings.for_site(site.wagtail_site)
    settings.interpretation_rule = "block"
    settings.save()
    outcome = import_line(
        site=site, column=None, item=policy_document("d1", normative=True)
    )
    assert outcome.status == Status.IMPORTED


def test_future_dates_are_rejected(site):
    next_year = timezone.localdate().year + 1
    outcome = import_line(
        site=site, column=None, item=news("f1", published=f"{next_year}-01-01")
    )
    assert outcome.reason == Reason.BAD_DATE


def test_datetime_with_offset_is_kept(site):
    outcome = import_line(
        site=site, column=None, item=news("z1", published="2019-05-11T20:30:00+00:00")
    )
    page = imported_page(outcome)
    assert page.first_published_at == datetime.datetime(
        2019, 5, 11, 20, 30, tzinfo=datetime.UTC
    )
    # 04:30 on the 12th in Beijing: the address carries the local date.
    assert page.get_url().endswith(f"/201905/t20190512_{page.pk}.html")


def test_checksum_ignores_key_order(site):
    item = news("n1")
    import_line(site=site, column=None, item=item)
    reordered = json.loads(json.dumps(dict(reversed(list(item.items())))))
    assert import_line(site=site, column=None, item=reordered).status == (
        Status.UNCHANGED
    )


def test_titles_lose_old_markup_and_entities(site):
    outcome = import_line(
        site=site,
        column=None,
        item=news(
            "t1", title='<font color="red">关于&ldquo;放管服&rdquo;改革</font>  的通知'
        ),
    )
    assert imported_page(outcome).title == "关于“放管服”改革 的通知"


def test_tables_become_table_blocks_that_survive_editing(site):
    body = (
        "<p>收费标准如下：</p>"
        "<table><tr><th>项目</th><th>标准</th></tr>"
        "<tr><td>工本费</td><td>10元</td></tr>"
        "<tr><td>说明<table><tr><td>内嵌</td></tr></table></td></tr></table>"
        "<p>以上标准自公布之日起执行。</p>"
    )
    page = imported_page(
        import_line(site=site, column=None, item=news("t1", body=body))
    )
    kinds = [block.block_type for block in page.body]
    assert kinds == ["paragraph", "table", "paragraph"]
    table = page.body[1].value
    assert table["data"] == [["项目", "标准"], ["工本费", "10元"], ["说明内嵌", ""]]
    assert table["first_row_is_table_header"]
    from django.test import Client

    html = Client(HTTP_HOST=site.host).get(page.relative_url(site.wagtail_site))
    assert "<th" in html.content.decode() and "10元" in html.content.decode()
