"""A site's reply rules and the working-day calendar are read from the database
once per edit in a process, not per letter; an edit is seen on the next letter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.workdays.models import CalendarDay, DayKind
from core.workdays.services import add_working_days
from interaction import services

from .conftest import file_case

pytestmark = pytest.mark.django_db

_RULES_AND_CALENDAR = ('"interaction_interactionsettings"', '"workdays_calendarday"')


def _letter(site):
    with CaptureQueriesContext(connection) as queries:
        case, _code = file_case(site)
    return case, [q["sql"] for q in queries.captured_queries]


def _reads_rules_or_calendar(sqls) -> bool:
    return any(table in sql for sql in sqls for table in _RULES_AND_CALENDAR)


def test_a_second_letter_reads_no_rules_and_sees_an_edit(county):
    today = timezone.localdate()
    services.interaction_settings_update(site=county, reply_working_days=15)
    first, first_sqls = _letter(county)
    second, second_sqls = _letter(county)

    assert _reads_rules_or_calendar(first_sqls)
    assert not _reads_rules_or_calendar(second_sqls)
    assert len(second_sqls) < len(first_sqls)
    assert first.due_on == second.due_on == add_working_days(today, 15)

    # The rules edited: the next letter counts the new deadline.
    services.interaction_settings_update(site=county, reply_working_days=5)
    third, _sqls = _letter(county)
    assert third.due_on == add_working_days(today, 5)

    # A working day made a holiday: the next letter's deadline moves past it.
    day = add_working_days(today, 1)
    CalendarDay.objects.update_or_create(
        date=day, defaults={"kind": DayKind.HOLIDAY, "name": "临时放假"}
    )
    fourth, fourth_sqls = _letter(county)
    assert _reads_rules_or_calendar(fourth_sqls)
    assert fourth.due_on == add_working_days(today, 5) != third.due_on
