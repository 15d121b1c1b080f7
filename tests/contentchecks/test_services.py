"""check_content against the database: what is found, where, and for which site."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import translation

from cms.contentchecks import automata
from cms.contentchecks.models import (
    PlatformTerm,
    SiteTerm,
    TermAction,
    TermCategory,
)
from cms.contentchecks.services import (
    CheckReport,
    Finding,
    TermRow,
    check_content,
    format_findings,
    platform_terms_import,
    site_terms_import,
)
from sites.tenancy import for_sites, use_site
from tests.contentchecks.conftest import platform_term, site_term
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

BEFORE = "各地区各部门要认真贯彻落实党中央决策部署，"  # 20 characters
AFTER = "关于进一步优化营商环境的意见精神。"  # 17 characters


def _terms(findings):
    return [finding.term for finding in findings]


def test_check_content_blocks_with_context_and_suggestion(site):
    platform_term(
        "国务院总里",
        category=TermCategory.OFFICIAL_TITLE,
        suggestion="国务院总理",
    )
    report = check_content(site=site, fields={"正文": BEFORE + "国务院总里" + AFTER})
    assert report.warnings == []
    assert report.blocks == [
        Finding(
            term="国务院总里",
            field="正文",
            context="…" + BEFORE[-15:] + "【国务院总里】" + AFTER[:15] + "…",
            suggestion="国务院总理",
            category=TermCategory.OFFICIAL_TITLE,
            action=TermAction.BLOCK,
            count=1,
        )
    ]
    assert report.has_blocks


def test_check_content_warns_without_blocking(site):
    platform_term("辽宁剩", category=TermCategory.PLACE_NAME, action="warn")
    report = check_content(site=site, fields={"标题": "辽宁剩人民政府"})
    assert report.blocks == []
    (finding,) = report.warnings
    assert (finding.term, finding.field, finding.action) == ("辽宁剩", "标题", "warn")
    # Short text: no ellipsis where nothing was cut.
    assert finding.context == "【辽宁剩】人民政府"
    assert not report.is_clean


def test_check_content_on_clean_text_finds_nothing(site):
    platform_term("国务院总里")
    report = check_content(site=site, fields={"标题": "国务院总理", "正文": ""})
    assert report == CheckReport()
    assert report.is_clean


def test_check_content_looks_at_every_field_by_its_label(site):
    platform_term("机密")
    report = check_content(
        site=site,
        fields={"标题": "通知", "正文": "无", "附件名称": "机密文件.pdf"},
    )
    assert [(f.field, f.term) for f in report.blocks] == [("附件名称", "机密")]


def test_site_terms_apply_to_their_own_site_only(site, other_site):
    site_term(site, "本站禁用词")
    fields = {"正文": "这里有本站禁用词。"}
    assert _terms(check_content(site=site, fields=fields).blocks) == ["本站禁用词"]
    assert check_content(site=other_site, fields=fields).is_clean


def test_platform_terms_apply_to_every_site(site, other_site):
    platform_term("全平台禁用词")
    fields = {"正文": "全平台禁用词"}
    for each in (site, other_site, SiteFactory.child(site, "city")):
        assert _terms(check_content(site=each, fields=fields).blocks) == [
            "全平台禁用词"
        ]


def test_repeated_and_overlapping_matches_are_counted_once_per_term_and_field(site):
    for term in ("辽宁", "宁省", "辽宁省"):
        platform_term(term, action="warn")
    report = check_content(
        site=site, fields={"标题": "辽宁省", "正文": "辽宁省、辽宁省和辽宁"}
    )
    counts = [(f.field, f.term, f.count) for f in report.warnings]
    assert counts == [
        ("标题", "辽宁", 1),
        ("标题", "辽宁省", 1),
        ("标题", "宁省", 1),
        ("正文", "辽宁", 3),
        ("正文", "辽宁省", 2),
        ("正文", "宁省", 2),
    ]


def test_a_term_on_both_lists_is_reported_once_and_the_block_wins(site):
    platform_term("双重词", action="warn", suggestion="平台建议")
    site_term(site, "双重词", action="block", suggestion="站点建议")
    report = check_content(site=site, fields={"正文": "双重词和双重词"})
    assert report.warnings == []
    (finding,) = report.blocks
    assert (finding.count, finding.suggestion) == (2, "站点建议")


def test_a_site_cannot_soften_a_platform_block(site):
    platform_term("平台禁词", action="block")
    site_term(site, "平台禁词", action="warn")
    report = check_content(site=site, fields={"正文": "平台禁词"})
    assert _terms(report.blocks) == ["平台禁词"]
    assert report.warnings == []


def test_inactive_terms_are_not_checked(site):
    platform_term("停用词", is_active=False)
    site_term(site, "站点停用词", is_active=False)
    assert check_content(site=site, fields={"正文": "停用词 站点停用词"}).is_clean


def test_html_is_read_as_the_text_a_reader_sees(site):
    platform_term("辽宁省")
    platform_term("脚本词")
    platform_term("分段词")
    body = (
        "<p>关于<strong>辽</strong>宁省的通知</p>"
        '<p><a href="/脚本词/">链接</a></p><script>脚本词</script>'
        "<p>分段</p><p>词</p>"
    )
    report = check_content(site=site, fields={"正文": body})
    (finding,) = report.blocks
    assert finding.term == "辽宁省"
    assert finding.context == "关于【辽宁省】的通知 链接 分段 词"
    assert "<" not in finding.context


def test_latin_terms_match_whatever_the_case(site):
    platform_term("VPN", action="warn")
    (finding,) = check_content(site=site, fields={"正文": "翻墙vpn软件"}).warnings
    assert finding.context == "翻墙【vpn】软件"


def test_changing_a_term_reaches_the_next_check(site):
    term = platform_term("旧词")
    fields = {"正文": "旧词和新词"}
    assert _terms(check_content(site=site, fields=fields).blocks) == ["旧词"]
    term.term = "新词"
    term.save()
    assert _terms(check_content(site=site, fields=fields).blocks) == ["新词"]
    own = site_term(site, "和")
    assert "和" in _terms(check_content(site=site, fields=fields).blocks)
    with use_site(site):
        own.delete()
    term.delete()
    assert check_content(site=site, fields=fields).is_clean


def test_automata_are_kept_until_another_process_bumps_the_version(site):
    """A change made elsewhere (no signal here) shows once the shared version moves,
    as when another worker saves a term."""
    platform_term("甲词")
    fields = {"正文": "甲词乙词"}
    check_content(site=site, fields=fields)
    PlatformTerm.objects.filter(term="甲词").update(term="乙词")  # no signal
    assert _terms(check_content(site=site, fields=fields).blocks) == ["甲词"]
    cache.set(automata.PLATFORM_VERSION_KEY, "changed-by-another-worker", None)
    assert _terms(check_content(site=site, fields=fields).blocks) == ["乙词"]


def test_a_site_term_change_rebuilds_that_sites_automaton_only(site, other_site):
    platform_term("平台词")
    platform_before, _ = automata.matchers_for(site.pk)
    _, other_before = automata.matchers_for(other_site.pk)
    site_term(site, "站点词")
    platform_after, own = automata.matchers_for(site.pk)
    assert platform_after is platform_before
    assert automata.matchers_for(other_site.pk)[1] is other_before
    assert [entry.term for *_, entry in own.find("站点词")] == ["站点词"]


def test_a_changed_term_is_rebuilt_again_after_commit(
    site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        site_term(site, "提交词")
    assert len(callbacks) == 1
    version = cache.get(automata.SITE_VERSION_KEY.format(site.pk))
    callbacks[0]()
    assert cache.get(automata.SITE_VERSION_KEY.format(site.pk)) != version


def test_duplicate_site_term_is_refused_with_a_message(site, other_site):
    site_term(site, "重复词")
    duplicate = SiteTerm(site=site, term="重复词")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "This site's list already has this term." in str(error.value)
    SiteTerm(site=other_site, term="重复词").full_clean()  # another site: fine


def test_empty_term_is_refused(site):
    with pytest.raises(ValidationError) as error:
        SiteTerm(site=site, term="   ").full_clean()
    assert "term" in error.value.message_dict


def test_platform_terms_are_exempt_from_tenant_scoping_with_a_reason():
    assert PlatformTerm.tenant_scope_exempt
    assert not hasattr(SiteTerm, "tenant_scope_exempt")


def test_format_findings_reads_as_one_line_per_finding(site):
    platform_term(
        "国务院总里",
        category=TermCategory.OFFICIAL_TITLE,
        suggestion="国务院总理",
    )
    platform_term("辽宁剩", action="warn", category=TermCategory.PLACE_NAME)
    report = check_content(
        site=site, fields={"正文": "国务院总里说国务院总里", "标题": "辽宁剩"}
    )
    with translation.override("en"):
        text = format_findings(report.findings)
    assert text.splitlines() == [
        '[Blocked] 正文: "国务院总里" (Wrong official title); 2 occurrences; '
        'use "国务院总理"; context: 【国务院总里】说国务院总里',
        '[Warning] 标题: "辽宁剩" (Wrong place name); context: 【辽宁剩】',
    ]
    assert format_findings([]) == ""


def test_site_terms_import_adds_new_terms_and_skips_listed_ones(site, other_site):
    site_term(site, "已有词")
    result = site_terms_import(
        site=site,
        rows=[TermRow("已有词"), TermRow("新词一", "正确一"), TermRow("新词一")],
        category=TermCategory.NAME,
        action=TermAction.WARN,
    )
    assert (result.created, result.skipped) == (["新词一"], ["已有词", "新词一"])
    new = for_sites(SiteTerm, [site]).get(term="新词一")
    assert (new.suggestion, new.category, new.action) == ("正确一", "name", "warn")
    assert not for_sites(SiteTerm, [other_site]).exists()
    # The import reaches the automaton.
    report = check_content(site=site, fields={"正文": "新词一"})
    assert _terms(report.warnings) == ["新词一"]


def test_platform_terms_import_reaches_every_site(site, other_site):
    check_content(site=site, fields={"正文": "x"})  # an automaton to invalidate
    result = platform_terms_import(
        rows=[TermRow("导入词")], category="sensitive", action="block"
    )
    assert result.created == ["导入词"]
    for each in (site, other_site):
        assert _terms(check_content(site=each, fields={"正文": "导入词"}).blocks) == [
            "导入词"
        ]
