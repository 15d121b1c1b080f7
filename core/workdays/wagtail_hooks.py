import django_filters
from django.contrib.auth.models import Permission
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from sites.permissions import PlatformAdminPermissionPolicy
from sites.selectors import is_platform_admin

from .models import CalendarDay, CalendarYear, DayKind
from .panels import CalendarGapsPanel
from .selectors import calendar_year_choices
from .services import calendar_gaps

# Before any view asks: otherwise Wagtail falls back to Django model permissions.
register_permission_policy(CalendarDay, PlatformAdminPermissionPolicy(CalendarDay))
register_permission_policy(CalendarYear, PlatformAdminPermissionPolicy(CalendarYear))


class CalendarDayFilterSet(WagtailFilterSet):
    year = django_filters.ChoiceFilter(
        label=_("Year"),
        field_name="date",
        lookup_expr="year",
        choices=calendar_year_choices,
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DayKind.choices)

    class Meta:
        model = CalendarDay
        fields = ["year", "kind"]


class CalendarDayIndexView(IndexView):
    default_ordering = "date"


class PlatformCalendarViewSet(ModelViewSet):
    """Shared by both calendar viewsets: platform admins only, no copies."""

    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_permissions_to_register(self):
        # Access follows is_platform_admin; group permissions would do nothing.
        return Permission.objects.none()


class CalendarDayViewSet(PlatformCalendarViewSet):
    """工作日历: holidays and adjusted working days, for platform admins."""

    model = CalendarDay
    icon = "date"
    menu_label = _("Working-day calendar")
    menu_name = "workdays_calendar"
    menu_order = 600
    index_view_class = CalendarDayIndexView
    list_display = [
        "date",
        Column("kind", accessor="get_kind_display", label=_("Kind")),
        "name",
        "note",
    ]
    filterset_class = CalendarDayFilterSet
    search_fields = ["name", "note"]
    form_fields = ["date", "kind", "name", "note"]


class CalendarYearViewSet(PlatformCalendarViewSet):
    """Which years' notices are entered (confirmed), for platform admins."""

    model = CalendarYear
    icon = "calendar-check"
    menu_label = _("Calendar years")
    menu_name = "workdays_years"
    menu_order = 601
    list_display = [
        "year",
        BooleanColumn("confirmed", label=_("Confirmed")),
        "source",
    ]
    list_filter = ["confirmed"]
    form_fields = ["year", "confirmed", "source"]


@hooks.register("register_admin_viewset")
def register_calendar_day_viewset():
    return CalendarDayViewSet("workdays_calendarday", url_prefix="workdays/days")


@hooks.register("register_admin_viewset")
def register_calendar_year_viewset():
    return CalendarYearViewSet("workdays_calendaryear", url_prefix="workdays/years")


@hooks.register("construct_homepage_panels")
def add_calendar_gaps_panel(request, panels):
    if not is_platform_admin(request.user):
        return
    years = calendar_gaps(timezone.localdate())
    if years:
        panels.append(CalendarGapsPanel(years=years))
