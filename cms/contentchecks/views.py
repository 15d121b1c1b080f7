"""Admin views of the term lists: Wagtail's generic views, scoped to the sites the
user administers, and the import of many terms at once."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import (
    CreateView,
    DeleteView,
    EditView,
    IndexView,
)
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.widgets import HeaderButton

from sites.selectors import is_platform_admin
from sites.tenancy import use_site

from . import services
from .forms import SiteTermImportForm, TermImportForm
from .selectors import administered_site_ids, site_term_list_for_user

PLATFORM_IMPORT_URL_NAME = "contentchecks_platformterm_import"
SITE_IMPORT_URL_NAME = "contentchecks_siteterm_import"


class ImportButtonMixin:
    import_url_name: str = ""

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                gettext_lazy("Import"),
                url=reverse(self.import_url_name),
                icon_name="upload",
            ),
        ]


class PlatformTermIndexView(ImportButtonMixin, IndexView):
    import_url_name = PLATFORM_IMPORT_URL_NAME


class SiteTermIndexView(ImportButtonMixin, IndexView):
    import_url_name = SITE_IMPORT_URL_NAME

    def get_base_queryset(self):
        return site_term_list_for_user(user=self.request.user)

    def get_filterset_kwargs(self):
        # Without a queryset the filter set would start from the model's manager.
        return {**super().get_filterset_kwargs(), "queryset": self.get_base_queryset()}


# Every view of one term finds it among the user's sites' terms only: another
# site's term is a 404 whatever the URL.


class SiteTermObjectMixin:
    """Edit and delete: Django's ``SingleObjectMixin`` looks in ``get_queryset``."""

    def get_queryset(self):
        return site_term_list_for_user(user=self.request.user)


class SiteTermBaseObjectMixin:
    """History and usage: Wagtail's ``BaseObjectMixin`` (their ``get_queryset``
    lists log entries and references, not terms)."""

    def get_base_object_queryset(self):
        return site_term_list_for_user(user=self.request.user)


class SiteTermCreateView(CreateView):
    def save_instance(self):
        with use_site(self.form.instance.site):
            return super().save_instance()


class SiteTermEditView(SiteTermObjectMixin, EditView):
    def save_instance(self):
        with use_site(self.object.site):
            return super().save_instance()


class SiteTermDeleteView(SiteTermObjectMixin, DeleteView):
    def delete_action(self):
        with use_site(self.object.site):
            super().delete_action()


class SiteTermHistoryView(SiteTermBaseObjectMixin, HistoryView):
    pass


class SiteTermUsageView(SiteTermBaseObjectMixin, UsageView):
    pass


def _import_page(request, *, form, title, action_url):
    return TemplateResponse(
        request,
        "wagtailadmin/generic/form.html",
        {
            "form": form,
            "page_title": title,
            "header_title": title,
            "header_icon": "upload",
            "action_url": action_url,
            "submit_button_label": _("Import"),
            "submit_button_active_label": _("Importing…"),
        },
    )


def _imported(request, result: services.ImportResult) -> None:
    messages.success(
        request,
        _("%(created)d terms added; %(skipped)d already listed and skipped.")
        % {"created": len(result.created), "skipped": len(result.skipped)},
    )


def platform_terms_import(request):
    """导入平台词库 (platform admins only)."""
    if not is_platform_admin(request.user):
        raise PermissionDenied
    form = TermImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = services.platform_terms_import(
            rows=data["rows"],
            category=data["category"],
            action=data["action"],
            note=data["note"],
        )
        _imported(request, result)
        return redirect("contentchecks_platformterm:index")
    return _import_page(
        request,
        form=form,
        title=_("Import platform terms"),
        action_url=reverse(PLATFORM_IMPORT_URL_NAME),
    )


def site_terms_import(request):
    """导入站点词库: into one of the sites the user administers."""
    ids = administered_site_ids(request.user)
    if ids is not None and not ids:
        raise PermissionDenied
    form = SiteTermImportForm(
        request.POST or None, request.FILES or None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = services.site_terms_import(
            site=data["site"],
            rows=data["rows"],
            category=data["category"],
            action=data["action"],
            note=data["note"],
        )
        _imported(request, result)
        return redirect("contentchecks_siteterm:index")
    return _import_page(
        request,
        form=form,
        title=_("Import site terms"),
        action_url=reverse(SITE_IMPORT_URL_NAME),
    )
