"""The admin dashboard's reminder that a year's holiday notice is missing."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component


class CalendarGapsPanel(Component):
    name = "workdays_calendar_gaps"
    template_name = "workdays/calendar_gaps_panel.html"
    order = 50  # above the editing panels: deadlines depend on it

    def __init__(self, *, years: list[int]) -> None:
        self.years = years

    def get_context_data(self, parent_context):
        return {
            "messages": [
                _("The holiday arrangements for %(year)s are not confirmed yet.")
                % {"year": year}
                for year in self.years
            ],
            "years_url": reverse("workdays_calendaryear:index"),
            "days_url": reverse("workdays_calendarday:index"),
        }
