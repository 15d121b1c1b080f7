"""Published in step (同步发布) and the portal's 规范性文件库."""

import datetime

import pytest

from cms.models.choices import Validity
from sites.tenancy import all_sites
from syndication.models import Direction, SyndicationTarget, TargetState
from tests.factories import (
    InterpretationFactory,
    PolicyDocumentFactory,
    column,
)

from .conftest import address, client_for

pytestmark = pytest.mark.django_db


def live_on(page):
    with all_sites():
        return list(
            SyndicationTarget.objects.filter(
                item__source_page=page, state=TargetState.LIVE
            )
        )


def test_departments_normative_document_and_interpretation_go_live_on_the_portal(
    department, city, run_tasks
):
    document = PolicyDocumentFactory(
        parent=column(department, "zcwj"),
        publish=True,
        is_normative=True,
        issuing_organ="测试市教育局",
        title="关于规范校外培训的若干规定",
    )
    interpretation = InterpretationFactory(
        parent=column(department, "zcjd"), publish=True, document=document
    )
    run_tasks()
    [target] = live_on(document)
    assert (target.site_id, target.column.code, target.mandatory) == (
        city.pk,
        "zcwj",
        True,
    )
    assert target.direction == Direction.IN_STEP
    [interp_target] = live_on(interpretation)
    assert interp_target.column.code == "zcjd"
    url = address(target)
    html = client_for(city).get(url).content.decode()
    assert "关于规范校外培训的若干规定" in html and department.name in html
    # Published again (an update): not sent twice.
    document.save_revision().publish()
    run_tasks()
    assert len(live_on(document)) == 1
    # Repealed at the source: stamped on the portal.
    document.validity = Validity.REPEALED
    document.validity_changed_on = datetime.date(2026, 6, 1)
    document.save_revision().publish()
    html = client_for(city).get(url).content.decode()
    assert "废止" in html
    # Listed in the city's library, linking to where it lives, with its numbers.
    library = client_for(city).get("/gfxwjk/").content.decode()
    assert "关于规范校外培训的若干规定" in library
    assert document.get_full_url() in library
    assert document.document_number in library
    document.refresh_from_db()
    assert document.registration.number in library


def test_a_non_normative_document_is_not_sent_and_the_setting_turns_it_off(
    department, run_tasks
):
    from sites.tenancy import use_site
    from syndication.models import SyndicationSettings

    plain = PolicyDocumentFactory(parent=column(department, "zcwj"), publish=True)
    run_tasks()
    assert live_on(plain) == []
    with use_site(department):
        SyndicationSettings.objects.create(site=department, publish_in_step=False)
    normative = PolicyDocumentFactory(
        parent=column(department, "zcwj"), publish=True, is_normative=True
    )
    run_tasks()
    assert live_on(normative) == []


def test_library_filters_and_scope(province, city, county, department):
    PolicyDocumentFactory(
        parent=column(county, "zcwj"),
        publish=True,
        is_normative=True,
        issuing_organ="测试县人民政府",
        title="县级规范性文件",
        written_on=datetime.date(2025, 1, 5),
    )
    PolicyDocumentFactory(
        parent=column(province, "zcwj"),
        publish=True,
        is_normative=True,
        issuing_organ="测试省人民政府",
        title="省级规范性文件",
    )
    city_library = client_for(city).get("/gfxwjk/").content.decode()
    assert "县级规范性文件" in city_library
    assert "省级规范性文件" not in city_library  # above the city
    province_library = client_for(province).get("/gfxwjk/")
    assert "县级规范性文件" in province_library.content.decode()
    filtered = client_for(province).get("/gfxwjk/", {"year": 2026}).content.decode()
    assert "县级规范性文件" not in filtered and "省级规范性文件" in filtered
    by_organ = client_for(province).get("/gfxwjk/", {"organ": "测试县"})
    assert "省级规范性文件" not in by_organ.content.decode()
    assert client_for(department).get("/gfxwjk/").status_code == 404
