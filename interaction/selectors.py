"""Reads of interaction data; each takes the site, or the sites a user may manage."""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass, replace

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core import versions
from core.workdays import services as workdays
from core.workdays.services import add_working_days
from sites.generation import Kept
from sites.models import GovSite, SiteLevel, SiteStatus
from sites.selectors import rows_of_person, site_of_page_path, sites_for_user
from sites.tenancy import for_sites, use_site

from .crypto import api_key_hash
from .models import (
    ApiClient,
    Case,
    CaseStatus,
    Comment,
    InteractionSettings,
)

OPEN_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.ACCEPTED)
PUBLIC_STATUSES = (CaseStatus.REPLIED, CaseStatus.CLOSED)


def interaction_settings_get(*, site: GovSite) -> InteractionSettings:
    with use_site(site):
        rules, _created = InteractionSettings.objects.get_or_create(site=site)
    return rules


# The stamp of a site's rules (core.versions), moved on when they are saved
# (interaction.apps connects the signal).
RULES_VERSION_KEY = "interaction:rules:{}"


@dataclass(frozen=True)
class ReplyRules:
    """A site's rules for cases as plain values, kept per process; with the
    calendar's stamp to count its working days by (None: not kept)."""

    reply_working_days: int
    warn_working_days: int
    retention_days: int
    calendar_version: str | None = None

    def due_on(self, start: datetime.date) -> datetime.date:
        """The reply deadline of a case received (or sent on) on ``start``."""
        return add_working_days(
            start, self.reply_working_days, calendar_version=self.calendar_version
        )


# (site id, rules stamp) -> ReplyRules without the calendar's stamp.
_kept_rules = Kept(size=4096)


def reply_rules(*, site: GovSite) -> ReplyRules:
    """The site's rules, read from the database once per edit in this process:
    one cache round trip for the stamps of the rules and of the calendar, which
    ``ReplyRules.due_on`` counts by. Without the cache, the database each time."""
    rules_key = RULES_VERSION_KEY.format(site.pk)
    stamps = versions.read(rules_key, workdays.CALENDAR_VERSION_KEY)
    key = f"{site.pk}|{stamps[rules_key]}" if stamps else None
    rules = _kept_rules.get(key) if key else None
    if rules is None:
        row = interaction_settings_get(site=site)
        rules = ReplyRules(
            reply_working_days=row.reply_working_days,
            warn_working_days=row.warn_working_days,
            retention_days=row.retention_days,
        )
        if key:
            _kept_rules.put(key, rules)
    if not stamps:
        return rules
    return replace(rules, calendar_version=stamps[workdays.CALENDAR_VERSION_KEY])


def rules_changed(sender, instance, created=False, **kwargs) -> None:
    """The rules edited (or removed): every process reads them again. A row
    made on first use (``interaction_settings_get``) holds what was kept."""
    if not created:
        versions.move(RULES_VERSION_KEY.format(instance.site_id))


def _hierarchy_of(site: GovSite) -> QuerySet:
    """Every site in ``site``'s province tree (where its cases can travel)."""
    root = site.tree_path.split("/", 1)[0] + "/"
    return GovSite.objects.filter(tree_path__startswith=root).values_list(
        "pk", flat=True
    )


def case_find(*, site: GovSite, tracking_number: str) -> Case | None:
    """The case filed on ``site`` under ``tracking_number``, wherever it is handled."""
    if not tracking_number.startswith(site.code):
        return None
    return (
        for_sites(Case, _hierarchy_of(site))
        .filter(intake_site=site, tracking_number=tracking_number)
        .select_related("site")
        .first()
    )


def transfer_targets(*, site: GovSite, case: Case | None = None) -> QuerySet[GovSite]:
    """Sites a case of ``site`` may go to: up or down its hierarchy, or a department
    site of any level above it; active sites only, never itself. A report about a
    site's own staff never goes to that (intake) site nor to any site below it."""
    ancestor_paths = [
        site.tree_path[: i + 1] for i, ch in enumerate(site.tree_path) if ch == "/"
    ]
    ancestors = Q(tree_path__in=ancestor_paths)
    below = Q(tree_path__startswith=site.tree_path)
    departments = Q(level=SiteLevel.DEPARTMENT, parent__tree_path__in=ancestor_paths)
    targets = (
        GovSite.objects.filter(ancestors | below | departments)
        .exclude(pk=site.pk)
        .exclude(status=SiteStatus.CLOSED)
    )
    if case is not None and case.about_own_staff:
        intake = GovSite.objects.get(pk=case.intake_site_id)
        targets = targets.exclude(pk=intake.pk).exclude(
            tree_path__startswith=intake.tree_path
        )
    return targets.order_by("tree_path")


def deadline_flag(case: Case, today: datetime.date | None = None) -> str:
    """ "overdue", "due_soon" or "" for an open case."""
    return deadline_flags([case], today)[0]


def deadline_flags(cases, today: datetime.date | None = None) -> list[str]:
    """``deadline_flag`` of each of ``cases``, with one query for the warning
    windows of all their sites (and one working-day sum per distinct window), not
    one per case."""
    today = today or timezone.localdate()
    open_cases = [
        c for c in cases if c.status in OPEN_STATUSES and c.due_on is not None
    ]
    site_ids = {c.site_id for c in open_cases if c.due_on >= today}
    default = InteractionSettings._meta.get_field("warn_working_days").default
    windows = (
        dict(
            for_sites(InteractionSettings, site_ids).values_list(
                "site_id", "warn_working_days"
            )
        )
        if site_ids
        else {}
    )
    warn_until: dict[int, datetime.date] = {}
    flags = []
    for case in cases:
        if case.status not in OPEN_STATUSES or case.due_on is None:
            flags.append("")
        elif case.due_on < today:
            flags.append("overdue")
        else:
            window = windows.get(case.site_id, default)
            if window not in warn_until:
                warn_until[window] = add_working_days(today, window)
            flags.append("due_soon" if case.due_on <= warn_until[window] else "")
    return flags


def case_list(
    *,
    sites,
    status: str = "",
    kind: str = "",
    flag: str = "",
    today: datetime.date | None = None,
) -> QuerySet[Case]:
    cases = for_sites(Case, sites).select_related("site", "intake_site")
    if status:
        cases = cases.filter(status=status)
    if kind:
        cases = cases.filter(kind=kind)
    today = today or timezone.localdate()
    if flag == "overdue":
        cases = cases.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    elif flag == "due_soon":
        cases = cases.filter(
            _due_soon(sites, today), status__in=OPEN_STATUSES, due_on__gte=today
        )
    return cases.order_by("due_on", "-submitted_at")


def _due_soon(sites, today: datetime.date) -> Q:
    """Cases within their own site's warning window: one condition per distinct
    window among ``sites`` (sites without settings use the default window)."""
    default = InteractionSettings._meta.get_field("warn_working_days").default
    configured = dict(
        for_sites(InteractionSettings, sites).values_list(
            "site_id", "warn_working_days"
        )
    )
    windows: dict[int, list[int]] = {}
    for site in sites:
        site_id = site.pk if hasattr(site, "pk") else site
        windows.setdefault(configured.get(site_id, default), []).append(site_id)
    condition = Q(pk__in=[])
    for window, ids in windows.items():
        condition |= Q(site_id__in=ids, due_on__lte=add_working_days(today, window))
    return condition


def cases_for_user(user) -> QuerySet[Case]:
    return for_sites(Case, sites_for_user(user)).select_related("site", "intake_site")


def case_get_for_user(*, user, pk: int) -> Case | None:
    return cases_for_user(user).filter(pk=pk).first()


def deadline_counts(*, sites, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    counts = (
        for_sites(Case, sites)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            due_soon=Count("pk", filter=Q(due_on__gte=today) & _due_soon(sites, today)),
            open=Count("pk"),
        )
    )
    return counts


def case_public_list(*, site: GovSite) -> QuerySet[Case]:
    """Replied cases of ``site`` (filed or handled here) whose submitters allowed
    publication; reports about staff never."""
    return (
        for_sites(Case, _hierarchy_of(site))
        .filter(Q(site=site) | Q(intake_site=site))
        .filter(allow_public=True, status__in=PUBLIC_STATUSES, about_own_staff=False)
        .select_related("site")
        .order_by("-replied_at")
    )


def cases_of_user(*, user) -> QuerySet[Case]:
    """A signed-in person's own cases on every site."""
    return rows_of_person(Case, user=user)


def comments_of_user(*, user) -> QuerySet[Comment]:
    """A signed-in person's own comments on every site."""
    return rows_of_person(Comment, user=user)


def comment_list(
    *, site: GovSite, consultation_id: int | None = None, hidden=None, adoption=None
) -> QuerySet[Comment]:
    with use_site(site):
        comments = Comment.objects.filter(site=site)
    if consultation_id is not None:
        comments = comments.filter(consultation_id=consultation_id)
    if hidden is not None:
        comments = comments.filter(hidden=hidden)
    if adoption is not None:
        comments = comments.filter(adoption=adoption)
    return comments


def comment_summary(*, consultation) -> dict:
    """Counts of a consultation's visible comments, by adoption."""
    with use_site(_site_of(consultation)):
        rows = Comment.objects.filter(
            consultation_id=consultation.pk, hidden=False
        ).aggregate(
            total=Count("pk"),
            adopted=Count("pk", filter=Q(adoption="adopted")),
            partly=Count("pk", filter=Q(adoption="partly")),
            not_adopted=Count("pk", filter=Q(adoption="not_adopted")),
        )
    return rows


def comment_public_texts(*, consultation) -> QuerySet[Comment]:
    with use_site(_site_of(consultation)):
        return Comment.objects.filter(
            consultation_id=consultation.pk, hidden=False
        ).order_by("submitted_at")


def _site_of(page) -> GovSite:
    site = site_of_page_path(page.path)
    if site is None:
        raise LookupError(f"page {page.pk} is in no site")
    return site


def api_client_for_key(*, site: GovSite, key: str) -> ApiClient | None:
    """``site``'s active client holding ``key`` (its prefix names the row): a key
    works only on its own site's host."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "gov":
        return None
    client = (
        for_sites(ApiClient, [site])
        .filter(key_prefix=parts[1], active=True)
        .select_related("site")
        .first()
    )

    if client is None or not hmac.compare_digest(client.key_hash, api_key_hash(key)):
        return None
    return client


def api_client_list(*, sites) -> QuerySet[ApiClient]:
    return for_sites(ApiClient, sites).select_related("site").order_by("site", "name")


def case_by_idempotency_key(*, site: GovSite, key: str) -> Case | None:
    """The case filed on ``site`` with this idempotency key (wherever handled)."""
    return (
        for_sites(Case, _hierarchy_of(site))
        .filter(intake_site=site, idempotency_key=key)
        .first()
    )
