"""Values kept per site generation never pass from one test to the next: the
generation of a shared site is the one committed with the template in every
test (each test's moves roll back), so without tests/conftest.py's
``fresh_kept_values`` the second test of the pair below would be answered from
what the first one kept. Both run in one process, in this order."""

import pytest
from django.test import Client
from wagtail.models import Page, PageViewRestriction

from sites import generation
from tests.factories.content import column

from .conftest import path_of

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("kept_isolation")]


def test_a_column_served_keeps_the_sites_restricted_paths(site):
    news = column(site, "zwyw")
    assert Client(HTTP_HOST=site.host).get(path_of(news)).status_code == 200
    assert generation.kept_for(site, "isolation-probe", lambda: "first") == "first"


def test_the_next_test_makes_its_own(site):
    """A restriction recorded without its signal (as by another process, before
    its change moved the generation): nothing was kept in this test, so the
    first answer is made from this test's rows."""
    news = column(site, "zwyw")
    PageViewRestriction.objects.bulk_create(
        [
            PageViewRestriction(
                page=Page.objects.get(pk=news.pk), restriction_type="login"
            )
        ]
    )
    assert Client(HTTP_HOST=site.host).get(path_of(news)).status_code == 302
    assert generation.kept_for(site, "isolation-probe", lambda: "second") == "second"
