"""Push down (信息推送): one item stored once, shown on each target that takes it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.audit.models import AuditAction, AuditEvent
from search.documents import page_document
from sites.models import SiteStatus
from sites.services import site_status_change
from sites.signals import public_pages_changed
from sites.tenancy import all_sites
from syndication import services
from syndication.models import SyndicationTarget, TargetState
from syndication.signals import item_changed_on_sites
from tests.factories import ArticleFactory, SiteFactory, column

from .conftest import address, client_for, member

pytestmark = pytest.mark.django_db


def targets(item):
    with all_sites():
        return {t.site_id: t for t in SyndicationTarget.objects.filter(item=item)}


def push(user, page, sites, code="tzgg", **kwargs):
    return services.item_send(
        user=user, page=page, targets=sites, column_code=code, **kwargs
    )


def test_push_returns_before_any_row_and_the_task_writes_one_per_target(
    province_editor, notice, city, county, run_tasks
):
    plan = push(province_editor, notice, [city, county])
    assert {site.pk for site in plan.sites} == {city.pk, county.pk}
    assert targets(plan.item) == {}  # written by the queued fan-out
    run_tasks()
    rows = targets(plan.item)
    assert set(rows) == {city.pk, county.pk}
    assert {r.state for r in rows.values()} == {TargetState.PENDING}
    assert rows[county.pk].column.code == "tzgg"
    # Pushed again: nothing doubled.
    push(province_editor, notice, [county])
    run_tasks()
    assert len(targets(plan.item)) == 2


def test_taken_item_renders_in_target_theme_with_source_and_canonical(
    province, province_editor, notice, county, county_editor, run_tasks
):
    plan = push(province_editor, notice, [county])
    run_tasks()
    target = targets(plan.item)[county.pk]
    services.target_take(user=county_editor, target=target)
    target.refresh_from_db()
    assert target.state == TargetState.LIVE
    url = address(target)
    response = client_for(county).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "来源：" in html and province.name in html
    assert f'<link rel="canonical" href="{notice.get_full_url()}">' in html
    assert county.name in html  # the target's own header
    assert notice.title in html
    # An edit at the source shows at once (read live, no copy).
    notice.title = "关于做好防汛抗旱工作的通知"
    notice.save_revision().publish()
    assert "防汛抗旱" in client_for(county).get(url).content.decode()
    # Another site's host does not serve the reference.
    assert client_for(province).get(url).status_code == 404


def test_unpublishing_the_source_withdraws_it_everywhere_with_410(
    province_editor, notice, county, run_tasks, django_capture_on_commit_callbacks
):
    received = []

    def on_change(sender, page_id, site_ids, **kwargs):
        received.append((page_id, site_ids))

    pages_changed = []

    def on_pages_changed(sender, site_id, page_ids, **kwargs):
        pages_changed.append((site_id, page_ids))

    item_changed_on_sites.connect(on_change)
    public_pages_changed.connect(on_pages_changed)
    try:
        plan = push(province_editor, notice, [county], mandatory=True)
        with django_capture_on_commit_callbacks(execute=True):
            run_tasks()
        assert received == [(notice.pk, [county.pk])]
        # Static publishing told which of the county's columns lists it.
        column_id = targets(plan.item)[county.pk].column_id
        assert pages_changed == [(county.pk, [column_id])]
        target = targets(plan.item)[county.pk]
        assert target.state == TargetState.LIVE  # mandatory: live at once
        url = address(target)
        assert client_for(county).get(url).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            notice.unpublish()
        # Withdrawn at once; the targets' pages are told by the queued task.
        assert targets(plan.item)[county.pk].state == TargetState.WITHDRAWN
        assert len(received) == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert run_tasks() >= 1
        assert received[-1] == (notice.pk, [county.pk])
        assert pages_changed[-1] == (county.pk, [column_id])
        response = client_for(county).get(url)
        assert response.status_code == 410
        assert "该信息已从本网站撤回" in response.content.decode()
        assert targets(plan.item)[county.pk].state == TargetState.WITHDRAWN
    finally:
        item_changed_on_sites.disconnect(on_change)
        public_pages_changed.disconnect(on_pages_changed)


def test_deleting_the_source_withdraws_it_everywhere(
    province_editor, notice, county, run_tasks
):
    plan = push(province_editor, notice, [county], mandatory=True)
    run_tasks()
    target = targets(plan.item)[county.pk]
    url = address(target)
    notice.delete()
    assert targets(plan.item)[county.pk].state == TargetState.WITHDRAWN
    assert client_for(county).get(url).status_code == 410


def test_source_deleted_while_the_fan_out_waits_leaves_nothing_live(
    province_editor, notice, county, run_tasks
):
    plan = push(province_editor, notice, [county], mandatory=True)
    notice.delete()
    run_tasks()
    assert targets(plan.item) == {}


def test_mandatory_item_cannot_be_declined_only_hidden_with_a_reason(
    province_editor, notice, county, county_editor, run_tasks
):
    plan = push(province_editor, notice, [county], mandatory=True)
    run_tasks()
    target = targets(plan.item)[county.pk]
    with pytest.raises(ValidationError):
        services.target_decline(user=county_editor, target=target, reason="不适用")
    with pytest.raises(ValidationError):
        services.target_hide(user=county_editor, target=target, reason=" ")
    services.target_hide(user=county_editor, target=target, reason="与本地无关")
    target.refresh_from_db()
    assert (target.state, target.reason) == (TargetState.HIDDEN, "与本地无关")
    url = address(target)
    assert client_for(county).get(url).status_code == 410


def test_decline_needs_a_reason_and_another_sites_editor_cannot_act(
    province_editor, notice, county, county_editor, other_editor, run_tasks
):
    plan = push(province_editor, notice, [county])
    run_tasks()
    target = targets(plan.item)[county.pk]
    with pytest.raises(PermissionDenied):
        services.target_take(user=other_editor, target=target)
    with pytest.raises(PermissionDenied):
        services.target_decline(user=other_editor, target=target, reason="x")
    with pytest.raises(ValidationError):
        services.target_decline(user=county_editor, target=target, reason="")
    services.target_decline(user=county_editor, target=target, reason="已另行发布")
    target.refresh_from_db()
    assert target.state == TargetState.DECLINED
    assert target.decided_by == county_editor


def test_target_review_setting_holds_an_editors_take_for_a_reviewer(
    province_editor, notice, county, county_editor, run_tasks
):
    from sites.models import SiteRole
    from sites.tenancy import use_site
    from syndication.models import SyndicationSettings

    with use_site(county):
        SyndicationSettings.objects.create(site=county, review_taken_items=True)
    plan = push(province_editor, notice, [county])
    run_tasks()
    target = targets(plan.item)[county.pk]
    services.target_take(user=county_editor, target=target)
    assert target.state == TargetState.REVIEWING
    with pytest.raises(PermissionDenied):
        services.target_take(user=county_editor, target=target)
    services.target_take(user=member(county, SiteRole.REVIEWER), target=target)
    assert target.state == TargetState.LIVE


def test_push_outside_ones_hierarchy_or_to_a_closed_site_is_refused(
    province_editor, county_editor, notice, county, city, other_site, province
):
    with pytest.raises(PermissionDenied):
        push(province_editor, notice, [other_site])
    # A county editor pushes nothing of the province's.
    with pytest.raises(PermissionDenied):
        push(county_editor, notice, [county])
    closed = SiteFactory.child(city, "county", name="已关停县")
    site_status_change(site=closed, status=SiteStatus.CLOSED)
    with pytest.raises(PermissionDenied):
        push(province_editor, notice, [county, closed])


def test_column_code_no_target_has_is_refused_and_missing_sites_are_listed(
    province_editor, notice, county, department, run_tasks
):
    with pytest.raises(ValidationError):
        push(province_editor, notice, [county, department], code="nosuchcolumn")
    # qxdt is a city column; the county has the fallback, the department neither.
    plan = push(
        province_editor,
        notice,
        [county, department],
        code="xzdt",
        fallback_column_code="nosuch",
    )
    # The columns are planned by the queued push, not in the editor's request.
    assert plan.item.missing_column_sites == []
    planned, missing = plan.columns()
    assert [s.pk for s, _c in planned] == [county.pk]
    assert [s.pk for s in missing] == [department.pk]
    run_tasks()
    plan.item.refresh_from_db()
    assert [e["site"] for e in plan.item.missing_column_sites] == [department.pk]
    assert set(targets(plan.item)) == {county.pk}
    assert targets(plan.item)[county.pk].column.code == "xzdt"


def test_the_editors_request_costs_the_same_queries_whatever_the_number_of_targets(
    province_editor, notice, city, county, department
):
    push(province_editor, notice, [county])  # the item's record exists
    with CaptureQueriesContext(connection) as one:
        push(province_editor, notice, [county])
    with CaptureQueriesContext(connection) as three:
        push(province_editor, notice, [city, county, department])
    assert len(three) == len(one)


def test_search_has_one_document_listing_every_site_it_is_live_on(
    province, province_editor, notice, county, county_editor, run_tasks
):
    plan = push(province_editor, notice, [county])
    run_tasks()
    assert page_document(notice).site_ids == (province.pk,)
    target = targets(plan.item)[county.pk]
    services.target_take(user=county_editor, target=target)
    document = page_document(notice)
    assert document.site_ids == (province.pk, county.pk)
    assert document.urls[str(county.pk)].endswith(address(target))
    ArticleFactory(parent=column(county, "tzgg"), publish=True)  # unrelated


def test_platform_wide_search_finds_it_once_and_the_targets_search_finds_it(
    settings, province, province_editor, notice, county, city, county_editor, run_tasks
):
    from search.selectors import SearchParams, search_results

    settings.SEARCH_BACKEND = "postgres"
    plan = push(province_editor, notice, [county, city])
    run_tasks()
    for target in targets(plan.item).values():
        if target.site_id == county.pk:
            services.target_take(user=county_editor, target=target)
    run_tasks()  # the index update queued with the change

    def found(site, **params):
        _parsed, results = search_results(
            site=site, params=SearchParams(q="防汛", **params)
        )
        return [hit for hit in results.hits if hit.title == notice.title]

    [everywhere] = found(county, scope="all")
    assert everywhere.title == notice.title
    [on_county] = found(county)
    assert on_county.url_on(county.pk).startswith(f"http://{county.host}")
    assert "/s" in on_county.url_on(county.pk)
    assert found(city) == []  # pending on the city: not shown there yet


def test_every_step_is_in_the_audit_log(province_editor, notice, county, run_tasks):
    plan = push(province_editor, notice, [county])
    run_tasks()
    events = list(AuditEvent.objects.filter(action=AuditAction.SYNDICATION))
    assert len(events) == 1
    assert events[0].actor_id == province_editor.pk
    assert events[0].detail["item"] == plan.item.pk
    assert events[0].detail["sites"] == [county.pk]
