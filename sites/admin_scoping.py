"""Close the gaps that make Wagtail multi-site short of multi-tenant.

Wagtail limits the explorer, admin page search and most reports by page permissions,
and the image and document choosers by collection permissions; our groups hold those
permissions on their own site only. What it leaves open, closed here:

- the page chooser lists (and its search finds) every page of every site;
- the explorer's filters list every site's name and every page owner and editor
  (``sites.overrides.explorer_filters``);
- the page types usage report counts pages of every site.
"""

from __future__ import annotations

from functools import wraps

import django_filters
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag, TagBase, TaggedItem, TaggedItemBase
from wagtail.admin.filters import FilteredModelChoiceFilter
from wagtail.admin.views import chooser
from wagtail.admin.views.pages import workflow
from wagtail.admin.views.pages.history import PageHistoryFilterSet, PageHistoryView
from wagtail.admin.views.reports import workflows as reports
from wagtail.admin.views.reports.audit_logging import (
    LogEntriesView,
    SiteHistoryReportFilterSet,
)
from wagtail.admin.views.reports.workflows import (
    get_editable_page_ids_query,
    get_requested_by_queryset,
)
from wagtail.admin.views.tags import TAGS_AUTOCOMPLETE_LIMIT
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page, Task, Workflow, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.permissions import policy_registry

from .params import id_param, text_param
from .selectors import is_platform_admin, sites_for_user, staff_for_user

_policy = PagePermissionPolicy()


def visible_pages(user):
    """Pages ``user`` may see in the admin: their sites' pages and those pages'
    ancestors (to navigate down to them); every page for platform admins."""
    if is_platform_admin(user):
        return Page.objects.all()
    return Page.objects.filter(pk__in=_policy.explorable_instances(user).values("pk"))


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
        pks = {id_param(i) for i in ids}
        if None in pks or (
            visible_pages(request.user).filter(pk__in=pks).count() != len(pks)
        ):
            raise Http404
        return super().get(request)


def platform_admin_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_platform_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# -- workflow reports: their filters list every site's workflows, tasks and the
# people who asked for review --------------------------------------------------


def workflows_for_user(request):
    if is_platform_admin(request.user):
        return Workflow.objects.all()
    homes = sites_for_user(request.user).values("wagtail_site__root_page")
    return Workflow.objects.filter(workflow_pages__page__in=homes).distinct()


def tasks_for_user(request):
    return Task.objects.filter(
        workflow_tasks__workflow__in=workflows_for_user(request)
    ).distinct()


def requesters_for_user(request):
    if is_platform_admin(request.user):
        return get_requested_by_queryset(request)
    requested = WorkflowState.objects.filter(
        object_id__in=get_editable_page_ids_query(request)
    ).values("requested_by")
    return get_user_model().objects.filter(pk__in=requested)


def _scoped_workflow_views():
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


# -- tag autocomplete: taggit's tags are one platform-wide table ------------------


def visible_tags(user, tag_model):
    """Tags used on pages, images or documents ``user`` may see in the admin."""

    if is_platform_admin(user):
        return tag_model.objects.all()
    used = Q(pk__in=[])
    homes = [
        site.root_page
        for site in sites_for_user(user).select_related("wagtail_site__root_page")
    ]
    for through in apps.get_models():
        if not issubclass(through, TaggedItemBase) or through is TaggedItem:
            continue
        tag_field = through._meta.get_field("tag")
        target = through._meta.get_field("content_object").related_model
        if tag_field.related_model is not tag_model or not issubclass(target, Page):
            continue
        under = Q(pk__in=[])
        for home in homes:
            under |= Q(content_object__path__startswith=home.path)
        used |= Q(pk__in=through.objects.filter(under).values("tag"))
    if tag_model is TaggedItem.tag_model():
        for model in (get_image_model(), get_document_model()):
            policy = policy_registry.get_by_type(model)
            ids = policy.instances_user_has_any_permission_for(
                user, ["choose", "add", "change"]
            ).values_list("pk", flat=True)
            used |= Q(
                pk__in=TaggedItem.objects.filter(
                    content_type=ContentType.objects.get_for_model(model),
                    object_id__in=ids,
                ).values("tag")
            )
    return tag_model.objects.filter(used)


def scoped_tag_autocomplete(request, app_name=None, model_name=None):
    """Wagtail's tag autocomplete, offering only tags of the user's own sites."""

    tag_model = Tag
    if app_name and model_name:
        try:
            content_type = ContentType.objects.get_by_natural_key(app_name, model_name)
        except ContentType.DoesNotExist as error:
            raise Http404 from error
        tag_model = content_type.model_class()
        if tag_model is None or not issubclass(tag_model, TagBase):
            raise Http404
    term = text_param(request.GET.get("term"))
    if not term:
        return JsonResponse([], safe=False)
    names = (
        visible_tags(request.user, tag_model)
        .filter(name__istartswith=term)
        .order_by("name")
        .values_list("name", flat=True)[:TAGS_AUTOCOMPLETE_LIMIT]
    )
    return JsonResponse(list(names), safe=False)


# -- images and documents: Wagtail's admin API lists every collection ------------

MEDIA_ACTIONS = ["choose", "add", "change", "delete"]


def visible_media(user, model):
    """Images or documents (``model``) ``user`` may see in the admin: those in the
    collections where the user holds any image or document permission (their sites'
    collections and those below), as Wagtail's own listings and choosers show."""

    if is_platform_admin(user):
        return model.objects.all()
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, MEDIA_ACTIONS)


def _scoped_media_api_views():
    class ScopedMediaMixin:
        def get_queryset(self):
            visible = visible_media(self.request.user, self.model)
            return super().get_queryset().filter(pk__in=visible.values("pk"))

    class ScopedImagesAdminAPIViewSet(ScopedMediaMixin, ImagesAdminAPIViewSet):
        pass

    class ScopedDocumentsAdminAPIViewSet(ScopedMediaMixin, DocumentsAdminAPIViewSet):
        pass

    return ScopedImagesAdminAPIViewSet, ScopedDocumentsAdminAPIViewSet


def scope_admin_api(router) -> None:
    """``construct_admin_api`` hook (run after Wagtail's): the images and documents
    endpoints list and show only what the user may see."""
    images, documents = _scoped_media_api_views()
    router.register_endpoint("images", images)
    router.register_endpoint("documents", documents)


# -- workflows, tasks and staff: names of other sites' must not show -------------


def may_see_page_workflow(user, page) -> bool:
    """Whether ``user`` may see ``page``'s workflow and tasks: they may edit the
    page, or act on its current task."""
    if page.permissions_for_user(user).can_edit():
        return True
    task = page.current_workflow_task
    return bool(task is not None and task.specific.get_actions(page, user))


class PageWorkflowScopedMixin:
    """Before Wagtail's workflow views of a page say anything (its workflow, its
    task, "not awaiting moderation" with its title), check the user may see it."""

    def dispatch(self, request, *args, **kwargs):
        if not may_see_page_workflow(request.user, self.object):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def users_for_filter(request, users):
    """``users`` (a user queryset offered in a filter) as far as the requester may
    see their names."""

    return users.filter(pk__in=staff_for_user(request.user).values("pk"))


class ScopedUsersFilterMixin:
    """For Wagtail's history filter sets: only the users the requester may see."""

    def get_users_queryset(self):
        return users_for_filter(self.request, super().get_users_queryset())


def _scoped_history_views():
    class ScopedPageHistoryFilterSet(ScopedUsersFilterMixin, PageHistoryFilterSet):
        pass

    class ScopedSiteHistoryReportFilterSet(
        ScopedUsersFilterMixin, SiteHistoryReportFilterSet
    ):
        pass

    class ScopedPageHistoryView(PageHistoryView):
        filterset_class = ScopedPageHistoryFilterSet

    class ScopedLogEntriesView(LogEntriesView):
        filterset_class = ScopedSiteHistoryReportFilterSet

    return ScopedPageHistoryView, ScopedLogEntriesView


ScopedPageHistoryView, ScopedLogEntriesView = _scoped_history_views()


def _scoped_page_viewset():
    class WorkflowActionView(PageWorkflowScopedMixin, workflow.WorkflowActionView):
        pass

    class CollectWorkflowActionDataView(
        PageWorkflowScopedMixin, workflow.CollectWorkflowActionDataView
    ):
        pass

    class ConfirmWorkflowCancellationView(
        PageWorkflowScopedMixin, workflow.ConfirmWorkflowCancellationView
    ):
        pass

    class PreviewRevisionForTaskView(
        PageWorkflowScopedMixin, workflow.PreviewRevisionForTaskView
    ):
        pass

    class ScopedPageViewSet(PageViewSet):
        """Wagtail's views of every page type, with the workflow views checking
        permission first and the history's user filter scoped."""

        model = Page
        name = "govsites_pages"
        workflow_action_view_class = WorkflowActionView
        collect_workflow_action_data_view_class = CollectWorkflowActionDataView
        confirm_workflow_cancellation_view_class = ConfirmWorkflowCancellationView
        workflow_preview_view_class = PreviewRevisionForTaskView
        history_view_class = ScopedPageHistoryView

    return ScopedPageViewSet


ScopedPageViewSet = _scoped_page_viewset()


def workflow_editors_only(view):
    """Wagtail's task chooser lists every task of the platform (names carry the
    site's name) and has no permission check: only people who may create or edit
    workflows, who see every workflow anyway, open it."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        policy = policy_registry.get_by_type(Workflow)
        if not policy.user_has_any_permission(request.user, ["add", "change"]):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
