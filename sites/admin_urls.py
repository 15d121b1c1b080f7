"""Admin URLs that replace Wagtail's own, matched before ``wagtail.admin.urls``."""

from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import workflows
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView

from .admin_scoping import (
    ScopedBrowseView,
    ScopedChosenMultipleView,
    ScopedLogEntriesView,
    ScopedWorkflowTasksView,
    ScopedWorkflowView,
    platform_admin_only,
    scoped_tag_autocomplete,
    workflow_editors_only,
)

urlpatterns = [
    path(
        "admin/tag-autocomplete/",
        require_admin_access(scoped_tag_autocomplete),
    ),
    path(
        "admin/tag-autocomplete/<slug:app_name>/<slug:model_name>/",
        require_admin_access(scoped_tag_autocomplete),
    ),
    path(
        "admin/reports/workflow/",
        require_admin_access(ScopedWorkflowView.as_view()),
    ),
    path(
        "admin/reports/workflow/results/",
        require_admin_access(ScopedWorkflowView.as_view(results_only=True)),
    ),
    path(
        "admin/reports/workflow_tasks/",
        require_admin_access(ScopedWorkflowTasksView.as_view()),
    ),
    path(
        "admin/reports/workflow_tasks/results/",
        require_admin_access(ScopedWorkflowTasksView.as_view(results_only=True)),
    ),
    path(
        "admin/choose-page/<int:parent_page_id>/",
        require_admin_access(ScopedBrowseView.as_view()),
    ),
    path(
        "admin/choose-page/chosen-multiple/",
        require_admin_access(ScopedChosenMultipleView.as_view()),
    ),
    path(
        "admin/reports/page-types-usage/",
        require_admin_access(platform_admin_only(PageTypesUsageReportView.as_view())),
    ),
    path(
        "admin/reports/page-types-usage/results/",
        require_admin_access(
            platform_admin_only(PageTypesUsageReportView.as_view(results_only=True))
        ),
    ),
    path(
        "admin/reports/site-history/",
        require_admin_access(ScopedLogEntriesView.as_view()),
    ),
    path(
        "admin/reports/site-history/results/",
        require_admin_access(ScopedLogEntriesView.as_view(results_only=True)),
    ),
    path(
        "admin/workflows/task_chooser/",
        require_admin_access(
            workflow_editors_only(workflows.TaskChooserView.as_view())
        ),
    ),
    path(
        "admin/workflows/task_chooser/results/",
        require_admin_access(
            workflow_editors_only(workflows.TaskChooserResultsView.as_view())
        ),
    ),
    path(
        "admin/workflows/task_chooser/create/",
        require_admin_access(
            workflow_editors_only(workflows.TaskChooserCreateView.as_view())
        ),
    ),
    path(
        "admin/workflows/task_chooser/<int:task_id>/",
        require_admin_access(workflow_editors_only(workflows.task_chosen)),
    ),
]
