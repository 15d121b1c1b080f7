"""The admin: push from a page, the status page, the target's inbox and dashboard."""

import pytest

from sites.tenancy import all_sites
from syndication.models import SyndicationTarget, TargetState
from tests.conftest import admin_client_for

from .conftest import address, client_for

pytestmark = pytest.mark.django_db


def rows(page):
    with all_sites():
        return list(SyndicationTarget.objects.filter(item__source_page=page))


def test_editor_pushes_to_the_counties_of_a_city_and_the_county_takes_it(
    province,
    city,
    county,
    department,
    province_editor,
    county_editor,
    notice,
    run_tasks,
):
    client = admin_client_for(province_editor)
    url = f"/admin/syndication/pages/{notice.pk}/push/"
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{city.name}的所有区县" in html and "所有部门网站" in html
    assert county.name in html
    response = client.post(
        url,
        {"shortcuts": [f"counties:{city.pk}"], "column_code": "tzgg"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/syndication/pages/{notice.pk}/status/"
    run_tasks()
    assert [(r.site_id, r.state) for r in rows(notice)] == [
        (county.pk, TargetState.PENDING)
    ]
    # The county's dashboard counts it; its inbox lists it.
    county_client = admin_client_for(county_editor)
    dashboard = county_client.get("/admin/").content.decode()
    assert "1 条其他网站推送的信息待处理" in dashboard
    inbox = county_client.get("/admin/syndication/inbox/").content.decode()
    assert notice.title in inbox
    target = rows(notice)[0]
    response = county_client.post(f"/admin/syndication/targets/{target.pk}/take/")
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.state == TargetState.LIVE
    page = client_for(county).get(address(target))
    assert "来源：" in page.content.decode()
    # The source sees who took it.
    status = client.get(f"/admin/syndication/pages/{notice.pk}/status/")
    assert county.name in status.content.decode()
    assert "已发布：1" in status.content.decode()


def test_another_sites_editor_sees_no_inbox_entry_and_cannot_act(
    province_editor, county, notice, other_editor, run_tasks
):
    client = admin_client_for(province_editor)
    client.post(
        f"/admin/syndication/pages/{notice.pk}/push/",
        {"targets": [str(county.pk)], "column_code": "tzgg"},
    )
    run_tasks()
    target = rows(notice)[0]
    other = admin_client_for(other_editor)
    assert notice.title not in other.get("/admin/syndication/inbox/").content.decode()
    for action in ("take", "decline", "hide"):
        response = other.post(
            f"/admin/syndication/targets/{target.pk}/{action}/", {"reason": "x"}
        )
        assert response.status_code == 404
    target.refresh_from_db()
    assert target.state == TargetState.PENDING
    # Nor may they push the province's item, or see its status.
    assert other.get(f"/admin/syndication/pages/{notice.pk}/push/").status_code == 404
    assert other.get(f"/admin/syndication/pages/{notice.pk}/status/").status_code == 404


def test_push_form_refuses_a_site_outside_the_hierarchy(
    province_editor, notice, other_site
):
    client = admin_client_for(province_editor)
    response = client.post(
        f"/admin/syndication/pages/{notice.pk}/push/",
        {"targets": [str(other_site.pk)], "column_code": "tzgg"},
    )
    assert response.status_code == 200  # the form again, nothing sent
    assert rows(notice) == []


def test_column_missing_everywhere_is_reported_in_chinese(
    province_editor, notice, county
):
    client = admin_client_for(province_editor)
    response = client.post(
        f"/admin/syndication/pages/{notice.pk}/push/",
        {"targets": [str(county.pk)], "column_code": "nosuch"},
    )
    assert "所选网站都没有栏目 nosuch" in response.content.decode()


def test_page_header_offers_push_and_report(province_editor, notice):
    client = admin_client_for(province_editor)
    html = client.get(f"/admin/pages/{notice.pk}/edit/").content.decode()
    assert f"/admin/syndication/pages/{notice.pk}/push/" in html
    assert f"/admin/syndication/pages/{notice.pk}/report/" in html
