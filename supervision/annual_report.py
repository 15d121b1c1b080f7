"""The annual report of a government website (政府网站年度报表), in the national
template's order, from the platform's own data for one site and year; what the
platform cannot know is kept as fields the site fills in (``AnnualReport.manual``).
Published as an article in the site's 年度报表 column (made under 政府信息公开 the
first time), regenerated in place; rolled up over a site and the sites below it."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Q, Sum
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
from interaction.models import Case, Comment
from sites.models import GovSite
from sites.tenancy import for_sites, use_site

from .models import AnnualReport, LinkCheck, PageViewDay

COLUMN_CODE = "ndbb"
COLUMN_TITLE = "年度报表"
PARENT_CODE = "xxgk"
# The fields of the national template the platform cannot count.
MANUAL_FIELDS = (
    ("unique_visitors", "独立用户访问总量"),
    ("special_topics", "专栏专题数量"),
    ("services", "政务服务事项数量"),
    ("interviews", "在线访谈期数"),
    ("security_staff", "安全专职人员数量"),
    ("innovation", "创新发展情况"),
)
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
    }


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
    rows += [(label, report.manual.get(key, "")) for key, label in MANUAL_FIELDS]
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
