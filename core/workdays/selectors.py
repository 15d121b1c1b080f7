"""Reads of the calendar for its admin."""

from __future__ import annotations

from .models import CalendarDay, CalendarYear


def calendar_year_choices() -> list[tuple[int, int]]:
    """Every year that has a calendar row or a day, newest first."""
    years = {day.year for day in CalendarDay.objects.dates("date", "year")}
    years.update(CalendarYear.objects.values_list("year", flat=True))
    return [(year, year) for year in sorted(years, reverse=True)]
