"""No write changes the tenant column (``site_id``) of an existing row: Citus, which
distributes site-owned tables by it, refuses that. A transfer moves a case to
another site by copy; every statement the services run is watched."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from interaction import selectors, services
from interaction.models import Case, CaseAttachment, CaseEvent, CaseStatus
from sites.tenancy import SiteOwnedModel, all_sites, use_site
from tests.interaction.conftest import file_case
from tests.sites.test_tenant_walk import is_site_owned

pytestmark = pytest.mark.django_db

UPDATE = re.compile(r'^UPDATE "(?P<table>\w+)" SET (?P<set>.*?)(?: WHERE |$)', re.S)
SET_SITE = '"site_id" = %s'


def _upload():
    return SimpleUploadedFile("照片.pdf", b"%PDF-1.4 x", "application/pdf")


def _changes_site(sql: str, params) -> bool:
    """Whether an UPDATE that sets site_id may set it to another value than the
    one its WHERE clause pins (a full-row save writes the same value back, which
    Citus allows)."""
    match = UPDATE.match(sql)
    assigned = match["set"]
    if SET_SITE not in assigned:
        return True  # an expression: anything
    new = params[assigned[: assigned.index(SET_SITE)].count("%s")]
    where_at = sql.find(" WHERE ")
    pinned_at = sql.find(f'"{match["table"]}".{SET_SITE}', where_at)
    if where_at < 0 or pinned_at < 0:
        return True
    return new != params[sql[:pinned_at].count("%s")]


def _site_owned_tables() -> set[str]:
    from django.apps import apps

    return {
        model._meta.db_table
        for model in apps.get_models()
        if is_site_owned(model) and issubclass(model, SiteOwnedModel)
    }


@pytest.fixture
def tenant_column_writes():
    """Every UPDATE that sets site_id of a site-owned table, while the test runs."""
    tables = _site_owned_tables()
    seen: list[str] = []

    def watch(execute, sql, params, many, context):
        match = UPDATE.match(sql.strip())
        if (
            match
            and match["table"] in tables
            and '"site_id"' in match["set"]
            and _changes_site(sql.strip(), params)
        ):
            seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield seen


def test_the_watch_sees_a_write_of_the_tenant_column(
    county, city, tenant_column_writes
):
    case, _ = file_case(county)
    with use_site(county):
        CaseEvent.objects.filter(case_id=case.pk).update(site_id=city.pk)
    assert len(tenant_column_writes) == 1


def test_no_step_of_a_case_rewrites_a_rows_site(
    county, city, county_handler, city_handler, tenant_column_writes
):
    case, _code = file_case(county, attachments=[_upload()])
    services.case_accept(site=county, case=case, user=county_handler)
    services.case_note(site=county, case=case, user=county_handler, message="核实")
    services.case_personal_data_view(site=county, case=case, user=county_handler)
    services.case_transfer(
        site=county, case=case, user=county_handler, to_site=city, message="市级"
    )
    with use_site(city):
        case = Case.objects.get(pk=case.pk)
    services.case_accept(site=city, case=case, user=city_handler)
    services.case_reply(site=city, case=case, user=city_handler, reply="已处理。")
    services.case_rate(case=case, rating="dissatisfied", comment="太慢")
    services.case_reply(site=city, case=case, user=city_handler, reply="再处理。")
    services.case_close(site=city, case=case, user=city_handler)
    services.case_anonymise(site=city, case=case)
    services.interaction_settings_update(site=city, reply_working_days=10)
    client, _key = services.api_client_create(site=county, name="12345热线")
    services.api_client_deactivate(site=county, client=client)
    assert tenant_column_writes == []


def test_a_transfer_moves_the_rows_by_copy_keeping_ids_and_times(
    county, city, county_handler, city_handler, tenant_column_writes
):
    case, code = file_case(county, attachments=[_upload()], idempotency_key="k-1")
    services.case_accept(site=county, case=case, user=county_handler)
    with use_site(county):
        before_events = list(
            CaseEvent.objects.filter(case=case).values_list("pk", "kind", "created_at")
        )
        (attachment,) = CaseAttachment.objects.filter(case=case)
        submitted_at = Case.objects.get(pk=case.pk).submitted_at

    moved = services.case_transfer(
        site=county, case=case, user=county_handler, to_site=city, message="市级"
    )

    assert tenant_column_writes == []
    assert (moved.pk, moved.site_id, moved.intake_site_id) == (
        case.pk,
        city.pk,
        county.pk,
    )
    assert moved.status == CaseStatus.SUBMITTED
    assert moved.submitted_at == submitted_at
    assert moved.phone == "13812345678"  # personal data went with it, encrypted
    with all_sites():
        rows = {
            model.__name__: set(
                model.objects.filter(
                    **({"pk": case.pk} if model is Case else {"case_id": case.pk})
                ).values_list("site_id", flat=True)
            )
            for model in (Case, CaseEvent, CaseAttachment)
        }
    assert rows == {
        "Case": {city.pk},
        "CaseEvent": {city.pk},
        "CaseAttachment": {city.pk},
    }
    with use_site(city):
        after = list(
            CaseEvent.objects.filter(case=moved).values_list("pk", "kind", "created_at")
        )
        moved_attachment = CaseAttachment.objects.get(case=moved)
    assert after[: len(before_events)] == before_events
    assert [kind for _pk, kind, _at in after] == [
        "submitted",
        "accepted",
        "transferred",
    ]
    assert (moved_attachment.pk, moved_attachment.file.name) == (
        attachment.pk,
        attachment.file.name,
    )
    # The county sees none of it; the city's lists and the submitter's look-up
    # on the county's host find it.
    with use_site(county):
        assert not Case.objects.exists() and not CaseEvent.objects.exists()
    assert list(selectors.cases_for_user(county_handler)) == []
    assert list(selectors.cases_for_user(city_handler)) == [moved]
    found = services.case_lookup(
        site=county, tracking_number=case.tracking_number, query_code=code, client="t"
    )
    assert found.pk == case.pk and found.site_id == city.pk
    # A repeated submission under the same key still answers with the case.
    again, no_code = file_case(county, attachments=[_upload()], idempotency_key="k-1")
    assert (again.pk, no_code) == (case.pk, None)


def test_a_case_can_come_back_to_a_site_it_left(county, city, county_handler):
    case, _ = file_case(county, idempotency_key=str(uuid.uuid4()))
    services.case_transfer(
        site=county, case=case, user=county_handler, to_site=city, message="市级"
    )
    with use_site(city):
        case = Case.objects.get(pk=case.pk)
    back = services.case_transfer(
        site=city, case=case, user=None, to_site=county, message="退回县里"
    )
    assert (back.pk, back.site_id) == (case.pk, county.pk)
    with use_site(county):
        kinds = list(CaseEvent.objects.filter(case=back).values_list("kind", flat=True))
    assert kinds == ["submitted", "transferred", "transferred"]


def test_a_transfer_moves_every_kind_of_row_that_hangs_on_a_case():
    """A transfer deletes the case in the old site (services._case_move): a row of
    a kind it does not copy would be deleted with it. A new model pointing at
    Case must be moved there too, and named here."""
    hanging = {relation.related_model for relation in Case._meta.related_objects}
    assert hanging == {CaseEvent, CaseAttachment}, (
        "services._case_move copies events and attachments only; teach it "
        f"{sorted(m.__name__ for m in hanging - {CaseEvent, CaseAttachment})}"
    )
