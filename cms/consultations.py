"""The legal clock of consultations (征求意见): the comment period's rules, and who
may take an open consultation down.

The consultation page model calls these rules (``clean``, ``permissions_for_user``),
so they take the page and import no model; the consultations awaiting an adoption
report are a read, ``cms.selectors.consultations_awaiting_report``."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.workdays.services import working_days_between
from sites.selectors import is_platform_admin

from .models.choices import ConsultationKind, ConsultationState
from .readonly import SitePagePermissionTester

# The minimum comment period per kind of draft: (number, unit).
MINIMUM_PERIODS = {
    # 规章制定程序条例: a draft rule is open for comment at least 30 days.
    ConsultationKind.RULE_DRAFT: (30, "days"),
    # 行政规范性文件: at least 7 working days.
    ConsultationKind.NORMATIVE: (7, "working_days"),
    # Normative documents closely tied to businesses' operation: at least 30 days.
    ConsultationKind.NORMATIVE_BUSINESS: (30, "days"),
}


def period_length(*, kind: str, starts_on: datetime.date, ends_on: datetime.date):
    """The period's length in the unit the law counts it in, and that unit."""
    _minimum, unit = MINIMUM_PERIODS.get(kind, (0, "days"))
    if unit == "working_days":
        before_start = starts_on - datetime.timedelta(days=1)
        return working_days_between(before_start, ends_on), unit
    return (ends_on - starts_on).days + 1, unit


def validate(page) -> None:
    """Model validation of a consultation page (called from its ``clean``)."""
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if page.starts_on and page.ends_on:
        if page.ends_on < page.starts_on:
            errors["ends_on"] = [_("The consultation cannot close before it opens.")]
        else:
            _check_minimum(page, errors)
        _check_not_shortened(page, today, errors)
    if page.adoption_report and page.ends_on and today <= page.ends_on:
        errors["adoption_report"] = [
            _(
                "The adoption report is published after the consultation closes "
                "(after %(date)s)."
            )
            % {"date": page.ends_on.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)


def check_not_over(page, today: datetime.date | None = None) -> str:
    """Why ``page`` (a consultation page) cannot go live, or "".

    A consultation that has never been live and whose comment period has already
    ended would be published closed: nobody could comment. One that was live
    (an open consultation being edited, or one brought over from an old site)
    keeps its dates."""
    if not page.ends_on:
        return ""
    if page.migrated or page.first_published_at or page.last_published_at:
        return ""
    today = today or timezone.localdate()
    if page.ends_on >= today:
        return ""
    return _(
        "The comment period ended on %(end)s, before today (%(today)s): a "
        "consultation is published while the public can still comment. Set an end "
        "date from today on."
    ) % {"end": page.ends_on.isoformat(), "today": today.isoformat()}


def _check_minimum(page, errors) -> None:
    if page.kind not in MINIMUM_PERIODS or page.short_period_reason.strip():
        return
    minimum, unit = MINIMUM_PERIODS[page.kind]
    length, unit = period_length(
        kind=page.kind, starts_on=page.starts_on, ends_on=page.ends_on
    )
    if length >= minimum:
        return
    if unit == "working_days":
        message = _(
            "A %(kind)s is open for comment at least %(minimum)s working days; "
            "%(start)s to %(end)s has %(length)s working days (holidays and "
            "weekends do not count). Extend the period or state the reason for a "
            "shorter one."
        )
    else:
        message = _(
            "A %(kind)s is open for comment at least %(minimum)s days; %(start)s to "
            "%(end)s is %(length)s days. Extend the period or state the reason for "
            "a shorter one."
        )
    errors["ends_on"] = [
        message
        % {
            "kind": ConsultationKind(page.kind).label,
            "minimum": minimum,
            "length": length,
            "start": page.starts_on.isoformat(),
            "end": page.ends_on.isoformat(),
        }
    ]


def _check_not_shortened(page, today, errors) -> None:
    """Once comments are open, the published end date may move later, not earlier."""
    if not page.pk:
        return
    published = (
        type(page)
        .objects.filter(pk=page.pk, live=True)
        .values_list("starts_on", "ends_on")
    )
    for starts_on, ends_on in published:
        if starts_on <= today and page.ends_on < ends_on:
            errors.setdefault("ends_on", []).append(
                _(
                    "Comments have been open since %(start)s until %(end)s; a "
                    "consultation cannot be closed before its published end date."
                )
                % {"start": starts_on.isoformat(), "end": ends_on.isoformat()}
            )


def state_label(state: str) -> str:
    return ConsultationState(state).label


class OpenConsultationPermissionTester(SitePagePermissionTester):
    """Taking an open consultation down would close it before its end date: only
    platform admins (``sites.selectors.is_platform_admin``) may, say to withdraw a
    draft published in error."""

    def can_unpublish(self):
        if self.read_only:
            return False
        if self.page.live and self.page.specific.state == ConsultationState.OPEN:
            return is_platform_admin(self.user)
        return super().can_unpublish()
