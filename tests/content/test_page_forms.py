"""Every content page type is edited with ``ContentPageForm``, which runs the
publishing rules: the models do not import it, ``CmsConfig.ready()`` attaches it
(cms/apps.py)."""

import pytest

from cms.forms import ContentPageForm
from cms.models import (
    ArticlePage,
    ColumnPage,
    ConsultationPage,
    HomePage,
    InterpretationPage,
    PolicyDocumentPage,
)
from sites.forms import SitePageForm


@pytest.mark.parametrize(
    "model", [ArticlePage, PolicyDocumentPage, InterpretationPage, ConsultationPage]
)
def test_content_page_types_are_edited_with_the_content_page_form(model):
    assert model.base_form_class is ContentPageForm
    assert issubclass(model.get_edit_handler().get_form_class(), ContentPageForm)


@pytest.mark.parametrize("model", [HomePage, ColumnPage])
def test_home_and_column_pages_keep_the_site_page_form(model):
    form_class = model.get_edit_handler().get_form_class()
    assert issubclass(form_class, SitePageForm)
    assert not issubclass(form_class, ContentPageForm)
