"""Case services against PostgreSQL: intake, numbers, idempotency, handling, rating."""

import datetime
import itertools
import threading
import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from core.audit.models import AuditEvent
from interaction import services
from interaction.models import Case, CaseEvent, CaseStatus
from sites.tenancy import all_sites, use_site
from tests.interaction.conftest import file_case

pytestmark = pytest.mark.django_db


def test_case_submit_gives_random_tracking_numbers_with_a_check_digit(county):
    first, code = file_case(county)
    numbers = [first.tracking_number] + [
        file_case(county)[0].tracking_number for _ in range(5)
    ]
    prefix = f"{county.code}{timezone.localdate():%Y}"
    for number in numbers:
        assert number.isdigit() and len(number) == len(prefix) + 10
        assert number.startswith(prefix)
        assert services.luhn_check_digit(number[len(county.code) : -1]) == number[-1]
    # Not a sequence: nobody learns the next person's number from their own.
    tails = sorted(int(n[len(prefix) : -1]) for n in numbers)
    assert len(set(tails)) == 6
    assert any(b - a > 1000 for a, b in itertools.pairwise(tails))
    assert len(code) == 8
    assert first.due_on > timezone.localdate()
    with use_site(county):
        assert [e.kind for e in first.events.all()] == ["submitted"]


def test_case_submit_keeps_the_query_code_only_as_a_keyed_hash(county):
    case, code = file_case(county)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT query_code_hash, phone, email, id_number FROM interaction_case "
            "WHERE id = %s",
            [case.pk],
        )
        stored = cursor.fetchone()
    assert code not in stored[0]
    assert stored[0] == services.query_code_hash(case.tracking_number, code)
    # Personal data is ciphertext in the table; the model reads it back.
    assert "13812345678" not in stored[1] and stored[1].startswith("a1:")
    assert "zhangsan" not in stored[2]
    assert "210102199001011234" not in stored[3]
    with use_site(county):
        assert Case.objects.get(pk=case.pk).phone == "13812345678"


def test_case_submit_with_the_same_idempotency_key_stores_one_case(county):
    key = str(uuid.uuid4())
    first, code = file_case(county, idempotency_key=key)
    again, no_code = file_case(county, idempotency_key=key)
    assert again.pk == first.pk and code and no_code is None
    with use_site(county):
        assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "change", [{"content": "另一件事"}, {"phone": "13900000000"}, {"kind": "inquiry"}]
)
def test_the_same_idempotency_key_with_other_content_is_refused(county, change):
    key = str(uuid.uuid4())
    first, _code = file_case(county, idempotency_key=key)
    with pytest.raises(services.IdempotencyConflict) as conflict:
        file_case(county, idempotency_key=key, **change)
    assert conflict.value.case.pk == first.pk
    with use_site(county):
        assert Case.objects.count() == 1


def test_names_are_stored_encrypted(county, open_consultation):
    case, _code = file_case(county, name="张三丰")
    comment, _created = services.comment_submit(
        site=county,
        consultation=open_consultation,
        name="李四",
        contact="13700000000",
        text="建议",
        idempotency_key=str(uuid.uuid4()),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM interaction_case WHERE id = %s", [case.pk])
        (stored_case,) = cursor.fetchone()
        cursor.execute(
            "SELECT name FROM interaction_comment WHERE id = %s", [comment.pk]
        )
        (stored_comment,) = cursor.fetchone()
    assert "张三丰" not in stored_case and stored_case.startswith("a1:")
    assert "李四" not in stored_comment and stored_comment.startswith("a1:")
    with use_site(county):
        assert Case.objects.get(pk=case.pk).name == "张三丰"


def test_the_migration_encrypts_plain_names_and_back(county):
    import importlib

    migration = importlib.import_module(
        "interaction.migrations.0002_encrypt_names_and_random_numbers"
    )
    case, _code = file_case(county, name="王五")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE interaction_case SET name = %s WHERE id = %s", ["王五", case.pk]
        )

    class Editor:
        connection = connection

    def stored():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM interaction_case WHERE id = %s", [case.pk])
            return cursor.fetchone()[0]

    migration.encrypt_names(None, Editor)
    assert stored().startswith("a1:")
    migration.encrypt_names(None, Editor)  # running twice changes nothing more
    with use_site(county):
        assert Case.objects.get(pk=case.pk).name == "王五"
    migration.decrypt_names(None, Editor)
    assert stored() == "王五"


def test_case_submit_mails_the_query_code_after_commit(
    county, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case, code = file_case(county)
    assert len(mail.outbox) == 1
    assert code in mail.outbox[0].body and case.tracking_number in mail.outbox[0].body
    assert mail.outbox[0].to == ["zhangsan@example.org"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_get_distinct_numbers_and_one_case_per_key(county):
    """Eight threads on their own connections: four distinct keys, each sent twice
    at once. Four cases, four distinct sequence numbers."""
    keys = [str(uuid.uuid4()) for _ in range(4)] * 2
    barrier = threading.Barrier(len(keys))
    errors = []

    def submit(key):
        try:
            barrier.wait()
            file_case(county, idempotency_key=key)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(k,)) for k in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with all_sites():
        numbers = list(Case.objects.values_list("tracking_number", flat=True))
    assert len(numbers) == 4 and len(set(numbers)) == 4


def test_a_report_about_own_staff_goes_to_the_parent_site(county, city):
    case, _code = file_case(county, kind="report", about_own_staff=True)
    assert case.site_id == city.pk and case.intake_site_id == county.pk
    assert case.tracking_number.startswith(county.code)
    with use_site(county):
        assert not Case.objects.exists()


def test_only_a_report_goes_to_the_level_above(county):
    with pytest.raises(ValidationError):
        file_case(county, kind="complaint", about_own_staff=True)
    with all_sites():
        assert not Case.objects.exists()


def test_a_province_report_about_own_staff_is_refused(province):
    with pytest.raises(ValidationError):
        file_case(province, kind="report", about_own_staff=True)


def _lookup(site, number, code, client="ip:203.0.113.9"):
    return services.case_lookup(
        site=site, tracking_number=number, query_code=code, client=client
    )


def _refusal(site, number, code, client="ip:203.0.113.9"):
    with pytest.raises(services.LookupRefused) as refused:
        _lookup(site, number, code, client)
    return refused.value.message


def test_case_lookup_needs_the_right_code_and_locks_after_five_wrong(county):
    case, code = file_case(county)
    assert _lookup(county, case.tracking_number, code.lower()).pk == case.pk
    for _ in range(5):
        _refusal(county, case.tracking_number, "WRONG123")
    message = _refusal(county, case.tracking_number, code)
    assert "Too many" in message or "过多" in message


def test_a_stranger_cannot_lock_the_submitter_out(county):
    case, code = file_case(county)
    for _ in range(8):
        _refusal(county, case.tracking_number, "WRONG123", client="ip:198.51.100.7")
    # The stranger is locked out of this number; the submitter, elsewhere, is not.
    assert _lookup(county, case.tracking_number, code, client="ip:203.0.113.9")
    message = _refusal(county, case.tracking_number, code, client="ip:198.51.100.7")
    assert "Too many" in message or "过多" in message


def test_unknown_numbers_wrong_codes_and_locks_answer_alike(county):
    case, _code = file_case(county)
    unknown = case.tracking_number[:-3] + (
        "000" if not case.tracking_number.endswith("000") else "111"
    )
    answers = {}
    for number in (case.tracking_number, unknown):
        answers[number] = [_refusal(county, number, "WRONG123") for _ in range(6)]
    assert answers[case.tracking_number] == answers[unknown]
    assert answers[unknown][0] != answers[unknown][5]  # the sixth says "locked"


def test_numbers_issued_before_stay_valid_and_may_be_typed_loosely(county):
    case, code = file_case(county)
    old = f"{county.code}2026010100042"
    with use_site(county):
        Case.objects.filter(pk=case.pk).update(
            tracking_number=old, query_code_hash=services.query_code_hash(old, code)
        )
    assert _lookup(county, old, code).pk == case.pk
    spaced = " ".join([old[:10], old[10:18], old[18:]])
    full_width = spaced.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    assert _lookup(county, full_width, code).pk == case.pk


def test_case_lookup_refuses_forged_numbers_and_other_sites_numbers(county, city):
    case, code = file_case(county)
    for number in ("", "2101000001' OR 1=1 --", case.tracking_number + "0", "x" * 32):
        _refusal(county, number, code)
    # Right number and code, asked on another site's host.
    _refusal(city, case.tracking_number, code)


def test_transfer_moves_the_case_and_its_history(
    county, city, county_handler, city_handler
):
    case, code = file_case(county)
    services.case_accept(site=county, case=case, user=county_handler)
    services.case_note(
        site=county, case=case, user=county_handler, message="需市里处理"
    )
    moved = services.case_transfer(
        site=county, case=case, user=county_handler, to_site=city, message="属市级事权"
    )
    assert moved.site_id == city.pk and moved.status == CaseStatus.SUBMITTED
    with use_site(county):
        assert not Case.objects.exists() and not CaseEvent.objects.exists()
    with use_site(city):
        kinds = list(
            CaseEvent.objects.filter(case=moved).values_list("kind", flat=True)
        )
    assert kinds == ["submitted", "accepted", "note", "transferred"]
    # The county can no longer act on it.
    with pytest.raises(PermissionDenied):
        services.case_accept(site=county, case=moved, user=county_handler)
    # The submitter still looks it up on the county's host.
    assert _lookup(county, case.tracking_number, code).site_id == city.pk


def test_transfer_only_up_or_down_the_hierarchy(county, city, province, department):
    other_province_case_site = None
    case, _ = file_case(county)
    from tests.factories import SiteFactory

    other_province_case_site = SiteFactory()
    with pytest.raises(services.CaseActionError):
        services.case_transfer(
            site=county,
            case=case,
            user=None,
            to_site=other_province_case_site,
            message="x",
        )
    targets = set(services.transfer_targets(site=county).values_list("pk", flat=True))
    assert {city.pk, province.pk, department.pk} <= targets
    assert county.pk not in targets and other_province_case_site.pk not in targets


def test_reply_close_rate_and_reopen_once(county, county_handler):
    case, _ = file_case(county)
    with pytest.raises(services.CaseActionError):
        services.case_reply(site=county, case=case, user=county_handler, reply="答复")
    services.case_accept(site=county, case=case, user=county_handler)
    services.case_reply(site=county, case=case, user=county_handler, reply="已修复。")
    case = services.case_rate(case=case, rating="dissatisfied", comment="没修好")
    assert case.status == CaseStatus.ACCEPTED and case.reopened_count == 1
    services.case_reply(
        site=county, case=case, user=county_handler, reply="已再次修复。"
    )
    case = services.case_rate(case=case, rating="dissatisfied", comment="还是不行")
    assert case.status == CaseStatus.REPLIED  # reopens only once
    with pytest.raises(services.CaseActionError):
        services.case_rate(case=case, rating="satisfied")
    services.case_close(site=county, case=case, user=county_handler)
    with use_site(county):
        kinds = [e.kind for e in case.events.all()]
    assert kinds.count("reopened") == 1 and kinds[-1] == "closed"


def test_decline_needs_a_reason(county, county_handler):
    case, _ = file_case(county)
    with pytest.raises(services.CaseActionError):
        services.case_decline(site=county, case=case, user=county_handler, reason=" ")
    services.case_decline(
        site=county, case=case, user=county_handler, reason="不属于受理范围"
    )
    assert case.status == CaseStatus.DECLINED


def test_status_changes_queue_a_mail_task_without_personal_data(county, county_handler):
    from django_tasks_db.models import DBTaskResult

    from tests.tasks import run_queued_tasks

    case, _ = file_case(county)
    services.case_accept(site=county, case=case, user=county_handler)
    queued = list(DBTaskResult.objects.values_list("args_kwargs", flat=True))
    assert queued and "zhangsan" not in str(queued)
    mail.outbox.clear()
    run_queued_tasks()
    assert len(mail.outbox) == 1 and case.tracking_number in mail.outbox[0].subject


class FailingMail:
    """An e-mail backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def _mail_tasks():
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.filter(task_path__endswith=".notify_submitter"))


def test_a_notification_that_fails_is_tried_again_later_then_fails(
    county, county_handler, settings
):

    from interaction.tasks import MAIL_RETRY_DELAYS

    case, _ = file_case(county)
    services.case_accept(site=county, case=case, user=county_handler)
    settings.EMAIL_BACKEND = f"{__name__}.FailingMail"
    for attempt in range(len(MAIL_RETRY_DELAYS)):
        (queued,) = _mail_tasks()
        assert queued.args_kwargs["args"][2:] in ([], [attempt])
        queued.delete()
        # The task itself returns: the next try is queued, for later.
        queued.task.func(*queued.args_kwargs["args"])
        (retry,) = _mail_tasks()
        assert retry.run_after > timezone.now()
        assert retry.args_kwargs["args"] == [county.pk, case.pk, attempt + 1]
    assert retry.run_after - timezone.now() > datetime.timedelta(hours=1)
    (last,) = _mail_tasks()
    with pytest.raises(ConnectionRefusedError):  # the worker records FAILED
        last.task.func(*last.args_kwargs["args"])


def test_a_notification_is_sent_on_a_later_try(county, county_handler, settings):

    case, _ = file_case(county)
    services.case_accept(site=county, case=case, user=county_handler)
    settings.EMAIL_BACKEND = f"{__name__}.FailingMail"
    (queued,) = _mail_tasks()
    queued.delete()
    queued.task.func(*queued.args_kwargs["args"])
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    (retry,) = _mail_tasks()
    retry.task.func(*retry.args_kwargs["args"])
    assert len(mail.outbox) == 1 and case.tracking_number in mail.outbox[0].subject


def test_personal_data_view_is_audited(county, county_handler):
    case, _ = file_case(county)
    data = services.case_personal_data_view(site=county, case=case, user=county_handler)
    assert data["phone"] == "13812345678"
    # In the platform's audit log (core.audit), not among the case's steps.
    event = AuditEvent.objects.get(action="unmasked", object_id=str(case.pk))
    assert event.actor == county_handler and event.site_id == county.pk
    assert event.created_at


def test_expired_cases_are_anonymised_after_the_retention_period(
    county, county_handler
):
    case, _ = file_case(county)
    kept, _ = file_case(county)
    for c in (case, kept):
        services.case_accept(site=county, case=c, user=county_handler)
        services.case_reply(site=county, case=c, user=county_handler, reply="答复")
        services.case_close(site=county, case=c, user=county_handler)
    with use_site(county):
        Case.objects.filter(pk=case.pk).update(
            closed_at=timezone.now() - datetime.timedelta(days=731)
        )
    assert services.cases_anonymise_expired(site=county) == 1
    with use_site(county):
        gone = Case.objects.get(pk=case.pk)
        still = Case.objects.get(pk=kept.pk)
    assert (gone.phone, gone.email, gone.id_number) == ("", "", "")
    assert gone.name == services.ANONYMISED_NAME and gone.anonymised_at
    assert still.phone == "13812345678"


def test_case_input_is_validated_by_the_shared_form(county):
    from interaction.forms import CaseFieldsForm

    form = CaseFieldsForm(
        data={
            "kind": "complaint",
            "title": "<script>alert(1)</script>",
            "content": "x" * 100_000,
            "phone": "call me",
            "id_number": "12345",
        }
    )
    assert not form.is_valid()
    assert set(form.errors) == {"content", "phone", "id_number"}
    # Markup is removed, its text kept as plain text.
    assert form.cleaned_data["title"] == "alert(1)"
    only_markup = CaseFieldsForm(
        data={"kind": "inquiry", "title": "<b></b>", "content": "<img src=x onerror=1>"}
    )
    assert not only_markup.is_valid()
    assert set(only_markup.errors) == {"title", "content"}


def test_a_report_about_own_staff_never_goes_to_the_reported_sites_subtree(
    county, city, city_handler, department, english_messages
):
    from tests.factories import SiteFactory

    county_department = SiteFactory.child(county, "department", name="测试县教育局")
    report, _ = file_case(county, kind="report", about_own_staff=True)
    assert report.site_id == city.pk
    targets = set(
        services.transfer_targets(site=city, case=report).values_list("pk", flat=True)
    )
    assert county.pk not in targets and county_department.pk not in targets
    assert department.pk in targets  # the city's own department may take it
    for to_site in (county, county_department):
        with pytest.raises(services.CaseActionError, match="below it"):
            services.case_transfer(
                site=city, case=report, user=city_handler, to_site=to_site, message="x"
            )
    with all_sites():
        assert Case.objects.get(pk=report.pk).site_id == city.pk
    # An ordinary case of the city may still go down to the county's department.
    ordinary, _ = file_case(city)
    assert (
        services.transfer_targets(site=city, case=ordinary)
        .filter(pk=county_department.pk)
        .exists()
    )


def test_a_stale_case_cannot_be_rated_twice(county, county_handler):
    case, _ = file_case(county)
    services.case_accept(site=county, case=case, user=county_handler)
    services.case_reply(site=county, case=case, user=county_handler, reply="已修复。")
    with use_site(county):
        first_tab = Case.objects.get(pk=case.pk)
        second_tab = Case.objects.get(pk=case.pk)
    services.case_rate(case=first_tab, rating="satisfied")
    with pytest.raises(services.CaseActionError):
        services.case_rate(case=second_tab, rating="dissatisfied", comment="再评")
    with use_site(county):
        assert CaseEvent.objects.filter(case=case, kind="rated").count() == 1
        assert Case.objects.get(pk=case.pk).rating == "satisfied"


def test_a_stale_case_cannot_be_accepted_twice(county, county_handler):
    case, _ = file_case(county)
    with use_site(county):
        stale = Case.objects.get(pk=case.pk)
    services.case_accept(site=county, case=case, user=county_handler)
    with pytest.raises(services.CaseActionError):
        services.case_accept(site=county, case=stale, user=county_handler)
    with use_site(county):
        assert CaseEvent.objects.filter(case=case, kind="accepted").count() == 1


def test_a_resubmission_after_a_transfer_returns_the_transferred_case(
    county, city, county_handler
):
    key = str(uuid.uuid4())
    case, code = file_case(county, idempotency_key=key)
    services.case_transfer(
        site=county, case=case, user=county_handler, to_site=city, message="市级"
    )
    again, no_code = file_case(county, idempotency_key=key)
    assert again.pk == case.pk and code and no_code is None
    with all_sites():
        assert Case.objects.count() == 1


def test_the_anonymiser_takes_old_replies_attachments_and_comment_contacts(
    county, county_handler, open_consultation, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from cms.models import ConsultationPage
    from interaction.models import CaseAttachment, Comment

    upload = SimpleUploadedFile("身份证.pdf", b"%PDF-1.4 x", "application/pdf")
    old, _ = file_case(county, attachments=[upload])
    recent, _ = file_case(county)
    for c in (old, recent):
        services.case_accept(site=county, case=c, user=county_handler)
        services.case_reply(site=county, case=c, user=county_handler, reply="答复")
    with use_site(county):
        (attachment,) = CaseAttachment.objects.filter(case=old)
        stored = Path(attachment.file.path)
        Case.objects.filter(pk=old.pk).update(
            replied_at=timezone.now() - datetime.timedelta(days=731)
        )
    assert stored.exists()
    comment, _ = services.comment_submit(
        site=county,
        consultation=open_consultation,
        name="王五",
        contact="13700000000",
        text="建议延长开放时间",
        idempotency_key="old-comment-0001",
    )
    ConsultationPage.objects.filter(pk=open_consultation.pk).update(
        starts_on=timezone.localdate() - datetime.timedelta(days=800),
        ends_on=timezone.localdate() - datetime.timedelta(days=731),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cases_anonymise_expired(site=county) == 1
    with use_site(county):
        gone = Case.objects.get(pk=old.pk)
        kept = Case.objects.get(pk=recent.pk)
        assert not CaseAttachment.objects.filter(case=old).exists()
        comment = Comment.objects.get(pk=comment.pk)
    assert (gone.phone, gone.email, gone.id_number) == ("", "", "")
    assert gone.anonymised_at and kept.phone == "13812345678"
    assert not stored.exists()
    assert comment.contact == "" and comment.text == "建议延长开放时间"


def test_mail_links_carry_the_port_the_site_is_served_on(
    county, county_handler, django_capture_on_commit_callbacks
):
    from tests.tasks import run_queued_tasks

    county.wagtail_site.port = 8123
    county.wagtail_site.save()
    with django_capture_on_commit_callbacks(execute=True):
        case, _ = file_case(county)
    lookup = f"http://{county.host}:8123/interaction/cases/lookup/"
    assert lookup in mail.outbox[0].body
    mail.outbox.clear()
    services.case_accept(site=county, case=case, user=county_handler)
    run_queued_tasks()
    assert lookup in mail.outbox[0].body


def test_a_letter_is_made_alike_from_the_api_and_the_public_forms_fields():
    """The API and the public form build their letter with one function; the
    API's form has no attachments."""
    from interaction.forms import CaseFieldsForm

    form = CaseFieldsForm(
        data={
            "kind": "complaint",
            "title": "路灯不亮",
            "content": "幸福路的路灯坏了三天。",
            "name": "张三",
            "phone": "13812345678",
        }
    )
    assert form.is_valid(), form.errors
    letter = services.CaseInput.from_cleaned(form.cleaned_data, channel="api")
    assert letter == services.CaseInput(
        kind="complaint",
        channel="api",
        title="路灯不亮",
        content="幸福路的路灯坏了三天。",
        name="张三",
        phone="13812345678",
    )
