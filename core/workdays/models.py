"""The national working-day calendar: one row per day that differs from the plain
week (a holiday, or a weekend day worked instead), and one row per year saying
whether the State Council notice for that year has been entered."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Adjusted working day")


class CalendarDay(models.Model):
    """A day off on a weekday (放假) or a weekend day worked (调休上班)."""

    tenant_scope_exempt = "national calendar shared by every site"

    date = models.DateField(
        _("date"),
        unique=True,
        error_messages={
            "unique": _(
                "This date is already in the calendar; edit the existing entry."
            )
        },
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(
        _("name"), max_length=50, help_text=_("The holiday it belongs to, e.g. 春节.")
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name} ({self.get_kind_display()})"

    def clean(self) -> None:
        from .services import calendar_day_validate

        calendar_day_validate(day=self.date, kind=self.kind, instance_pk=self.pk)


class CalendarYear(models.Model):
    """Whether a year's holiday arrangements are known for certain."""

    tenant_scope_exempt = "national calendar shared by every site"

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        error_messages={"unique": _("This year is already in the calendar.")},
    )
    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_(
            "Tick once every holiday and adjusted working day of the State "
            "Council notice for this year has been entered."
        ),
    )
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("The notice the days were entered from."),
    )

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        from .services import calendar_year_validate

        calendar_year_validate(confirmed=self.confirmed, source=self.source)
