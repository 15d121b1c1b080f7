"""Working-day arithmetic on the seeded calendar (2026 confirmed, 2027 provisional)."""

import importlib
import logging
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from core.workdays.models import CalendarDay, CalendarYear, DayKind
from core.workdays.services import (
    add_working_days,
    calendar_day_validate,
    calendar_gaps,
    calendar_year_validate,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db

LOGGER = "core.workdays.services"


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 14), True),  # Saturday, 调休上班 before 春节
        (date(2026, 2, 16), False),  # Monday in 春节
        (date(2026, 2, 21), False),  # Saturday in 春节
        (date(2026, 3, 7), False),  # plain Saturday
        (date(2026, 3, 9), True),  # plain Monday
        (date(2026, 10, 10), True),  # Saturday, 调休上班 after 国庆
    ],
)
def test_is_working_day_follows_weekends_holidays_and_adjusted_days(day, working):
    assert is_working_day(day) is working


def test_add_working_days_over_the_spring_festival_counts_the_adjusted_saturdays():
    # Thu 12 Feb: Fri 13, Sat 14 (调休), 15-23 off, Tue 24 ... Fri 27, Sat 28 (调休).
    assert add_working_days(date(2026, 2, 12), 1) == date(2026, 2, 13)
    assert add_working_days(date(2026, 2, 12), 2) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 12), 7) == date(2026, 2, 28)
    assert add_working_days(date(2026, 2, 12), 8) == date(2026, 3, 2)


def test_add_working_days_over_national_day_counts_the_adjusted_weekend_days():
    # Fri 18 Sep: Sun 20 (调休), 21-24, 中秋 25-27 off, Mon 28, Tue 29, Wed 30,
    # 国庆 1-7 Oct off, Thu 8, Fri 9, Sat 10 (调休), Mon 12.
    assert add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)
    assert add_working_days(date(2026, 9, 18), 7) == date(2026, 9, 29)
    assert add_working_days(date(2026, 9, 18), 9) == date(2026, 10, 8)
    assert add_working_days(date(2026, 9, 18), 11) == date(2026, 10, 10)
    assert add_working_days(date(2026, 9, 18), 12) == date(2026, 10, 12)


def test_seven_working_days_across_labour_day():
    # Wed 29 Apr: Thu 30, 1-5 May off, Wed 6 to Fri 8, Sat 9 (调休), Mon 11, Tue 12.
    assert add_working_days(date(2026, 4, 29), 7) == date(2026, 5, 12)


def test_add_working_days_from_inside_a_holiday_starts_after_it():
    assert add_working_days(date(2026, 10, 3), 1) == date(2026, 10, 8)


def test_add_working_days_in_a_plain_week_skips_the_weekend():
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 2), 5) == date(2026, 3, 9)


def test_add_zero_working_days_is_the_start_and_negative_is_refused():
    assert add_working_days(date(2026, 2, 16), 0) == date(2026, 2, 16)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 2, 16), -1)


def test_add_working_days_loads_the_calendar_once(django_assert_num_queries):
    # One query for the days, one for the years, however far it counts.
    with django_assert_num_queries(2):
        assert add_working_days(date(2026, 2, 12), 7) == date(2026, 2, 28)
    # A year found confirmed is not read again in this process: the days only
    # (every letter's deadline read both before).
    with django_assert_num_queries(1):
        # January 21, February 16, March 22, April 21, May 19: 99 by 31 May.
        assert add_working_days(date(2026, 1, 1), 100) == date(2026, 6, 1)


def test_add_working_days_reads_further_when_a_closure_outlasts_the_window(
    django_assert_max_num_queries,
):
    CalendarDay.objects.bulk_create(
        CalendarDay(date=date(2026, 7, 1) + timedelta(days=n), kind=DayKind.HOLIDAY,
                    name="测试闭馆")
        for n in range(40)
    )  # fmt: skip
    with django_assert_max_num_queries(3):
        # 1 Jul to 9 Aug closed; Mon 10 Aug is the first working day.
        assert add_working_days(date(2026, 6, 30), 1) == date(2026, 8, 10)


def test_working_days_between_counts_the_half_open_interval():
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3
    # February 2026: 20 weekdays, 6 of them 春节, plus Sat 14 and Sat 28.
    assert working_days_between(date(2026, 1, 31), date(2026, 2, 28)) == 16
    # 2026: 261 weekdays, 19 of them holidays, 6 adjusted weekend days.
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31)) == 248
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert working_days_between(date(2026, 3, 10), date(2026, 3, 9)) == 0


@pytest.mark.parametrize(
    "start", [date(2026, 1, 1), date(2026, 2, 13), date(2026, 9, 19), date(2026, 12, 1)]
)
@pytest.mark.parametrize("days", [1, 5, 7, 15, 30])
def test_working_days_between_undoes_add_working_days(start, days):
    assert working_days_between(start, add_working_days(start, days)) == days


def test_an_unconfirmed_year_is_counted_and_warned_about_once(caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        # 2027 has only its provisional statutory holidays: 春节 5-8 Feb (Fri-Mon).
        assert add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 9)
        assert working_days_between(date(2027, 2, 4), date(2027, 2, 12)) == 4
        assert is_working_day(date(2027, 2, 8)) is False
    warnings = [r for r in caplog.records if r.name == LOGGER]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert warnings[0].args == (2027,)
    assert "not confirmed" in warnings[0].getMessage()


def test_a_year_with_no_calendar_is_warned_about_per_year(caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        # From late 2027 into 2028: weekends only in 2028.
        assert add_working_days(date(2027, 12, 30), 3) == date(2028, 1, 4)
    assert sorted(r.args for r in caplog.records if r.name == LOGGER) == [
        (2027,),
        (2028,),
    ]


def test_a_confirmed_year_is_not_warned_about(caplog):
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        add_working_days(date(2026, 2, 12), 7)
        working_days_between(date(2026, 1, 1), date(2026, 12, 31))
        is_working_day(date(2026, 5, 9))
    assert [r for r in caplog.records if r.name == LOGGER] == []


def test_confirming_a_year_stops_the_warning(caplog):
    CalendarYear.objects.filter(year=2027).update(confirmed=True, source="通知")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        add_working_days(date(2027, 2, 4), 1)
    assert [r for r in caplog.records if r.name == LOGGER] == []


def test_calendar_gaps_lists_missing_and_unconfirmed_years():
    assert calendar_gaps(date(2026, 11, 27)) == [2027]
    assert calendar_gaps(date(2027, 3, 1)) == [2027, 2028]
    assert calendar_gaps(date(2025, 6, 1)) == [2025]
    CalendarYear.objects.filter(year=2027).update(confirmed=True, source="通知")
    assert calendar_gaps(date(2026, 11, 27)) == []
    CalendarYear.objects.create(year=2028, confirmed=False, source="")
    assert calendar_gaps(date(2027, 3, 1)) == [2028]


def test_a_date_already_in_the_calendar_is_refused():
    with pytest.raises(ValidationError) as error:
        calendar_day_validate(day=date(2026, 2, 16), kind=DayKind.HOLIDAY)
    assert list(error.value.message_dict) == ["date"]
    assert "2026-02-16" in error.value.message_dict["date"][0]


def test_an_entry_may_keep_its_own_date_when_edited():
    entry = CalendarDay.objects.get(date=date(2026, 2, 16))
    calendar_day_validate(day=entry.date, kind=entry.kind, instance_pk=entry.pk)


def test_an_adjusted_working_day_must_fall_on_a_weekend():
    with pytest.raises(ValidationError) as error:
        calendar_day_validate(day=date(2026, 7, 1), kind=DayKind.WORKDAY)
    assert list(error.value.message_dict) == ["kind"]
    assert "2026-07-01" in error.value.message_dict["kind"][0]
    calendar_day_validate(day=date(2026, 7, 4), kind=DayKind.WORKDAY)


def test_a_holiday_on_a_weekend_is_allowed():
    calendar_day_validate(day=date(2026, 7, 4), kind=DayKind.HOLIDAY)


def test_a_year_is_confirmed_only_with_its_source():
    with pytest.raises(ValidationError) as error:
        calendar_year_validate(confirmed=True, source="  ")
    assert list(error.value.message_dict) == ["source"]
    calendar_year_validate(confirmed=False, source="")
    calendar_year_validate(confirmed=True, source="国务院办公厅通知")


def _seed_migration():
    return importlib.import_module("core.workdays.migrations.0002_seed_2026_2027")


def test_the_seed_holds_the_2026_notice_and_the_2027_statutory_holidays():
    assert list(CalendarYear.objects.values_list("year", "confirmed")) == [
        (2026, True),
        (2027, False),
    ]
    assert "2026" in CalendarYear.objects.get(year=2026).source
    workdays_2026 = CalendarDay.objects.filter(
        kind=DayKind.WORKDAY, date__year=2026
    ).values_list("date", flat=True)
    assert sorted(workdays_2026) == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    assert (
        CalendarDay.objects.filter(date__year=2026, kind=DayKind.HOLIDAY).count() == 33
    )
    assert not CalendarDay.objects.filter(
        date__year=2027, kind=DayKind.WORKDAY
    ).exists()
    assert list(
        CalendarDay.objects.filter(name="春节", date__year=2027).values_list(
            "date", flat=True
        )
    ) == [date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8)]
    assert CalendarDay.objects.filter(date__year=2027).count() == 13


def test_the_seed_migration_reverses_and_reapplies():
    migration = _seed_migration()
    migration.unseed(apps, None)
    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()
    migration.seed(apps, None)
    assert CalendarDay.objects.count() == 39 + 13
    assert CalendarYear.objects.count() == 2
