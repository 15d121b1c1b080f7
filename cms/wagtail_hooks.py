"""Admin hooks of the content package: reminders where editors look."""

from django.contrib import messages
from django.utils.translation import gettext as _
from wagtail import hooks

from sites.selectors import sites_for_user

from . import consultations
from .admin_panels import AwaitingReportPanel
from .models import ConsultationPage
from .models.choices import ConsultationState


@hooks.register("construct_homepage_panels")
def add_awaiting_report_panel(request, panels):
    sites = sites_for_user(request.user).select_related("wagtail_site__root_page")
    homes = [site.root_page for site in sites[:200]]
    waiting = list(consultations.awaiting_report(homes=homes)[:20])
    if waiting:
        panels.append(AwaitingReportPanel(consultations=waiting))


@hooks.register("before_edit_page")
def remind_of_the_adoption_report(request, page):
    if (
        request.method == "GET"
        and isinstance(page.specific, ConsultationPage)
        and page.specific.state == ConsultationState.CLOSED
    ):
        messages.warning(
            request,
            _(
                "This consultation has closed: fill in the adoption report (意见采纳"
                "情况) on its tab and publish it."
            ),
        )
