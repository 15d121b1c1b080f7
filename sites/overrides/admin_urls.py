"""Wagtail admin views replaced by scoped ones, matched before ``wagtail.admin.urls``.

Each entry shadows one of Wagtail's admin URLs: the project's ``urls.py``
includes these patterns before Wagtail's admin, so the same path reaches our view.
What each closes: the tag autocomplete offers every site's tags; the workflow
reports' filters list every site's workflows, tasks and requesters; the page
chooser browses any page by id; the page types usage report counts every site's
pages; the site history's user filter lists every user; the task chooser lists
every task (names carry the site's name) with no permission check.

Why not a hook: Wagtail mounts these views in its own urlconf, outside any
viewset (``register_admin_viewset`` cannot replace them), and offers no hook to
scope them. The risk of shadowing is that Wagtail renames a path and its unscoped
view silently answers again: ``tests/overrides/test_admin_urls.py`` reverses
each of Wagtail's URL names below in Wagtail's own urlconf, checks it gives the
path we shadow and the view we replace, and that our view answers it.
"""

from functools import update_wrapper

from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import chooser, tags, workflows
from wagtail.admin.views.reports import audit_logging
from wagtail.admin.views.reports import workflows as workflow_reports
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView

from sites.admin_scoping import (
    ScopedBrowseView,
    ScopedChosenMultipleView,
    ScopedLogEntriesView,
    ScopedWorkflowTasksView,
    ScopedWorkflowView,
    platform_admin_only,
    scoped_tag_autocomplete,
    workflow_editors_only,
)


def _admin(view):
    """As Wagtail decorates its admin views (``decorate_urlpatterns``)."""
    return update_wrapper(require_admin_access(view), view)


# (Wagtail's URL name, the path it has, Wagtail's view there, our view)
SHADOWED = [
    (
        "wagtailadmin_tag_autocomplete",
        "admin/tag-autocomplete/",
        tags.autocomplete,
        _admin(scoped_tag_autocomplete),
    ),
    (
        "wagtailadmin_tag_model_autocomplete",
        "admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/",
        tags.autocomplete,
        _admin(scoped_tag_autocomplete),
    ),
    (
        "wagtailadmin_reports:workflow",
        "admin/reports/workflow/",
        workflow_reports.WorkflowView,
        _admin(ScopedWorkflowView.as_view()),
    ),
    (
        "wagtailadmin_reports:workflow_results",
        "admin/reports/workflow/results/",
        workflow_reports.WorkflowView,
        _admin(ScopedWorkflowView.as_view(results_only=True)),
    ),
    (
        "wagtailadmin_reports:workflow_tasks",
        "admin/reports/workflow_tasks/",
        workflow_reports.WorkflowTasksView,
        _admin(ScopedWorkflowTasksView.as_view()),
    ),
    (
        "wagtailadmin_reports:workflow_tasks_results",
        "admin/reports/workflow_tasks/results/",
        workflow_reports.WorkflowTasksView,
        _admin(ScopedWorkflowTasksView.as_view(results_only=True)),
    ),
    (
        "wagtailadmin_choose_page_child",
        "admin/choose-page/<int:parent_page_id>/",
        chooser.BrowseView,
        _admin(ScopedBrowseView.as_view()),
    ),
    (
        "wagtailadmin_choose_page_chosen_multiple",
        "admin/choose-page/chosen-multiple/",
        chooser.ChosenMultipleView,
        _admin(ScopedChosenMultipleView.as_view()),
    ),
    (
        "wagtailadmin_reports:page_types_usage",
        "admin/reports/page-types-usage/",
        PageTypesUsageReportView,
        _admin(platform_admin_only(PageTypesUsageReportView.as_view())),
    ),
    (
        "wagtailadmin_reports:page_types_usage_results",
        "admin/reports/page-types-usage/results/",
        PageTypesUsageReportView,
        _admin(
            platform_admin_only(PageTypesUsageReportView.as_view(results_only=True))
        ),
    ),
    (
        "wagtailadmin_reports:site_history",
        "admin/reports/site-history/",
        audit_logging.LogEntriesView,
        _admin(ScopedLogEntriesView.as_view()),
    ),
    (
        "wagtailadmin_reports:site_history_results",
        "admin/reports/site-history/results/",
        audit_logging.LogEntriesView,
        _admin(ScopedLogEntriesView.as_view(results_only=True)),
    ),
    (
        "wagtailadmin_workflows:task_chooser",
        "admin/workflows/task_chooser/",
        workflows.TaskChooserView,
        _admin(workflow_editors_only(workflows.TaskChooserView.as_view())),
    ),
    (
        "wagtailadmin_workflows:task_chooser_results",
        "admin/workflows/task_chooser/results/",
        workflows.TaskChooserResultsView,
        _admin(workflow_editors_only(workflows.TaskChooserResultsView.as_view())),
    ),
    (
        "wagtailadmin_workflows:task_chooser_create",
        "admin/workflows/task_chooser/create/",
        workflows.TaskChooserCreateView,
        _admin(workflow_editors_only(workflows.TaskChooserCreateView.as_view())),
    ),
    (
        "wagtailadmin_workflows:task_chosen",
        "admin/workflows/task_chooser/<int:task_id>/",
        workflows.task_chosen,
        _admin(workflow_editors_only(workflows.task_chosen)),
    ),
]

urlpatterns = [path(route, view) for _name, route, _replaced, view in SHADOWED]
