"""The annual report of a government website (政府网站年度报表), in the national
template's order, from the platform's own data for one site and year; what the
platform cannot know is kept as fields the site fills in (``AnnualReport.manual``).
Published as an article in the site's 年度报表 column (made under 政府信息公开 the
first time), regenerated in place; rolled up over a site and the sites below it."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Page

from cms.models import (
    ArticlePage,
    ColumnPage,
    ConsultationPage,
    InterpretationPage,
    PolicyDocumentPage,
)
from cms.models.choices import InterpretationForm, SubjectCategory, Validity
from interaction.models import Case, Comment
from sites.models import GovSite
from sites.tenancy import for_sites, use_site

from .models import AnnualReport, LinkCheck, PageViewDay

COLUMN_CODE = "ndbb"
COLUMN_TITLE = "年度报表"
PARENT_CODE = "xxgk"
# The fields of the national template the platform cannot count, filled in by the
# site (the admin's form, ``annual_report_fill``): key, the template's wording, and
# what it holds ("number", "yesno" or "text").
MANUAL_FIELDS = (
    ("unique_visitors", "独立用户访问总量", "number"),
    ("special_topics", "专栏专题数量", "number"),
    ("services", "政务服务事项数量", "number"),
    ("interviews", "在线访谈期数", "number"),
    ("problems_fixed", "问题整改数量", "number"),
    ("security_staff", "安全专职人员数量", "number"),
    ("security_monitoring", "是否建立安全监测预警机制", "yesno"),
    ("emergency_drill", "是否开展应急演练", "yesno"),
    ("security_owner", "是否明确网站安全责任人", "yesno"),
    ("new_media", "移动新媒体（名称）", "text"),
    ("innovation", "创新发展情况", "text"),
)
TEXT_MAX = 2000
# (key, label) in the template's order; the numbers are summed in a roll-up.
NUMBERS = (
    ("page_views", "网站总访问量"),
    ("items", "信息发布总数"),
    ("articles", "其中：概况类、政务动态信息"),
    ("policy_documents", "其中：信息公开目录（政策文件）"),
    ("interpretations", "解读回应：解读信息发布数"),
    ("consultations", "征集调查期数"),
    ("consultations_reported", "公布调查结果期数"),
    ("comments", "收到意见数量"),
    ("columns", "栏目数量"),
    ("cases_received", "留言办理：收到留言数量"),
    ("cases_replied", "办结留言数量"),
    ("cases_on_time", "按期办结数量"),
    ("link_checks", "安全检测评估次数"),
    ("broken_links", "发现问题数量"),
)


def _bounds(year: int):
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1))


def annual_figures(*, site: GovSite, year: int) -> dict:
    start, end = _bounds(year)
    home = site.root_page
    types = ContentType.objects.get_for_models(
        ArticlePage, PolicyDocumentPage, InterpretationPage, ConsultationPage
    )
    published = Page.objects.filter(
        path__startswith=home.path,
        live=True,
        first_published_at__gte=start,
        first_published_at__lt=end,
    )
    by_type = dict(
        published.filter(content_type__in=types.values())
        .values("content_type")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("content_type", "n")
    )
    consultations = ConsultationPage.objects.live().filter(
        path__startswith=home.path,
        ends_on__gte=datetime.date(year, 1, 1),
        ends_on__lte=datetime.date(year, 12, 31),
    )
    cases = for_sites(Case, [site]).filter(
        submitted_at__gte=start, submitted_at__lt=end
    )
    case_counts = cases.aggregate(
        received=Count("pk"),
        replied=Count("pk", filter=Q(replied_at__isnull=False)),
    )
    on_time = sum(
        1
        for replied_at, due_on in cases.filter(
            replied_at__isnull=False, due_on__isnull=False
        ).values_list("replied_at", "due_on")
        if timezone.localdate(replied_at) <= due_on
    )
    views = (
        for_sites(PageViewDay, [site])
        .filter(day__year=year)
        .aggregate(total=Sum("views"))["total"]
    )
    checks = for_sites(LinkCheck, [site]).filter(
        started_at__gte=start, started_at__lt=end
    )
    numbers = {
        "page_views": views or 0,
        "items": sum(by_type.values()),
        "articles": by_type.get(types[ArticlePage].pk, 0),
        "policy_documents": by_type.get(types[PolicyDocumentPage].pk, 0),
        "interpretations": by_type.get(types[InterpretationPage].pk, 0),
        "consultations": consultations.count(),
        "consultations_reported": consultations.exclude(adoption_report="").count(),
        "comments": for_sites(Comment, [site])
        .filter(submitted_at__gte=start, submitted_at__lt=end, hidden=False)
        .count(),
        "columns": ColumnPage.objects.live().descendant_of(home).count(),
        "cases_received": case_counts["received"],
        "cases_replied": case_counts["replied"],
        "cases_on_time": on_time,
        "link_checks": checks.count(),
        "broken_links": checks.aggregate(n=Sum("broken"))["n"] or 0,
    }
    return {
        "site_name": site.name,
        "site_code": site.code,
        "home_url": f"http://{site.public_netloc}/",
        "organiser": site.organiser,
        "icp_number": site.icp_number,
        "public_security_number": site.public_security_number,
        "year": year,
        "numbers": numbers,
        "disclosure": disclosure_figures(site=site, year=year),
    }


def manual_display(manual: dict, key: str, kind: str) -> str:
    value = manual.get(key)
    if value is None or value == "":
        return ""
    if kind == "yesno":
        return "是" if value else "否"
    return str(value)


# -- 政府信息公开工作年度报告: the tables the platform's documents fill -------------

DOCUMENT_KINDS = (
    ("normative", "行政规范性文件"),
    ("other", "其他政策文件"),
)
DOCUMENT_COLUMNS = (
    ("issued", "本年制发件数"),
    ("repealed", "本年废止件数"),
    ("in_force", "现行有效件数"),
    ("interpreted", "本年制发已解读件数"),
    ("interpretations", "本年制发文件的解读数"),
)
TOTAL_LABEL = "合计"
IN_FORCE = (Validity.IN_FORCE, Validity.AMENDED)
REPEALED = (Validity.REPEALED, Validity.EXPIRED)


def disclosure_figures(*, site: GovSite, year: int) -> dict:
    """The tables of the site's 政府信息公开工作年度报告 that the platform's own
    documents fill: policy documents by kind (issued in ``year`` by their date
    written, repealed or expired in ``year``, in force at its end, and how many
    of those issued have interpretations, with the interpretations counted),
    interpretations published in ``year`` by form, documents issued by subject
    category. Live pages of the site only; keys, not labels (labels are shown)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    start, end = _bounds(year)
    documents = PolicyDocumentPage.objects.live().filter(
        path__startswith=site.root_page.path
    )
    live_interpretations = InterpretationPage.objects.live().filter(
        document_id=OuterRef("pk")
    )
    issued_in_year = Q(written_on__gte=first, written_on__lte=last)
    by_kind = (
        documents.annotate(
            n_interpretations=Subquery(
                live_interpretations.order_by()
                .values("document_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            )
        )
        .values("is_normative")
        .annotate(
            issued=Count("pk", filter=issued_in_year),
            repealed=Count(
                "pk",
                filter=Q(
                    validity__in=REPEALED,
                    validity_changed_on__gte=first,
                    validity_changed_on__lte=last,
                ),
            ),
            in_force=Count(
                "pk",
                filter=Q(written_on__lte=last)
                & (
                    Q(validity__in=IN_FORCE)
                    | Q(validity_changed_on__gt=last)
                    | Q(validity_changed_on__isnull=True)
                ),
            ),
            interpreted=Count("pk", filter=issued_in_year & Q(n_interpretations__gt=0)),
            interpretations=Sum("n_interpretations", filter=issued_in_year),
        )
        .order_by()
    )
    rows = {
        key: dict.fromkeys((c for c, _l in DOCUMENT_COLUMNS), 0)
        for key, _ in DOCUMENT_KINDS
    }
    for row in by_kind:
        kind = "normative" if row["is_normative"] else "other"
        for column, _label in DOCUMENT_COLUMNS:
            rows[kind][column] = row[column] or 0
    forms = dict(
        InterpretationPage.objects.live()
        .filter(
            path__startswith=site.root_page.path,
            first_published_at__gte=start,
            first_published_at__lt=end,
        )
        .values("form")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("form", "n")
    )
    subjects = dict(
        documents.filter(issued_in_year)
        .values("subject_category")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("subject_category", "n")
    )
    return {
        "documents": rows,
        "interpretation_forms": {
            form: forms.get(form, 0) for form in InterpretationForm.values
        },
        "subjects": {
            category: subjects[category]
            for category in SubjectCategory.values
            if subjects.get(category)
        },
    }


def disclosure_tables(disclosure: dict) -> list[dict]:
    """``disclosure_figures`` as tables to show and export: a title, the column
    headings and the rows (label first), totals included."""
    documents = disclosure.get("documents", {})
    kind_rows = [
        [label, *(documents.get(key, {}).get(c, 0) for c, _l in DOCUMENT_COLUMNS)]
        for key, label in DOCUMENT_KINDS
    ]
    totals = [
        TOTAL_LABEL,
        *(sum(column) for column in list(zip(*kind_rows, strict=True))[1:]),
    ]
    forms = disclosure.get("interpretation_forms", {})
    form_rows = [
        [str(InterpretationForm(form).label), forms.get(form, 0)]
        for form in InterpretationForm.values
    ]
    subjects = disclosure.get("subjects", {})
    subject_rows = [
        [str(SubjectCategory(category).label), count]
        for category, count in subjects.items()
        if category in SubjectCategory.values
    ]
    return [
        {
            "title": "主动公开政府信息情况：政策文件",
            "headings": ["文件类别", *(label for _c, label in DOCUMENT_COLUMNS)],
            "rows": [*kind_rows, totals],
        },
        {
            "title": "政策解读：本年发布的解读信息（按形式）",
            "headings": ["解读形式", "数量"],
            "rows": [*form_rows, [TOTAL_LABEL, sum(r[1] for r in form_rows)]],
        },
        {
            "title": "本年制发的政策文件（按主题分类）",
            "headings": ["主题分类", "件数"],
            "rows": [*subject_rows, [TOTAL_LABEL, sum(r[1] for r in subject_rows)]],
        },
    ]


def _column(site: GovSite) -> ColumnPage:
    home = site.root_page
    column = ColumnPage.objects.descendant_of(home).filter(code=COLUMN_CODE).first()
    if column is not None:
        return column
    parent = (
        ColumnPage.objects.descendant_of(home).filter(code=PARENT_CODE).first() or home
    )
    column = ColumnPage(
        title=COLUMN_TITLE,
        slug=COLUMN_CODE,
        code=COLUMN_CODE,
        kind="list",
        update_period_days=365,
        show_in_menus=True,
    )
    parent.add_child(instance=column)
    column.save_revision().publish()
    return column


def _html(report: AnnualReport) -> str:
    figures = report.figures
    rows = [
        ("网站名称", figures["site_name"]),
        ("首页网址", figures["home_url"]),
        ("主办单位", figures["organiser"]),
        ("网站标识码", figures["site_code"]),
        ("ICP备案号", figures["icp_number"]),
        ("公安机关备案号", figures["public_security_number"]),
    ]
    rows += [(label, figures["numbers"][key]) for key, label in NUMBERS]
    rows += [
        (label, manual_display(report.manual, key, kind))
        for key, label, kind in MANUAL_FIELDS
    ]
    cells = "".join(
        f"<p><b>{escape(label)}</b>：{escape(str(value))}</p>" for label, value in rows
    )
    return f"<p>{figures['year']}年度政府网站工作年度报表</p>{cells}"


@transaction.atomic
def annual_report_generate(*, site: GovSite, year: int) -> AnnualReport:
    """Compute the site's report for ``year``, store it and publish (or update)
    its page; the fields filled in by the site are kept."""
    figures = annual_figures(site=site, year=year)
    with use_site(site):
        report = AnnualReport.objects.filter(site=site, year=year).first()
        if report is None:
            report = AnnualReport(site=site, year=year)
        report.figures = figures
        report.generated_at = timezone.now()
        report.save()
    page = report.page.specific if report.page_id else None
    title = f"{site.name}{year}年政府网站年度报表"
    body = [("paragraph", _html(report))]
    if page is None:
        page = ArticlePage(title=title, body=body, live=False)
        _column(site).add_child(instance=page)
    else:
        page.title = title
        page.body = body
    page.save_revision().publish()
    page.refresh_from_db()
    with use_site(site):
        AnnualReport.objects.filter(pk=report.pk).update(page=page)
    report.page = page
    return report


def annual_report_rollup(*, site: GovSite, year: int) -> dict:
    """The numbers of the reports of ``site`` and every site below it, summed."""
    below = GovSite.objects.filter(tree_path__startswith=site.tree_path)
    totals = {key: 0 for key, _label in NUMBERS}
    reports = for_sites(AnnualReport, below).filter(year=year)
    for report in reports:
        for key in totals:
            totals[key] += report.figures.get("numbers", {}).get(key, 0)
    return {"sites": reports.count(), "numbers": totals}


@transaction.atomic
def annual_report_fill(*, site: GovSite, year: int, manual: dict) -> AnnualReport:
    """Keep what the site filled in for ``year`` (the fields of ``MANUAL_FIELDS``
    only), then generate and publish its report again with them. Sending the same
    values twice gives the same report and page."""
    known = {key for key, _label, _kind in MANUAL_FIELDS}
    values = {key: value for key, value in manual.items() if key in known}
    with use_site(site):
        report = AnnualReport.objects.filter(site=site, year=year).first()
        if report is None:
            AnnualReport.objects.create(
                site=site, year=year, manual=values, generated_at=timezone.now()
            )
        else:
            AnnualReport.objects.filter(pk=report.pk).update(manual=values)
    return annual_report_generate(site=site, year=year)


def annual_report_get(*, site: GovSite, year: int) -> AnnualReport | None:
    with use_site(site):
        return AnnualReport.objects.filter(site=site, year=year).first()


def rollup_rows(*, site: GovSite, year: int, visible) -> dict:
    """The roll-up of ``site`` for ``year`` as the admin shows it: the site and
    each site below it that ``visible`` (the viewer's sites) holds, with its
    report's numbers (None when not generated), subtotals per level and the
    total over the generated reports."""
    below = list(
        visible.filter(tree_path__startswith=site.tree_path).order_by("tree_path")
    )
    reports = {
        report.site_id: report
        for report in for_sites(AnnualReport, below).filter(year=year)
    }
    keys = [key for key, _label in NUMBERS]
    rows, by_level = [], {}
    total = dict.fromkeys(keys, 0)
    for each in below:
        report = reports.get(each.pk)
        numbers = report.figures.get("numbers", {}) if report else None
        rows.append({"site": each, "report": report, "numbers": numbers})
        if numbers is None:
            continue
        level = by_level.setdefault(
            each.level,
            {"level": each.get_level_display(), "sites": 0, **dict.fromkeys(keys, 0)},
        )
        level["sites"] += 1
        for key in keys:
            level[key] += numbers.get(key, 0)
            total[key] += numbers.get(key, 0)
    return {
        "rows": rows,
        "levels": list(by_level.values()),
        "total": total,
        "generated": len(reports),
    }
