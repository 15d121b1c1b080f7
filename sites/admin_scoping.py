"""Close the gaps that make Wagtail multi-site short of multi-tenant.

Wagtail limits the explorer, admin page search and most reports by page permissions,
and the image and document choosers by collection permissions; our groups hold those
permissions on their own site only. What it leaves open, closed here:

- the page chooser lists (and its search finds) every page of every site;
- the explorer's filters list every site's name and every page owner and editor;
- the page types usage report counts pages of every site.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from wagtail.admin.views import chooser
from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet
from wagtail.models import Page, PageLogEntry, Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from .selectors import is_platform_admin, sites_for_user

_policy = PagePermissionPolicy()


def visible_pages(user):
    """Pages ``user`` may see in the admin: their sites' pages and those pages'
    ancestors (to navigate down to them); every page for platform admins."""
    if is_platform_admin(user):
        return Page.objects.all()
    return Page.objects.filter(pk__in=_policy.explorable_instances(user).values("pk"))


def _site_choices(request):
    return Site.objects.filter(govsite__in=sites_for_user(request.user))


def _owner_choices(request):
    owners = visible_pages(request.user).order_by().values("owner_id")
    return get_user_model().objects.filter(pk__in=owners)


def _editor_choices(request):
    edited = (
        PageLogEntry.objects.filter(
            action="wagtail.edit", page__in=visible_pages(request.user).values("pk")
        )
        .order_by()
        .values("user_id")
    )
    return get_user_model().objects.filter(pk__in=edited)


def scope_explorer_filters() -> None:
    for filterset in (PageFilterSet, GenericPageFilterSet):
        filterset.base_filters["site"].queryset = _site_choices
        filterset.base_filters["owner"].queryset = _owner_choices
        filterset.base_filters["edited_by"].queryset = _editor_choices


def filter_chooser_pages(pages, request):
    """``construct_page_chooser_queryset`` hook: only pages the user may see."""
    if is_platform_admin(request.user):
        return pages
    return pages.filter(pk__in=visible_pages(request.user).values("pk"))


class ScopedBrowseView(chooser.BrowseView):
    def get(self, request, parent_page_id=None):
        if (
            parent_page_id is not None
            and not visible_pages(request.user).filter(pk=parent_page_id).exists()
        ):
            raise Http404
        return super().get(request, parent_page_id)


class ScopedChosenMultipleView(chooser.ChosenMultipleView):
    def get(self, request):
        ids = request.GET.getlist("id")
        if visible_pages(request.user).filter(pk__in=ids).count() != len(set(ids)):
            raise Http404
        return super().get(request)


def platform_admin_only(view):
    def wrapped(request, *args, **kwargs):
        if not is_platform_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# -- workflow reports: their filters list every site's workflows, tasks and the
# people who asked for review --------------------------------------------------


def workflows_for_user(request):
    from wagtail.models import Workflow

    if is_platform_admin(request.user):
        return Workflow.objects.all()
    homes = sites_for_user(request.user).values("wagtail_site__root_page")
    return Workflow.objects.filter(workflow_pages__page__in=homes).distinct()


def tasks_for_user(request):
    from wagtail.models import Task

    return Task.objects.filter(
        workflow_tasks__workflow__in=workflows_for_user(request)
    ).distinct()


def requesters_for_user(request):
    from wagtail.admin.views.reports.workflows import (
        get_editable_page_ids_query,
        get_requested_by_queryset,
    )
    from wagtail.models import WorkflowState

    if is_platform_admin(request.user):
        return get_requested_by_queryset(request)
    requested = WorkflowState.objects.filter(
        object_id__in=get_editable_page_ids_query(request)
    ).values("requested_by")
    return get_user_model().objects.filter(pk__in=requested)


def _scoped_workflow_views():
    import django_filters
    from django.utils.translation import gettext_lazy as _
    from wagtail.admin.filters import FilteredModelChoiceFilter
    from wagtail.admin.views.reports import workflows as reports

    class WorkflowReportFilterSet(reports.WorkflowReportFilterSet):
        workflow = django_filters.ModelChoiceFilter(
            queryset=workflows_for_user, label=_("Workflow")
        )
        requested_by = django_filters.ModelChoiceFilter(
            field_name="requested_by", queryset=requesters_for_user
        )

    class WorkflowTasksReportFilterSet(reports.WorkflowTasksReportFilterSet):
        workflow = django_filters.ModelChoiceFilter(
            field_name="workflow_state__workflow",
            queryset=workflows_for_user,
            label=_("Workflow"),
        )
        task = FilteredModelChoiceFilter(
            queryset=tasks_for_user,
            filter_field="id_workflow",
            filter_accessor="workflows",
        )

    class WorkflowView(reports.WorkflowView):
        filterset_class = WorkflowReportFilterSet

    class WorkflowTasksView(reports.WorkflowTasksView):
        filterset_class = WorkflowTasksReportFilterSet

    return WorkflowView, WorkflowTasksView


ScopedWorkflowView, ScopedWorkflowTasksView = _scoped_workflow_views()
