"""Warnings in the admin: the dashboard panel, the table by level with its Excel
export, the refresh, the daily mail, and who sees what."""

import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from sites.models import SiteRole
from supervision import services
from supervision.models import SiteWarning, WarningKind, WarningLevel
from tests.conftest import _member, admin_client_for
from tests.factories import column
from tests.tasks import run_queued_tasks

from .helpers import publish_item

pytestmark = pytest.mark.django_db

# Static publishing's queued tasks (the whole-site publish each restored site's
# launch queued) stay queued: no check here reads its files (tests/delivery do).
STATIC_PUBLISHING = ("delivery.",)

URL = "/admin/supervision/warnings/"


@pytest.fixture
def stale_county(county, city, province):
    """The county's 政务动态 column silent for 12 days: a warning, not yet a veto."""
    publish_item(county, "gzdt", days=12, title="县里的旧消息")
    services.warnings_refresh(site_ids=[county.pk, city.pk, province.pk])
    return county


def _stale_row(site):
    return SiteWarning.objects.filter(
        site=site, kind=WarningKind.STALE_COLUMN, page=column(site, "gzdt")
    )


def test_refresh_stores_the_warnings_with_the_site(stale_county):
    from sites.tenancy import all_sites

    with all_sites():
        (row,) = _stale_row(stale_county)
    assert (row.level, row.days_since, row.threshold_days, row.days_left) == (
        WarningLevel.NOTICE,
        12,
        14,
        2,
    )


def test_county_and_city_dashboards_show_the_county_warning_before_the_veto(
    stale_county, city
):
    county_admin = _member(stale_county, SiteRole.ADMIN)
    city_admin = _member(city, SiteRole.ADMIN)
    for user in (county_admin, city_admin):
        response = admin_client_for(user).get("/admin/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "supervision-warnings" in body, body[body.find("<main") :][:3000]
        assert stale_county.name in body


def test_table_rolls_up_by_level(stale_county, city, province, other_site):
    services.warnings_refresh(site_ids=[other_site.pk])
    city_admin = _member(city, SiteRole.ADMIN)
    response = admin_client_for(city_admin).get(URL, {"ordering": "-level"})
    assert response.status_code == 200
    shown = {row.site_id for row in response.context["object_list"]}
    assert stale_county.pk in shown
    assert other_site.pk not in shown
    assert province.pk not in shown
    levels = [row.level for row in response.context["object_list"]]
    assert levels == sorted(levels, reverse=True)


def test_another_sites_editor_sees_none_of_the_warnings(stale_county, other_editor):
    client = admin_client_for(other_editor)
    response = client.get(URL)
    assert response.status_code == 200
    assert all(
        row.site_id != stale_county.pk for row in response.context["object_list"]
    )
    assert stale_county.name not in client.get("/admin/").content.decode()


def test_someone_without_a_site_is_refused(db):
    from tests.factories import UserFactory

    user = UserFactory(is_staff=False)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    # Wagtail turns a refusal into a redirect to the dashboard with a message.
    response = admin_client_for(user).get(URL)
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    response = admin_client_for(user).post("/admin/supervision/warnings/refresh/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not DBTaskResult.objects.filter(task_path__contains="warnings").exists()


def test_export_to_excel(stale_county, platform_admin):
    response = admin_client_for(platform_admin).get(
        URL, {"export": "xlsx", "kind": WarningKind.STALE_COLUMN}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "站点"
    assert any(row[0] == stale_county.name and row[5] == "政务动态" for row in rows)


def test_refresh_on_demand_covers_only_the_users_sites(stale_county, other_site):
    county_admin = _member(stale_county, SiteRole.ADMIN)
    publish_item(stale_county, "gzdt", days=1)
    response = admin_client_for(county_admin).post(
        "/admin/supervision/warnings/refresh/"
    )
    assert response.status_code == 302
    assert (
        DBTaskResult.objects.filter(task_path__contains="warnings_refresh").count() == 1
    )
    run_queued_tasks(skip=STATIC_PUBLISHING)
    from sites.tenancy import all_sites

    with all_sites():
        assert not _stale_row(stale_county).exists()
        assert not SiteWarning.objects.filter(site=other_site).exists()


def test_daily_mail_to_each_sites_admins(stale_county, other_site):
    county_admin = _member(stale_county, SiteRole.ADMIN)
    editor = _member(stale_county, SiteRole.EDITOR)
    from supervision.tasks import warnings_mail_task

    mail.outbox.clear()
    warnings_mail_task.func()
    run_queued_tasks(skip=STATIC_PUBLISHING)
    to_county = [m for m in mail.outbox if county_admin.email in m.to]
    assert len(to_county) == 1
    assert stale_county.name in to_county[0].subject
    assert "政务动态" in to_county[0].body
    assert all(editor.email not in m.to for m in mail.outbox)


def test_supervise_command_prints_json(stale_county):
    out = io.StringIO()
    call_command("supervise", "--site", stale_county.code, "--json", stdout=out)
    (entry,) = json.loads(out.getvalue())
    assert entry["site"] == stale_county.code
    stale = [w for w in entry["warnings"] if w["kind"] == "stale_column"]
    assert {
        (w["column"], w["days_since"], w["threshold"], w["days_left"]) for w in stale
    } >= {("政务动态", 12, 14, 2)}


def test_supervise_command_refuses_an_unknown_site(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("supervise", "--site", "0000000000", "--json")
