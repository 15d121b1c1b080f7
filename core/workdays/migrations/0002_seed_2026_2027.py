"""Seed the calendar: 2026 from the State Council notice, 2027 provisionally.

2026 is confirmed: 国务院办公厅关于2026年部分节假日安排的通知, holidays and the
adjusted working weekends. 2027's notice is not out, so only the statutory
holidays of 全国年节及纪念日放假办法 (as in force from 2025) are entered and the year
stays unconfirmed until platform admins enter the notice.
"""

from datetime import date, timedelta

from django.db import migrations

NOTICE_2026 = "国务院办公厅关于2026年部分节假日安排的通知"
PROVISIONAL_2027 = (
    "暂定：仅按2025年起施行的《全国年节及纪念日放假办法》录入法定节假日，"
    "国务院办公厅2027年部分节假日安排的通知发布后补录调休并确认"
)

# (name, first day off, last day off, adjusted working days)
HOLIDAYS_2026 = [
    ("元旦", date(2026, 1, 1), date(2026, 1, 3), [date(2026, 1, 4)]),
    (
        "春节",
        date(2026, 2, 15),
        date(2026, 2, 23),
        [date(2026, 2, 14), date(2026, 2, 28)],
    ),
    ("清明节", date(2026, 4, 4), date(2026, 4, 6), []),
    ("劳动节", date(2026, 5, 1), date(2026, 5, 5), [date(2026, 5, 9)]),
    ("端午节", date(2026, 6, 19), date(2026, 6, 21), []),
    ("中秋节", date(2026, 9, 25), date(2026, 9, 27), []),
    (
        "国庆节",
        date(2026, 10, 1),
        date(2026, 10, 7),
        [date(2026, 9, 20), date(2026, 10, 10)],
    ),
]
HOLIDAYS_2027 = [
    ("元旦", date(2027, 1, 1), date(2027, 1, 1), []),
    ("春节", date(2027, 2, 5), date(2027, 2, 8), []),  # 除夕 to 正月初三
    ("清明节", date(2027, 4, 5), date(2027, 4, 5), []),
    ("劳动节", date(2027, 5, 1), date(2027, 5, 2), []),
    ("端午节", date(2027, 6, 9), date(2027, 6, 9), []),
    ("中秋节", date(2027, 9, 15), date(2027, 9, 15), []),
    ("国庆节", date(2027, 10, 1), date(2027, 10, 3), []),
]
YEARS = [
    (2026, True, NOTICE_2026, HOLIDAYS_2026),
    (2027, False, PROVISIONAL_2027, HOLIDAYS_2027),
]


def _days(holidays):
    for name, first, last, workdays in holidays:
        day = first
        while day <= last:
            yield day, "holiday", name, ""
            day += timedelta(days=1)
        for workday in workdays:
            yield workday, "workday", name, "调休上班"


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    for year, confirmed, source, holidays in YEARS:
        CalendarYear.objects.create(year=year, confirmed=confirmed, source=source)
        CalendarDay.objects.bulk_create(
            CalendarDay(date=day, kind=kind, name=name, note=note)
            for day, kind, name, note in _days(holidays)
        )


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    for year, _confirmed, _source, holidays in YEARS:
        CalendarDay.objects.filter(date__in=[d for d, *_ in _days(holidays)]).delete()
        CalendarYear.objects.filter(year=year).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
