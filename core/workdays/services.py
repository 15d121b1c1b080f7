"""Working-day arithmetic on the national calendar, and the checks its admin uses.

A day is a working day when it is a weekday that is not a holiday, or a weekend day
marked as an adjusted working day (调休上班). Deadlines (办理时限, consultation
periods) are counted with ``add_working_days`` and ``working_days_between``.

A year whose State Council notice has not been entered is still counted (weekends
plus whatever days exist) but logged once per process, and ``calendar_gaps`` lists
it for the admin dashboard.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import date, timedelta

from core import versions
from sites.generation import Kept

from .models import SATURDAY, CalendarDay, CalendarYear, DayKind

logger = logging.getLogger(__name__)

# The stamp of the calendar's days (core.versions): moved on whenever a day is
# entered, changed or removed (core.workdays.apps connects the signals).
CALENDAR_VERSION_KEY = "workdays:calendar:version"
# stamp -> {date: kind} of the whole calendar as this process read it under
# that stamp: dates and strings, a few dozen rows a year.
_kept_calendar = Kept(size=2)

ONE_DAY = timedelta(days=1)

# Years already warned about in this process, so a busy deadline loop logs once;
# and years found confirmed (a notice once entered stays: no query per deadline).
_warned_years: set[int] = set()
_confirmed_years: set[int] = set()
_warned_lock = threading.Lock()


def _is_weekend(day: date) -> bool:
    return day.weekday() >= SATURDAY


def _overrides(first: date, last: date) -> dict[date, str]:
    """The kind of every calendar day in [first, last], in one query."""
    return dict(
        CalendarDay.objects.filter(date__range=(first, last)).values_list(
            "date", "kind"
        )
    )


def _is_working(day: date, overrides: dict[date, str]) -> bool:
    kind = overrides.get(day)
    if kind == DayKind.HOLIDAY:
        return False
    if kind == DayKind.WORKDAY:
        return True
    return not _is_weekend(day)


def _warn_if_unconfirmed(years: Iterable[int]) -> None:
    """Log once per process for each of ``years`` whose notice is not entered."""
    pending = set(years) - _warned_years - _confirmed_years
    if not pending:
        return
    confirmed = set(
        CalendarYear.objects.filter(year__in=pending, confirmed=True).values_list(
            "year", flat=True
        )
    )
    _confirmed_years.update(confirmed)
    for year in sorted(pending - confirmed):
        with _warned_lock:
            if year in _warned_years:
                continue
            _warned_years.add(year)
        logger.warning(
            "working-day calendar for %s is not confirmed: counting weekends and "
            "the days entered so far until the State Council notice is entered",
            year,
        )


def _window(working_days: int) -> timedelta:
    """Calendar days that usually hold ``working_days`` working days, with room
    for the longest holiday (春节, 8 or 9 days off)."""
    return timedelta(days=working_days * 7 // 5 + 21)


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day on the national calendar."""
    working = _is_working(day, _overrides(day, day))
    _warn_if_unconfirmed([day.year])
    return working


def calendar_changed(**kwargs) -> None:
    """A calendar day entered, changed or removed: every process reads the
    calendar again for its next deadline counted with a stamp."""
    versions.move(CALENDAR_VERSION_KEY)


def _kept_days(version: str) -> dict[date, str]:
    """Every calendar day's kind, read once per calendar stamp in this process."""
    days = _kept_calendar.get(version)
    if days is None:
        days = dict(CalendarDay.objects.values_list("date", "kind"))
        _kept_calendar.put(version, days)
    return days


def add_working_days(
    start: date, days: int, *, calendar_version: str | None = None
) -> date:
    """The date ``days`` working days after ``start`` (``start`` is not counted).

    ``add_working_days(d, 0)`` is ``d``. Loads the calendar for a window at once:
    one query for the days (a second only if a window falls short), one for the
    years. With ``calendar_version`` (the stamp at ``CALENDAR_VERSION_KEY``, read
    by the caller with its own), the calendar this process keeps under that
    stamp: no query once it is kept.
    """
    if days < 0:
        raise ValueError(f"days must not be negative, got {days}")
    if days == 0:
        return start
    remaining = days
    first = start + ONE_DAY
    first_year = first.year
    kept = _kept_days(calendar_version) if calendar_version else None
    while True:
        last = first + _window(remaining)
        overrides = kept if kept is not None else _overrides(first, last)
        day = first
        while day <= last:
            if _is_working(day, overrides):
                remaining -= 1
                if remaining == 0:
                    _warn_if_unconfirmed(range(first_year, day.year + 1))
                    return day
            day += ONE_DAY
        first = last + ONE_DAY


def working_days_between(start: date, end: date) -> int:
    """How many working days lie in (start, end]; 0 when ``end`` is not after
    ``start``. ``working_days_between(d, add_working_days(d, n)) == n``."""
    if end <= start:
        return 0
    first = start + ONE_DAY
    overrides = _overrides(first, end)
    count = sum(
        _is_working(first + timedelta(days=offset), overrides)
        for offset in range((end - first).days + 1)
    )
    _warn_if_unconfirmed(range(first.year, end.year + 1))
    return count


def calendar_gaps(today: date) -> list[int]:
    """The years (``today``'s and the next) with no confirmed calendar."""
    years = [today.year, today.year + 1]
    confirmed = set(
        CalendarYear.objects.filter(year__in=years, confirmed=True).values_list(
            "year", flat=True
        )
    )
    return [year for year in years if year not in confirmed]


def calendar_day_validate(
    *, day: date | None, kind: str, instance_pk: int | None = None
) -> None:
    """Refuse a date already in the calendar and a working day "adjusted" onto a
    weekday (``CalendarDay.clean``)."""
    CalendarDay(pk=instance_pk, date=day, kind=kind).clean()


def calendar_year_validate(*, confirmed: bool, source: str) -> None:
    """A year is confirmed only with the notice it was entered from
    (``CalendarYear.clean``)."""
    CalendarYear(confirmed=confirmed, source=source).clean()
