"""The calendar's admin: platform admins only, clear messages for bad input, and a
dashboard reminder while a year's notice is missing."""

import html
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from core.workdays.models import CalendarDay, CalendarYear, DayKind
from core.workdays.services import add_working_days, calendar_gaps
from tests.conftest import admin_client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAYS = "workdays_calendarday"
YEARS = "workdays_calendaryear"


def _calendar_urls():
    day = CalendarDay.objects.get(date=date(2026, 2, 16))
    year = CalendarYear.objects.get(year=2027)
    urls = []
    for namespace, pk in [(DAYS, day.pk), (YEARS, year.pk)]:
        urls += [
            reverse(f"{namespace}:{name}") for name in ["index", "index_results", "add"]
        ]
        urls += [
            reverse(f"{namespace}:{name}", args=[pk])
            for name in ["edit", "delete", "history", "history_results", "usage"]
        ]
    return urls


def _text(response):
    return html.unescape(response.content.decode())


def _message(msgid, **params):
    """``msgid`` as the admin shows it (Chinese once translations are in)."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(msgid) % {name: str(value) for name, value in params.items()}


@pytest.mark.parametrize("role", ["editor", "reviewer", "site_admin"])
def test_site_roles_are_refused_every_calendar_url(request, role, site):
    client = admin_client_for(request.getfixturevalue(role))
    for url in _calendar_urls():
        for response in (
            client.get(url),
            client.post(url, {"name": "改", "year": 2030}),
        ):
            assert response.status_code == 302, url
            assert response.url == reverse("wagtailadmin_home"), url
    assert CalendarDay.objects.get(date=date(2026, 2, 16)).name == "春节"
    assert CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarYear.objects.filter(year=2030).exists()


def test_anonymous_visitors_are_sent_to_log_in():
    client = admin_client_for(UserFactory(), host="localhost")
    client.logout()
    for url in _calendar_urls():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_login"))


def test_a_platform_admin_by_permission_may_edit_the_calendar():
    """is_platform_admin decides, not Django's calendar model permissions."""
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin",
                               codename="access_admin"),
        Permission.objects.get(content_type__app_label="govsites",
                               codename="add_govsite"),
    )  # fmt: skip
    client = admin_client_for(user)
    assert client.get(reverse(f"{DAYS}:index")).status_code == 200
    assert client.get(reverse(f"{YEARS}:index")).status_code == 200


def test_the_settings_menu_shows_the_calendar_to_platform_admins_only(
    platform_admin, site_admin
):
    index = reverse(f"{DAYS}:index")
    assert index in admin_client_for(platform_admin).get("/admin/").content.decode()
    assert index not in admin_client_for(site_admin).get("/admin/").content.decode()


def test_the_index_lists_days_by_date_and_filters_by_year_and_kind(platform_admin):
    client = admin_client_for(platform_admin)
    listed = list(client.get(reverse(f"{DAYS}:index")).context["object_list"])
    assert [day.date for day in listed] == sorted(day.date for day in listed)
    response = client.get(reverse(f"{DAYS}:index"), {"year": 2027})
    assert {day.date.year for day in response.context["object_list"]} == {2027}
    response = client.get(
        reverse(f"{DAYS}:index"), {"year": 2026, "kind": DayKind.WORKDAY}
    )
    assert [day.date for day in response.context["object_list"]] == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]


def test_platform_admin_creates_edits_and_deletes_a_day(platform_admin):
    client = admin_client_for(platform_admin)
    response = client.post(
        reverse(f"{DAYS}:add"),
        {"date": "2026-07-01", "kind": DayKind.HOLIDAY, "name": "临时放假", "note": ""},
    )
    assert response.status_code == 302
    day = CalendarDay.objects.get(date=date(2026, 7, 1))
    assert (day.kind, day.name) == (DayKind.HOLIDAY, "临时放假")
    # Tue 30 Jun: Wed 1 Jul is now off.
    assert add_working_days(date(2026, 6, 30), 1) == date(2026, 7, 2)

    response = client.post(
        reverse(f"{DAYS}:edit", args=[day.pk]),
        {
            "date": "2026-07-04",
            "kind": DayKind.WORKDAY,
            "name": "临时调休",
            "note": "补班",
        },
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.date, day.kind, day.note) == (date(2026, 7, 4), DayKind.WORKDAY, "补班")
    assert add_working_days(date(2026, 7, 3), 1) == date(2026, 7, 4)

    response = client.post(reverse(f"{DAYS}:delete", args=[day.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert add_working_days(date(2026, 7, 3), 1) == date(2026, 7, 6)


def test_a_date_entered_twice_is_refused_with_a_clear_message(platform_admin):
    before = CalendarDay.objects.count()
    response = admin_client_for(platform_admin).post(
        reverse(f"{DAYS}:add"),
        {"date": "2026-02-16", "kind": DayKind.HOLIDAY, "name": "春节", "note": ""},
    )
    assert response.status_code == 200
    existing = CalendarDay.objects.get(date=date(2026, 2, 16))
    expected = _message(
        "%(date)s is already in the calendar (%(kind)s, %(name)s); "
        "edit that entry instead.",
        date="2026-02-16",
        kind=existing.get_kind_display(),
        name="春节",
    )
    assert expected in _text(response)
    assert CalendarDay.objects.count() == before


def test_moving_a_day_onto_another_entry_is_refused(platform_admin):
    day = CalendarDay.objects.get(date=date(2026, 2, 16))
    response = admin_client_for(platform_admin).post(
        reverse(f"{DAYS}:edit", args=[day.pk]),
        {"date": "2026-02-17", "kind": DayKind.HOLIDAY, "name": "春节", "note": ""},
    )
    assert response.status_code == 200
    assert "2026-02-17" in _text(response)
    assert CalendarDay.objects.filter(date=date(2026, 2, 16)).exists()


def test_an_adjusted_working_day_on_a_weekday_is_refused(platform_admin):
    response = admin_client_for(platform_admin).post(
        reverse(f"{DAYS}:add"),
        {"date": "2026-07-01", "kind": DayKind.WORKDAY, "name": "调休", "note": ""},
    )
    assert response.status_code == 200
    with translation.override(settings.LANGUAGE_CODE):
        weekday = date_format(date(2026, 7, 1), "l")
    expected = _message(
        "%(date)s is a %(weekday)s, a working day anyway; only a Saturday "
        "or Sunday can be an adjusted working day.",
        date="2026-07-01",
        weekday=weekday,
    )
    assert expected in _text(response)
    assert not CalendarDay.objects.filter(date=date(2026, 7, 1)).exists()


def test_a_holiday_on_a_weekend_is_accepted(platform_admin):
    response = admin_client_for(platform_admin).post(
        reverse(f"{DAYS}:add"),
        {"date": "2026-07-04", "kind": DayKind.HOLIDAY, "name": "临时放假", "note": ""},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=date(2026, 7, 4)).exists()


def test_platform_admin_confirms_a_year_with_its_notice(platform_admin):
    client = admin_client_for(platform_admin)
    year = CalendarYear.objects.get(year=2027)
    url = reverse(f"{YEARS}:edit", args=[year.pk])
    response = client.post(url, {"year": 2027, "confirmed": "on", "source": ""})
    assert response.status_code == 200
    assert _message("Name the notice the days were entered from.") in _text(response)
    assert calendar_gaps(date(2026, 11, 27)) == [2027]

    notice = "国务院办公厅关于2027年部分节假日安排的通知"
    response = client.post(url, {"year": 2027, "confirmed": "on", "source": notice})
    assert response.status_code == 302
    assert calendar_gaps(date(2026, 11, 27)) == []


def test_platform_admin_adds_and_deletes_a_year(platform_admin):
    client = admin_client_for(platform_admin)
    response = client.post(reverse(f"{YEARS}:add"), {"year": 2028, "source": ""})
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2028)
    assert year.confirmed is False
    response = client.post(reverse(f"{YEARS}:add"), {"year": 2028, "source": ""})
    assert response.status_code == 200
    assert CalendarYear.objects.filter(year=2028).count() == 1
    response = client.post(reverse(f"{YEARS}:delete", args=[year.pk]))
    assert response.status_code == 302
    assert not CalendarYear.objects.filter(year=2028).exists()


def _gap_message(year):
    return _message(
        "The holiday arrangements for %(year)s are not confirmed yet.", year=year
    )


def test_the_dashboard_warns_platform_admins_of_an_unconfirmed_year(
    platform_admin, site_admin
):
    next_year = timezone.localdate().year + 1
    CalendarYear.objects.filter(year=next_year).delete()
    dashboard = _text(admin_client_for(platform_admin).get("/admin/"))
    assert _gap_message(next_year) in dashboard
    assert reverse(f"{YEARS}:index") in dashboard
    assert _gap_message(next_year) not in _text(
        admin_client_for(site_admin).get("/admin/")
    )


def test_the_dashboard_is_quiet_once_both_years_are_confirmed(platform_admin):
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        CalendarYear.objects.update_or_create(
            year=year, defaults={"confirmed": True, "source": "通知"}
        )
    dashboard = _text(admin_client_for(platform_admin).get("/admin/"))
    for year in (this_year, this_year + 1):
        assert _gap_message(year) not in dashboard
