"""The demo content uses every page type and obeys the publishing rules."""

import pytest
from django.test import Client

from cms.models import (
    ArticlePage,
    ConsultationPage,
    InterpretationPage,
    NormativeRegistration,
    PolicyDocumentPage,
)
from demo.content import seed_site_content

pytestmark = pytest.mark.django_db


def test_full_demo_content_has_every_page_type_and_is_idempotent(site):
    made = seed_site_content(site, full=True)
    under = {"root": site.root_page}
    assert made == 15
    assert ArticlePage.objects.descendant_of(under["root"]).live().count() == 10
    new, old = (
        PolicyDocumentPage.objects.descendant_of(under["root"])
        .live()
        .order_by("-written_on")
    )
    assert old.validity == "repealed" and old.superseded_by_id == new.pk
    interpretation = InterpretationPage.objects.get(document=new)
    assert interpretation.live
    assert NormativeRegistration.objects.filter(document=new).exists()
    states = sorted(
        page.state for page in ConsultationPage.objects.descendant_of(under["root"])
    )
    assert states == ["open", "reported"]
    assert seed_site_content(site, full=True) == 0

    client = Client(HTTP_HOST=site.host)
    page = client.get(new.relative_url(site.wagtail_site)).content.decode()
    assert interpretation.title in page and new.index_number in page
    repealed = client.get(old.relative_url(site.wagtail_site)).content.decode()
    assert 'class="validity-notice"' in repealed and new.title in repealed
