"""Self-check scores from the stored warnings, links and probes."""

import pytest

from sites.models import GovSite
from supervision import services
from supervision.selfcheck import ITEMS, selfcheck_list
from tests.conftest import admin_client_for
from tests.factories import column

from .helpers import age_site, file_case, publish_item

pytestmark = pytest.mark.django_db


def test_failing_items_with_links_to_fix_them(county):
    age_site(county, 20)
    file_case(county, days_ago_filed=95, due_in=-70)
    GovSite.objects.filter(pk=county.pk).update(icp_number="")
    county.refresh_from_db()
    services.warnings_refresh(site_ids=[county.pk])
    (check,) = selfcheck_list(sites=[county])
    failing = {failure.code: failure for failure in check.failures}
    assert {"home_page", "empty_columns", "messages", "deadlines", "filing"} <= set(
        failing
    )
    assert check.vetoed
    assert check.score == round(100 * (len(ITEMS) - len(failing)) / len(ITEMS))
    assert failing["home_page"].fix_url == f"/admin/pages/{county.root_page.pk}/edit/"
    assert failing["filing"].fix_url == f"/admin/govsites/edit/{county.pk}/"


def test_a_tidy_site_passes_the_items_it_can(county):
    for code in ("gzdt",):
        publish_item(county, code, days=1)
    services.warnings_refresh(site_ids=[county.pk])
    (check,) = selfcheck_list(sites=[county])
    assert "home_page" not in {f.code for f in check.failures}
    assert "columns" not in {f.code for f in check.failures}
    assert column(county, "gzdt")


def test_selfcheck_page_shows_the_users_sites_only(county, other_site, other_editor):
    services.warnings_refresh(site_ids=[county.pk, other_site.pk])
    response = admin_client_for(other_editor).get("/admin/supervision/selfcheck/")
    body = response.content.decode()
    assert response.status_code == 200
    assert other_site.code in body
    assert county.code not in body
