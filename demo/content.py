"""Demo content for the demo sites: every page type, published the way the
platform publishes (revisions, registration numbers, index numbers).

Used by ``seed_demo`` only; a site that already has content is left alone."""

from __future__ import annotations

import datetime

from django.utils import timezone

from cms.models import (
    ArticlePage,
    ColumnPage,
    ConsultationPage,
    ContentPage,
    HomePage,
    InterpretationPage,
    PolicyDocumentPage,
)
from cms.models.site_pages import ColumnKind

NEWS_COLUMNS = ("zwyw", "gzdt")
# Demo news and notices, newest first; {short} is the site's short name.
NEWS = [
    (
        "{short}召开优化营商环境工作推进会",
        "会议总结了{short}“放管服”改革进展，部署深化“一网通办”“最多跑一次”改革，"
        "要求各部门压缩办理时限、减少申报材料。",
    ),
    (
        "{short}政务服务中心推出“周末不打烊”服务",
        "自本月起，政务服务中心综合窗口周六上午正常办理社保、医保、不动产登记"
        "等高频事项，方便上班族办事。",
    ),
    (
        "{short}部署安全生产大检查工作",
        "会议要求各地区各部门压实安全生产责任，聚焦重点行业领域开展隐患排查整治。",
    ),
    (
        "{short}推进“高效办成一件事”改革",
        "新生儿出生、企业开办、退休等一批“一件事”实现一次申请、一网通办。",
    ),
    (
        "{short}召开政府常务会议研究稳就业工作",
        "会议研究部署高校毕业生、农民工等重点群体就业工作，审议通过相关措施。",
    ),
    (
        "{short}开展政务公开日活动",
        "活动邀请市民代表走进政府部门，面对面了解政策、反映诉求。",
    ),
]
NOTICES = [
    (
        "{short}关于2027年元旦放假安排的通知",
        "根据国务院办公厅通知精神，现将2027年元旦放假安排通知如下。",
    ),
    (
        "{short}关于公开招聘事业单位工作人员的公告",
        "根据工作需要，经研究决定，面向社会公开招聘事业单位工作人员。",
    ),
    (
        "{short}关于开展政府网站用户满意度调查的通知",
        "为提升政府网站服务水平，现开展网站用户满意度调查，欢迎社会各界参与。",
    ),
    (
        "{short}关于政务服务大厅临时调整办公时间的公告",
        "因系统升级，政务服务大厅本周五下午暂停办理业务，网上办理不受影响。",
    ),
]
# The service entrances of every demo home page: the province's other platforms.
ENTRANCES = [
    ("个人办事", "https://zwfw.ln.example.cn/personal/", "service"),
    ("法人办事", "https://zwfw.ln.example.cn/legal/", "service"),
    ("12345热线", "https://12345.ln.example.cn/", "hotline"),
    ("公共资源交易", "https://ggzy.ln.example.cn/", "trading"),
    ("政府信息公开平台", "https://xxgk.ln.example.cn/", "disclosure"),
    ("“我为政府网站找错”", "https://zfwzzc.example.cn/", "mail"),
]


def _column(site, *, codes=(), kind=None) -> ColumnPage | None:
    columns = ColumnPage.objects.descendant_of(site.root_page)
    for code in codes:
        found = columns.filter(code=code).first()
        if found is not None:
            return found
    if kind is not None:
        return columns.filter(kind=kind).order_by("path").first()
    return None


def _publish(parent: ColumnPage, page: ContentPage) -> ContentPage:
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _paragraphs(*texts: str) -> list:
    return [("paragraph", f"<p>{text}</p>") for text in texts]


def has_content(site) -> bool:
    return (
        ArticlePage.objects.descendant_of(site.root_page).exists()
        or PolicyDocumentPage.objects.descendant_of(site.root_page).exists()
    )


def seed_site_content(site, *, full: bool) -> int:
    """Publish demo pages on ``site``; ``full`` adds policy documents with their
    interpretation and consultations (one open, one closed with its report)."""
    if has_content(site):
        return 0
    made = 0
    news = _column(site, codes=NEWS_COLUMNS)
    notices = _column(site, codes=("tzgg",))
    short = site.short_name or site.name
    now = timezone.now()
    if news is not None:
        for n, (title, text) in enumerate(NEWS):
            _publish(
                news,
                ArticlePage(
                    title=title.format(short=short),
                    source=site.name,
                    first_published_at=now - datetime.timedelta(days=2 * n),
                    body=_paragraphs(
                        text.format(short=short),
                        "下一步，将持续推进政务服务标准化、规范化、便利化。",
                    ),
                ),
            )
            made += 1
    if notices is not None:
        for n, (title, text) in enumerate(NOTICES):
            _publish(
                notices,
                ArticlePage(
                    title=title.format(short=short),
                    source=site.name,
                    first_published_at=now - datetime.timedelta(days=3 * n + 1),
                    body=_paragraphs(text),
                ),
            )
            made += 1
    if full:
        made += _seed_policy(site)
        made += _seed_consultations(site)
    return made


def seed_home_sections(site) -> bool:
    """Give the site's home page what a site admin would put on it: headlines from
    its news column, the latest notices and policy documents, service entrances.
    A home page that already has sections is left as its admins set it."""
    home = HomePage.objects.get(pk=site.wagtail_site.root_page_id)
    if home.sections:
        return False
    news = _column(site, codes=NEWS_COLUMNS)
    sections = []
    if news is not None:
        sections.append(
            ("headlines", {"title": news.title, "column": news, "count": 6})
        )
    for column in (
        _column(site, codes=("tzgg",)),
        _column(site, kind=ColumnKind.POLICY),
    ):
        if column is not None:
            sections.append(("column", {"column": column, "count": 6}))
    sections.append(
        (
            "entrances",
            {
                "title": "办事服务",
                "entrances": [
                    {"title": title, "url": url, "icon": icon}
                    for title, url, icon in ENTRANCES
                ],
            },
        )
    )
    home.sections = sections
    home.save_revision().publish()
    return True


def _seed_policy(site) -> int:
    documents = _column(site, kind=ColumnKind.POLICY)
    interpretations = _column(site, kind=ColumnKind.INTERPRETATION)
    if documents is None or interpretations is None:
        return 0
    organ = f"{site.name}办公室" if site.level != "department" else site.name
    old = _publish(
        documents,
        PolicyDocumentPage(
            title=f"{site.name}关于优化营商环境的若干意见",
            issuing_organ=organ,
            document_number="辽政办发〔2019〕12号",
            written_on=datetime.date(2019, 5, 10),
            subject_category="commerce",
            is_normative=True,
            body=_paragraphs("为进一步优化营商环境，提出如下意见。"),
        ),
    )
    new = _publish(
        documents,
        PolicyDocumentPage(
            title=f"{site.name}关于进一步优化营商环境的若干措施",
            issuing_organ=organ,
            document_number="辽政办发〔2026〕5号",
            written_on=datetime.date(2026, 3, 2),
            subject_category="commerce",
            is_normative=True,
            body=_paragraphs(
                "一、推行涉企事项“一网通办”。",
                "二、压缩工程建设项目审批时限。",
                "三、本措施自印发之日起施行，有效期5年。",
            ),
        ),
    )
    _publish(
        interpretations,
        InterpretationPage(
            title=f"一图读懂《{site.name}关于进一步优化营商环境的若干措施》",
            document=new,
            source=organ,
            body=_paragraphs("《若干措施》共三条，聚焦企业办事堵点难点。"),
        ),
    )
    old.validity = "repealed"
    old.validity_changed_on = datetime.date(2026, 3, 2)
    old.superseded_by = new
    old.save_revision().publish()
    return 3


def _seed_consultations(site) -> int:
    column = _column(site, kind=ColumnKind.CONSULTATION)
    if column is None:
        return 0
    today = timezone.localdate()
    short = site.short_name or site.name
    _publish(
        column,
        ConsultationPage(
            title=f"关于《{short}促进民营经济发展若干规定（草案）》公开征求意见的公告",
            kind="normative_business",
            starts_on=today - datetime.timedelta(days=5),
            ends_on=today + datetime.timedelta(days=25),
            draft="<p>第一条 为促进民营经济健康发展，制定本规定。</p>",
            explanation="<p>起草背景和主要内容说明。</p>",
            how_to_comment="<p>请在本页面提交意见，或发送电子邮件。</p>",
        ),
    )
    closed = ConsultationPage(
        title=f"关于《{short}城市供水管理办法（修订草案）》公开征求意见的公告",
        kind="normative",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today - datetime.timedelta(days=30),
        draft="<p>第一条 为加强城市供水管理，制定本办法。</p>",
        how_to_comment="<p>请在本页面提交意见。</p>",
    )
    _publish(column, closed)
    closed.adoption_report = (
        "<p>征求意见期间共收到意见建议23条，采纳9条，部分采纳5条，"
        "未采纳9条（主要涉及上位法已有规定的事项）。</p>"
    )
    closed.save_revision().publish()
    return 2
