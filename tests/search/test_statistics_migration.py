"""Statistics stored before the masking rules grew are masked by migration 0002."""

import datetime
import importlib

import pytest
from django.apps import apps

from search.models import SearchQueryLog
from sites.tenancy import all_sites

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "search.migrations.0002_mask_personal_data_in_query_statistics"
)


def test_stored_queries_are_masked_and_their_counts_merged(site, other_site):
    day = datetime.date(2026, 3, 2)
    with all_sites():
        for owner, query, searches, zero in [
            (site, "zhang@example.org 报销", 2, 1),
            (site, "lisi@example.org 报销", 1, 0),
            (site, "* 报销", 4, 0),  # already masked, same day
            (site, "138.1234.5678", 1, 1),
            (site, "一网通办", 5, 0),
            (other_site, "wang@example.org 报销", 3, 3),
        ]:
            SearchQueryLog.objects.create(
                site=owner, day=day, query=query, searches=searches, zero_results=zero
            )

        migration.mask_stored_queries(apps, None)

        rows = {
            (row.site_id, row.query): (row.searches, row.zero_results)
            for row in SearchQueryLog.objects.all()
        }
    assert rows == {
        (site.pk, "* 报销"): (7, 1),
        (site.pk, "*"): (1, 1),
        (site.pk, "一网通办"): (5, 0),
        (other_site.pk, "* 报销"): (3, 3),
    }
