"""The choices Wagtail's page and report filters offer, limited to the user's sites.

Replaces, at class level, the ``queryset`` of these filters (each filter set is
copied per request from its class's ``base_filters``, so one change reaches every
view that uses it, and the subclasses that share the filter objects):

- ``PageFilterSet`` and ``GenericPageFilterSet`` (the explorer, flat page
  listings, the workflow usage view, form pages): ``site`` (every
  site's name), ``owner`` and ``edited_by`` (every page owner and editor);
- ``LockedPagesReportFilterSet``: ``locked_by`` (every user who locked a page).

Why not a subclass: Wagtail's explorer (``wagtailadmin_explore``) and reports
build these filter sets inside views that are not viewsets; a subclass
would mean shadowing each of their URLs as well. No hook offers the choices.
``tests/overrides/test_explorer_filters.py`` pins the filters' names and that the
filter sets Wagtail uses share the filter objects we change.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet
from wagtail.admin.views.reports.locked_pages import (
    LockedPagesReportFilterSet,
    get_users_for_filter,
)
from wagtail.models import PageLogEntry, Site

from sites.admin_scoping import users_for_filter, visible_pages
from sites.selectors import sites_for_user


def site_choices(request):
    return Site.objects.filter(govsite__in=sites_for_user(request.user))


def owner_choices(request):
    owners = visible_pages(request.user).order_by().values("owner_id")
    return get_user_model().objects.filter(pk__in=owners)


def editor_choices(request):
    edited = (
        PageLogEntry.objects.filter(
            action="wagtail.edit", page__in=visible_pages(request.user).values("pk")
        )
        .order_by()
        .values("user_id")
    )
    return get_user_model().objects.filter(pk__in=edited)


def locked_by_choices(request):
    return users_for_filter(request, get_users_for_filter())


# (filter set, filter name, our queryset callable)
REPLACED = [
    *(
        (filterset, name, choices)
        for filterset in (PageFilterSet, GenericPageFilterSet)
        for name, choices in (
            ("site", site_choices),
            ("owner", owner_choices),
            ("edited_by", editor_choices),
        )
    ),
    (LockedPagesReportFilterSet, "locked_by", locked_by_choices),
]


def install() -> None:
    for filterset, name, choices in REPLACED:
        filterset.base_filters[name].queryset = choices
