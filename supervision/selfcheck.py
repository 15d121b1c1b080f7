"""Self-check (自查): each site scored against the inspection indicators the
platform can judge, from what supervision already stored (warnings, the last link
check, the last availability probe, the request log's server errors) and the site
registry; each failing item with a link to where it is fixed. Set-based: five
queries for any number of sites."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sites.tenancy import for_sites

from .models import (
    AvailabilityProbe,
    BrokenLink,
    RequestIssueDay,
    SiteWarning,
    WarningKind,
    WarningLevel,
)

# (code, label, veto): the indicators, in the inspection's order.
ITEMS = (
    ("home_page", _("Home page updated within two weeks"), True),
    ("columns", _("Columns updated within the national limits"), True),
    ("empty_columns", _("Fewer than five empty columns"), True),
    ("messages", _("Public messages answered within three months"), True),
    ("deadlines", _("Cases replied within their deadlines"), False),
    ("adoption", _("Adoption reports of closed consultations published"), False),
    ("links", _("No broken links in the last check"), False),
    ("availability", _("Home page available at the last probe"), True),
    ("server_errors", _("No server errors (5xx) on public pages in 7 days"), False),
    ("filing", _("ICP and public security filing numbers in the registry"), False),
)


# The days the request log's server errors are counted over (today included).
SERVER_ERROR_DAYS = 7
# Staff pages are not what the public sees.
NOT_PUBLIC_PATHS = ("/admin/",)


@dataclass
class Failure:
    code: str
    label: str
    veto: bool
    fix_url: str
    detail: str = ""


@dataclass
class SelfCheck:
    site: object
    failures: list[Failure] = field(default_factory=list)

    @property
    def score(self) -> int:
        return round(100 * (len(ITEMS) - len(self.failures)) / len(ITEMS))

    @property
    def vetoed(self) -> bool:
        return any(failure.veto for failure in self.failures)


def _edit(page_id) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page_id]) if page_id else ""


def selfcheck_list(*, sites) -> list[SelfCheck]:
    sites = list(sites)
    labels = {code: (label, veto) for code, label, veto in ITEMS}
    warnings = defaultdict(list)
    for warning in for_sites(SiteWarning, sites).filter(
        level__gte=WarningLevel.OVERDUE
    ):
        warnings[warning.site_id].append(warning)
    broken = dict(
        for_sites(BrokenLink, sites)
        .values("site_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("site_id", "n")
    )
    latest = {
        probe.site_id: probe
        for probe in for_sites(AvailabilityProbe, sites)
        .order_by("site_id", "-checked_at")
        .distinct("site_id")
    }
    server_errors = _server_errors(sites=sites)
    results = []
    for site in sites:
        check = SelfCheck(site=site)

        def fail(code, url, detail="", check=check):
            label, veto = labels[code]
            check.failures.append(Failure(code, str(label), veto, url, detail))

        found = warnings.get(site.pk, [])

        def first(kind, level=None, found=found):
            return next(
                (
                    w
                    for w in found
                    if w.kind == kind and (level is None or w.level == level)
                ),
                None,
            )

        if w := first(WarningKind.HOME_PAGE, WarningLevel.VETO):
            fail("home_page", _edit(w.page_id), w.title)
        if w := first(WarningKind.STALE_COLUMN, WarningLevel.VETO):
            fail("columns", _edit(w.page_id), w.title)
        if w := first(WarningKind.EMPTY_COLUMNS, WarningLevel.VETO):
            fail(
                "empty_columns", reverse("supervision_warnings") + "?kind=empty_column"
            )
        if first(WarningKind.CASES_UNANSWERED, WarningLevel.VETO):
            fail("messages", reverse("interaction_cases:index"))
        if first(WarningKind.CASES_OVERDUE, WarningLevel.OVERDUE):
            fail("deadlines", reverse("interaction_cases:index") + "?flag=overdue")
        if w := first(WarningKind.ADOPTION_REPORT, WarningLevel.OVERDUE):
            fail("adoption", _edit(w.page_id), w.title)
        if broken.get(site.pk):
            fail("links", reverse("supervision_links"), str(broken[site.pk]))
        probe = latest.get(site.pk)
        if probe is not None and not probe.available:
            fail("availability", reverse("supervision_availability"), probe.error)
        if errors := server_errors.get(site.pk):
            fail(
                "server_errors",
                reverse("supervision_availability") + "#failing",
                str(errors),
            )
        if site.missing_filing_numbers:
            fail(
                "filing",
                reverse("govsites_govsite:edit", args=[site.pk]),
                "、".join(site.missing_filing_numbers),
            )
        results.append(check)
    return results


def _server_errors(*, sites) -> dict[int, int]:
    """Answers with a server error (5xx) of each site's public pages in the last
    ``SERVER_ERROR_DAYS`` days, from the request log (one query)."""
    since = timezone.localdate() - datetime.timedelta(days=SERVER_ERROR_DAYS - 1)
    rows = for_sites(RequestIssueDay, sites).filter(day__gte=since, failed__gt=0)
    for prefix in NOT_PUBLIC_PATHS:
        rows = rows.exclude(path__startswith=prefix)
    return dict(
        rows.values("site_id")
        .annotate(n=Sum("failed"))
        .order_by()
        .values_list("site_id", "n")
    )
