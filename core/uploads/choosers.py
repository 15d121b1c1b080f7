"""The image and document choosers open at the user's own site's collection.

Wagtail's choosers list what the user may choose (the collections where their
groups hold the permission: their sites' collections and those below) and open
on all of them, newest first. For someone who works for a county and for its
province, that is the province's whole library, and the county's own files are
lost among them. Here the collection filter starts at the user's own site's
collection (``home_site_for_user``: the most local site they are a member of);
"All collections" or another collection is one choice away, and a request that
names a collection (the chooser's own filter, its pagination) is left as it is.

The views are Wagtail's, from a copy of Wagtail's viewset with the same name and
address (so every link it builds stays the same), mounted ahead of Wagtail's own
by ``register_admin_urls`` in ``cms/wagtail_hooks.py``.
"""

from django.urls import path
from wagtail.documents import get_document_model_string
from wagtail.documents.views.chooser import (
    DocumentChooseResultsView,
    DocumentChooserViewSet,
    DocumentChooseView,
)
from wagtail.images import get_image_model_string
from wagtail.images.views.chooser import (
    ImageChooseResultsView,
    ImageChooserViewSet,
    ImageChooseView,
)

from sites.selectors import home_site_for_user

COLLECTION_PARAM = "collection_id"


def default_collection_id(*, user, collections) -> int | None:
    """The collection a chooser opens at for ``user``: their own site's, if it is
    among ``collections`` (those the chooser offers), else none (all)."""
    if not collections:
        return None
    site = home_site_for_user(user)
    if site is None or not collections.filter(pk=site.collection_id).exists():
        return None
    return site.collection_id


class OwnCollectionFirstMixin:
    """For Wagtail's image and document choose views (which have ``collections``)."""

    def get_filter_form(self):
        data = self.request.GET
        if COLLECTION_PARAM not in data:
            collection_id = default_collection_id(
                user=self.request.user, collections=self.collections
            )
            if collection_id is not None:
                data = data.copy()
                data[COLLECTION_PARAM] = str(collection_id)
        return self.get_filter_form_class()(data, collections=self.collections)


class OwnCollectionDocumentChooseView(OwnCollectionFirstMixin, DocumentChooseView):
    pass


class OwnCollectionDocumentChooseResultsView(
    OwnCollectionFirstMixin, DocumentChooseResultsView
):
    pass


class OwnCollectionImageChooseView(OwnCollectionFirstMixin, ImageChooseView):
    pass


class OwnCollectionImageChooseResultsView(
    OwnCollectionFirstMixin, ImageChooseResultsView
):
    pass


class OwnCollectionDocumentChooserViewSet(DocumentChooserViewSet):
    choose_view_class = OwnCollectionDocumentChooseView
    choose_results_view_class = OwnCollectionDocumentChooseResultsView


class OwnCollectionImageChooserViewSet(ImageChooserViewSet):
    choose_view_class = OwnCollectionImageChooseView
    choose_results_view_class = OwnCollectionImageChooseResultsView


def chooser_urls() -> list:
    """The choose and results views of both choosers, under ``admin/``; never
    registered as viewsets (Wagtail's own are, with the same names)."""
    documents = OwnCollectionDocumentChooserViewSet(
        "wagtaildocs_chooser",
        model=get_document_model_string(),
        url_prefix="documents/chooser",
    )
    images = OwnCollectionImageChooserViewSet(
        "wagtailimages_chooser",
        model=get_image_model_string(),
        url_prefix="images/chooser",
    )
    return [
        path(f"{viewset.url_prefix}/{suffix}", view)
        for viewset in (documents, images)
        for suffix, view in (
            ("", viewset.choose_view),
            ("results/", viewset.choose_results_view),
        )
    ]
