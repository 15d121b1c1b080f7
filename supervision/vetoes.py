"""Veto early warnings (单项否决预警), computed for many sites at once.

The national inspection of government websites vetoes a site outright for a home
page not updated for two weeks, news columns silent for two weeks, notice and
policy columns silent for six months, five or more empty columns and public
messages unanswered for three months. ``findings_compute`` reads the platform's
own data and says, per site and column, how close each site is: a warning at
three quarters of a threshold (``NOTICE``), ``OVERDUE`` past the column's own
update period, ``VETO`` past the national threshold.

Set-based: a handful of queries whatever the number of sites (the columns, one
aggregate of their items, the open consultations, one aggregate of cases), then
work in Python per row; never a query per site or per column.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Length, Substr
from django.utils import timezone
from wagtail.models import Page

from cms.models import (
    ArticlePage,
    ColumnKind,
    ColumnPage,
    ConsultationPage,
    InterpretationPage,
    PolicyDocumentPage,
)
from core.workdays.services import add_working_days
from interaction.models import Case, InteractionSettings
from interaction.selectors import OPEN_STATUSES
from sites.models import GovSite, SiteStatus
from sites.tenancy import all_sites

from .models import WarningKind, WarningLevel

# The national thresholds (国办《政府网站与政务新媒体检查指标》), in days.
HOME_PAGE_DAYS = 14
NEWS_DAYS = 14
NOTICE_POLICY_DAYS = 183
EMPTY_COLUMNS_VETO = 5
UNANSWERED_DAYS = 90
# Not a national veto: how long a closed consultation may wait for its adoption
# report (意见采纳情况) before it counts as overdue.
ADOPTION_REPORT_DAYS = 30
# A warning shows at this share of a threshold, before the veto.
WARN_SHARE = 0.75

# Which columns the national news and notice/policy thresholds apply to: the
# column codes of the standard column templates (sites/column_templates/) for
# 要闻/动态 and 通知公告, and every policy or interpretation column.
NEWS_CODES = frozenset({"zwyw", "gzdt"})
NOTICE_CODES = frozenset({"tzgg"})
POLICY_KINDS = frozenset({ColumnKind.POLICY, ColumnKind.INTERPRETATION})
# Columns that hold no pages of their own (links out, the case channels) are
# never "empty".
NOT_CONTENT_KINDS = frozenset({ColumnKind.LINK, ColumnKind.INTERACTION})

CONTENT_MODELS = (ArticlePage, PolicyDocumentPage, InterpretationPage, ConsultationPage)


@dataclass
class Finding:
    site_id: int
    kind: str
    level: int
    subject: str = ""
    page_id: int | None = None
    title: str = ""
    last_update: datetime.date | None = None
    days_since: int | None = None
    threshold_days: int | None = None
    days_left: int | None = None
    count: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def warn_at(threshold: int) -> int:
    """The day a warning starts for ``threshold`` (three quarters of it)."""
    return math.ceil(threshold * WARN_SHARE)


def national_threshold(*, code: str, kind: str) -> int | None:
    """The national inspection's threshold for a column, or None."""
    if code in NEWS_CODES:
        return NEWS_DAYS
    if code in NOTICE_CODES or kind in POLICY_KINDS:
        return NOTICE_POLICY_DAYS
    return None


def stale_level(
    *, days: int, own: int | None, national: int | None
) -> tuple[int, int] | None:
    """(level, threshold) of a column ``days`` after its last update, or None.

    Past the national threshold: a veto; past the column's own update period: an
    overdue column; from three quarters of the nearer of the two: a warning. A
    column with neither (no update period, not a national category) is never
    stale."""
    thresholds = [t for t in (own, national) if t]
    if not thresholds:
        return None
    if national and days >= national:
        return WarningLevel.VETO, national
    if own and days >= own:
        return WarningLevel.OVERDUE, own
    nearest = min(thresholds)
    if days >= warn_at(nearest):
        return WarningLevel.NOTICE, nearest
    return None


# -- reading -----------------------------------------------------------------------


@dataclass
class _Site:
    pk: int
    home_id: int
    home_path: str
    home_title: str
    home_published: datetime.datetime | None


def _sites(site_ids) -> list[_Site]:
    sites = GovSite.objects.filter(status=SiteStatus.ACTIVE)
    if site_ids is not None:
        sites = sites.filter(pk__in=list(site_ids))
    return [
        _Site(*row)
        for row in sites.values_list(
            "pk",
            "wagtail_site__root_page_id",
            "wagtail_site__root_page__path",
            "wagtail_site__root_page__title",
            "wagtail_site__root_page__last_published_at",
        )
    ]


def _under(sites: list[_Site], every_site: bool) -> Q:
    """Pages under the sites' home pages (no condition for every site)."""
    if every_site:
        return Q()
    condition = Q(pk__in=[])
    for site in sites:
        condition |= Q(path__startswith=site.home_path)
    return condition


class _SiteOfPath:
    """Maps a page path to the site whose home page it is under."""

    def __init__(self, sites: list[_Site]) -> None:
        self.by_path = {site.home_path: site for site in sites}
        self.lengths = sorted({len(path) for path in self.by_path})

    def __call__(self, path: str) -> _Site | None:
        for length in self.lengths:
            site = self.by_path.get(path[:length])
            if site is not None:
                return site
        return None


def _day(moment) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


# -- computing ---------------------------------------------------------------------


def findings_compute(
    *, today: datetime.date | None = None, site_ids=None
) -> list[Finding]:
    """Every warning of the active sites (of ``site_ids`` only, if given)."""
    today = today or timezone.localdate()
    sites = _sites(site_ids)
    if not sites:
        return []
    every_site = site_ids is None
    site_of = _SiteOfPath(sites)
    findings: list[Finding] = []
    findings += _column_findings(sites, site_of, every_site, today)
    findings += _consultation_findings(sites, site_of, every_site, today)
    findings += _case_findings(sites, today)
    return findings


def _column_findings(sites, site_of, every_site, today) -> list[Finding]:
    under = _under(sites, every_site)
    columns = list(
        ColumnPage.objects.live()
        .filter(under)
        .order_by("path")
        .values_list("pk", "path", "title", "code", "kind", "update_period_days")
    )
    content_types = ContentType.objects.get_for_models(*CONTENT_MODELS).values()
    steplen = Page.steplen
    items = (
        Page.objects.filter(under, live=True, content_type__in=content_types)
        .annotate(parent_path=Substr("path", 1, Length("path") - steplen))
        .values("parent_path")
        .annotate(last=Max("first_published_at"), n=Count("pk"))
        .values_list("parent_path", "last", "n")
    )
    own_items = {path: (last, n) for path, last, n in items}

    # A column's last update counts its subcolumns' items too (bottom-up: the
    # columns are sorted by path, so children come after their parent).
    latest: dict[str, datetime.datetime | None] = {}
    has_children: set[str] = set()
    for _pk, path, *_ in columns:
        latest[path] = own_items.get(path, (None, 0))[0]
        has_children.add(path[:-steplen])
    for _pk, path, *_ in reversed(columns):
        parent = path[:-steplen]
        if parent in latest and latest[path] is not None:
            if latest[parent] is None or latest[path] > latest[parent]:
                latest[parent] = latest[path]

    findings: list[Finding] = []
    empty: dict[int, int] = defaultdict(int)
    site_latest: dict[int, datetime.datetime] = {}
    for pk, path, title, code, kind, own in columns:
        site = site_of(path)
        if site is None:
            continue
        last = latest[path]
        if last is not None and (
            site.pk not in site_latest or last > site_latest[site.pk]
        ):
            site_latest[site.pk] = last
        count = own_items.get(path, (None, 0))[1]
        if path not in has_children and kind not in NOT_CONTENT_KINDS and not count:
            empty[site.pk] += 1
            findings.append(
                Finding(
                    site_id=site.pk,
                    kind=WarningKind.EMPTY_COLUMN,
                    level=WarningLevel.NOTICE,
                    subject=str(pk),
                    page_id=pk,
                    title=title,
                    count=0,
                )
            )
            continue
        if last is None:
            continue
        days = (today - _day(last)).days
        judged = stale_level(
            days=days, own=own, national=national_threshold(code=code, kind=kind)
        )
        if judged is None:
            continue
        level, threshold = judged
        findings.append(
            Finding(
                site_id=site.pk,
                kind=WarningKind.STALE_COLUMN,
                level=level,
                subject=str(pk),
                page_id=pk,
                title=title,
                last_update=_day(last),
                days_since=days,
                threshold_days=threshold,
                days_left=threshold - days,
            )
        )

    for site in sites:
        count = empty.get(site.pk, 0)
        if count >= warn_at(EMPTY_COLUMNS_VETO):
            findings.append(
                Finding(
                    site_id=site.pk,
                    kind=WarningKind.EMPTY_COLUMNS,
                    level=WarningLevel.VETO
                    if count >= EMPTY_COLUMNS_VETO
                    else WarningLevel.NOTICE,
                    threshold_days=None,
                    count=count,
                    days_left=None,
                )
            )
        # The home page shows the latest items: it is as fresh as the newest item
        # of the site, or its own last publication.
        moments = [m for m in (site.home_published, site_latest.get(site.pk)) if m]
        if not moments:
            continue
        last = max(moments)
        days = (today - _day(last)).days
        if days >= warn_at(HOME_PAGE_DAYS):
            findings.append(
                Finding(
                    site_id=site.pk,
                    kind=WarningKind.HOME_PAGE,
                    level=WarningLevel.VETO
                    if days >= HOME_PAGE_DAYS
                    else WarningLevel.NOTICE,
                    page_id=site.home_id,
                    title=site.home_title,
                    last_update=_day(last),
                    days_since=days,
                    threshold_days=HOME_PAGE_DAYS,
                    days_left=HOME_PAGE_DAYS - days,
                )
            )
    return findings


def _consultation_findings(sites, site_of, every_site, today) -> list[Finding]:
    closed = (
        ConsultationPage.objects.live()
        .filter(_under(sites, every_site), ends_on__lt=today, adoption_report="")
        .values_list("pk", "path", "title", "ends_on")
    )
    findings = []
    for pk, path, title, ends_on in closed:
        site = site_of(path)
        if site is None:
            continue
        days = (today - ends_on).days
        findings.append(
            Finding(
                site_id=site.pk,
                kind=WarningKind.ADOPTION_REPORT,
                level=WarningLevel.OVERDUE
                if days >= ADOPTION_REPORT_DAYS
                else WarningLevel.NOTICE,
                subject=str(pk),
                page_id=pk,
                title=title,
                last_update=ends_on,
                days_since=days,
                threshold_days=ADOPTION_REPORT_DAYS,
                days_left=ADOPTION_REPORT_DAYS - days,
            )
        )
    return findings


def _due_soon(site_ids: list[int], today: datetime.date) -> Q:
    """Open cases within their site's warning window (working days before the
    deadline): one condition per distinct window, as interaction's listing."""
    default = InteractionSettings._meta.get_field("warn_working_days").default
    with all_sites():
        configured = dict(
            InteractionSettings.objects.filter(site_id__in=site_ids).values_list(
                "site_id", "warn_working_days"
            )
        )
    windows: dict[int, list[int]] = defaultdict(list)
    for site_id in site_ids:
        windows[configured.get(site_id, default)].append(site_id)
    condition = Q(pk__in=[])
    for window, ids in windows.items():
        condition |= Q(site_id__in=ids, due_on__lte=add_working_days(today, window))
    return condition


def _case_findings(sites, today) -> list[Finding]:
    site_ids = [site.pk for site in sites]
    start_of_today = timezone.make_aware(
        datetime.datetime.combine(today, datetime.time.min)
    )
    veto_before = start_of_today - datetime.timedelta(days=UNANSWERED_DAYS - 1)
    warn_before = start_of_today - datetime.timedelta(days=warn_at(UNANSWERED_DAYS) - 1)
    with all_sites():
        rows = (
            Case.objects.filter(site_id__in=site_ids, status__in=OPEN_STATUSES)
            .values("site_id")
            .annotate(
                overdue=Count("pk", filter=Q(due_on__lt=today)),
                first_missed=Min("due_on", filter=Q(due_on__lt=today)),
                due_soon=Count(
                    "pk", filter=Q(due_on__gte=today) & _due_soon(site_ids, today)
                ),
                next_due=Min("due_on", filter=Q(due_on__gte=today)),
                unanswered_veto=Count("pk", filter=Q(submitted_at__lt=veto_before)),
                unanswered_warn=Count("pk", filter=Q(submitted_at__lt=warn_before)),
                oldest=Min("submitted_at"),
            )
            .order_by()
        )
        rows = list(rows)
    findings = []
    for row in rows:
        site_id = row["site_id"]
        if row["overdue"]:
            days = (today - row["first_missed"]).days
            findings.append(
                Finding(
                    site_id=site_id,
                    kind=WarningKind.CASES_OVERDUE,
                    level=WarningLevel.OVERDUE,
                    last_update=row["first_missed"],
                    days_since=days,
                    days_left=-days,
                    count=row["overdue"],
                )
            )
        elif row["due_soon"]:
            findings.append(
                Finding(
                    site_id=site_id,
                    kind=WarningKind.CASES_OVERDUE,
                    level=WarningLevel.NOTICE,
                    last_update=row["next_due"],
                    days_left=(row["next_due"] - today).days,
                    count=row["due_soon"],
                )
            )
        if row["unanswered_warn"]:
            days = (today - _day(row["oldest"])).days
            veto = bool(row["unanswered_veto"])
            findings.append(
                Finding(
                    site_id=site_id,
                    kind=WarningKind.CASES_UNANSWERED,
                    level=WarningLevel.VETO if veto else WarningLevel.NOTICE,
                    last_update=_day(row["oldest"]),
                    days_since=days,
                    threshold_days=UNANSWERED_DAYS,
                    days_left=UNANSWERED_DAYS - days,
                    count=row["unanswered_veto"] if veto else row["unanswered_warn"],
                )
            )
    return findings
