"""Admin hooks of the content package: reminders where editors look."""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from core.uploads.choosers import chooser_urls
from core.uploads.views import document_may_be_served
from sites.permissions import ReadOnlyForPlatformAdmins
from sites.selectors import sites_for_user

from . import readonly, selectors
from .admin_panels import AwaitingReportPanel
from .models import ConsultationPage, NormativeRegistration
from .models.choices import ConsultationState

# The platform's hosts serve a document only to those who may see it in the admin.
hooks.register("before_serve_document", document_may_be_served)


@hooks.register("register_admin_urls")
def open_choosers_at_the_users_own_collection():
    """Matched before Wagtail's own chooser views (this app's hooks run first)."""
    return chooser_urls()


@hooks.register("construct_homepage_panels")
def add_awaiting_report_panel(request, panels):
    sites = sites_for_user(request.user).select_related("wagtail_site__root_page")
    homes = [site.root_page for site in sites[:200]]
    waiting = list(selectors.consultations_awaiting_report(homes=homes)[:20])
    if waiting:
        panels.append(AwaitingReportPanel(consultations=waiting))


@hooks.register("construct_explorer_page_queryset")
def say_an_archived_site_is_read_only(parent_page, pages, request):
    """The pages of an archived site list no actions (``cms.readonly``); say why."""
    if (
        request.method == "GET"
        and not getattr(request, "_archived_notice", False)
        and readonly.is_archived(parent_page)
    ):
        request._archived_notice = True
        messages.info(request, readonly.archived_message())
    return pages


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


register_permission_policy(
    NormativeRegistration, ReadOnlyForPlatformAdmins(NormativeRegistration)
)


class NormativeRegistrationViewSet(ModelViewSet):
    """行政规范性文件登记簿: every registration number the platform has issued."""

    model = NormativeRegistration
    icon = "list-ol"
    menu_label = gettext_lazy("Normative document registry")
    add_to_settings_menu = True
    form_fields = []  # no form: numbers are issued by publishing only
    list_display = [
        Column("number", label=gettext_lazy("Registration number")),
        "document_title",
        "issuing_organ",
        "registered_at",
    ]
    list_filter = ["year"]
    search_fields = ["document_title", "issuing_organ"]
    inspect_view_enabled = True
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_normative_registry():
    return NormativeRegistrationViewSet(
        "cms_normative_registry", url_prefix="cms/normative-registry"
    )
