"""Pins for core.uploads.choosers: the image and document choosers' choose and
results views, mounted ahead of Wagtail's own by a ``register_admin_urls`` hook in
cms/wagtail_hooks.py. If Wagtail moves a chooser's address, or renames what the
views override, Wagtail's chooser (opening at every collection) would answer again
without a word: these fail first."""

import inspect

import pytest
from django.urls import resolve, reverse
from django.utils.functional import cached_property
from wagtail.documents.views import chooser as document_chooser
from wagtail.images.views import chooser as image_chooser

from core.uploads import choosers

CHOOSER_VIEWS = [
    (
        "wagtaildocs_chooser:choose",
        document_chooser.DocumentChooseView,
        choosers.OwnCollectionDocumentChooseView,
    ),
    (
        "wagtaildocs_chooser:choose_results",
        document_chooser.DocumentChooseResultsView,
        choosers.OwnCollectionDocumentChooseResultsView,
    ),
    (
        "wagtailimages_chooser:choose",
        image_chooser.ImageChooseView,
        choosers.OwnCollectionImageChooseView,
    ),
    (
        "wagtailimages_chooser:choose_results",
        image_chooser.ImageChooseResultsView,
        choosers.OwnCollectionImageChooseResultsView,
    ),
]


WAGTAIL_VIEWSETS = {
    "wagtaildocs_chooser": document_chooser.viewset,
    "wagtailimages_chooser": image_chooser.viewset,
}


@pytest.mark.parametrize(
    ("name", "replaced", "ours"), CHOOSER_VIEWS, ids=[v[0] for v in CHOOSER_VIEWS]
)
def test_each_chooser_address_is_answered_by_our_subclass_of_wagtails_view(
    name, replaced, ours
):
    namespace, url_name = name.split(":")
    wagtails = WAGTAIL_VIEWSETS[namespace]
    [route] = [
        str(pattern.pattern)
        for pattern in wagtails.get_urlpatterns()
        if pattern.name == url_name
    ]
    url = reverse(name)
    assert url == f"/admin/{wagtails.url_prefix}/{route}", (
        f"Wagtail moved {name}: mount ours (core.uploads.choosers) at its new path"
    )
    [view] = [
        pattern.callback
        for pattern in wagtails.get_urlpatterns()
        if pattern.name == url_name
    ]
    assert view.view_class is replaced
    assert resolve(url).func.view_class is ours
    assert issubclass(ours, replaced)


@pytest.mark.parametrize("replaced", [v[1] for v in CHOOSER_VIEWS])
def test_what_the_views_override_is_still_wagtails(replaced):
    """OwnCollectionFirstMixin replaces get_filter_form(self), which Wagtail's
    view builds from request.GET and its cached ``collections``, through
    get_filter_form_class()."""
    assert list(inspect.signature(replaced.get_filter_form).parameters) == ["self"]
    source = inspect.getsource(replaced.get_filter_form)
    assert "self.get_filter_form_class()" in source
    assert "collections=self.collections" in source, (
        "Wagtail's chooser no longer passes collections to its filter form: "
        "check core.uploads.choosers.OwnCollectionFirstMixin"
    )
    assert isinstance(inspect.getattr_static(replaced, "collections"), cached_property)
