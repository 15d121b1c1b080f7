"""Pins for sites.overrides.explorer_filters: the filters we change at class
level exist, every Wagtail view that offers them uses the filter sets we change
(or subclasses sharing the same filter objects), and our choices are in place."""

import pytest
from django_filters.filters import QuerySetRequestMixin
from wagtail.admin.views import workflows
from wagtail.admin.views.pages import listing
from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.views.reports import locked_pages
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.contrib.forms.views import FormPageFilterSet

from cms.models import ColumnPage
from sites.admin_scoping import ScopedPageViewSet
from sites.overrides.explorer_filters import REPLACED


@pytest.mark.parametrize(
    ("filterset", "name", "choices"),
    REPLACED,
    ids=[f"{f.__name__}.{n}" for f, n, _c in REPLACED],
)
def test_each_replaced_filter_exists_and_offers_our_choices(filterset, name, choices):
    field = filterset.base_filters[name]
    # Its queryset may be a callable taking the request (django-filter).
    assert isinstance(field, QuerySetRequestMixin)
    assert field.queryset is choices
    # A filter set is built per request from deep copies of its base filters.
    assert filterset().filters[name].queryset is choices


def test_wagtails_page_views_use_the_filter_sets_we_change():
    assert listing.IndexView.base_filterset_class is listing.PageFilterSet
    assert listing.ExplorableIndexView.base_filterset_class is (
        listing.GenericPageFilterSet
    )
    assert issubclass(listing.GenericPageFilterSet, listing.PageFilterSet)
    assert SearchView.filterset_class is None  # the page search offers no filters
    assert workflows.WorkflowUsageView.filterset_class is listing.GenericPageFilterSet
    assert ScopedPageViewSet.filterset_class is listing.GenericPageFilterSet

    class ColumnListing(PageListingViewSet):
        model = ColumnPage

    assert ColumnListing.filterset_class is listing.PageFilterSet
    assert locked_pages.LockedPagesView.filterset_class is (
        locked_pages.LockedPagesReportFilterSet
    )


def test_subclasses_of_the_changed_filter_sets_share_their_filters():
    for name in ("site", "owner", "edited_by"):
        assert (
            FormPageFilterSet.base_filters[name]
            is listing.PageFilterSet.base_filters[name]
        )
