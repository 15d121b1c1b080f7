"""The national working-day calendar: one row per day that differs from the plain
week (a holiday, or a weekend day worked instead), and one row per year saying
whether the State Council notice for that year has been entered."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SATURDAY = 5  # date.weekday(): Monday is 0


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
        """Refuse a date already in the calendar and a working day "adjusted" onto
        a weekday (it is one already). A holiday on a weekend is allowed: notices
        list whole holiday periods, weekends included."""
        day, kind, instance_pk = self.date, self.kind, self.pk
        if day is None:
            return
        errors: dict[str, list[str]] = {}
        existing = CalendarDay.objects.filter(date=day)
        if instance_pk is not None:
            existing = existing.exclude(pk=instance_pk)
        entry = existing.first()
        if entry is not None:
            errors["date"] = [
                gettext(
                    "%(date)s is already in the calendar (%(kind)s, %(name)s); "
                    "edit that entry instead."
                )
                % {
                    "date": day.isoformat(),
                    "kind": entry.get_kind_display(),
                    "name": entry.name,
                }
            ]
        if kind == DayKind.WORKDAY and day.weekday() < SATURDAY:
            errors["kind"] = [
                gettext(
                    "%(date)s is a %(weekday)s, a working day anyway; only a Saturday "
                    "or Sunday can be an adjusted working day."
                )
                % {"date": day.isoformat(), "weekday": date_format(day, "l")}
            ]
        if errors:
            raise ValidationError(errors)


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
        """A year is confirmed only with the notice it was entered from."""
        if self.confirmed and not self.source.strip():
            raise ValidationError(
                {"source": [gettext("Name the notice the days were entered from.")]}
            )
