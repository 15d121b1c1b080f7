"""The audit log: who, when, from where, what, which site, result; rows that
nobody can change or delete (the trigger), a chain that finds a superuser's
edits, a purge that keeps six months."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from core.audit.chain import row_hash
from core.audit.models import AuditAction, AuditEvent, AuditResult
from core.audit.services import audit_record
from sites.services import site_close, site_member_add
from tests.conftest import admin_client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _backdated(days: int) -> AuditEvent:
    """A row as if written ``days`` ago (inserting is what the log allows)."""
    event = audit_record(action=AuditAction.SIGN_IN, actor_name="old")
    # Rows cannot be changed, so an old row is written with the old time from
    # the start, chained as the service chains.
    old = AuditEvent(
        created_at=timezone.now() - datetime.timedelta(days=days),
        actor_name="old",
        action=AuditAction.SIGN_IN,
        previous_hash=event.hash,
    )
    old.hash = row_hash(old, old.previous_hash)
    old.save(force_insert=True)
    return old


def test_a_record_names_who_when_where_what_site_and_result(site):
    user = UserFactory()
    event = audit_record(
        action=AuditAction.PERSONAL_DATA_VIEWED,
        actor=user,
        site=site,
        obj=site,
        address="203.0.113.9",
    )
    event.refresh_from_db()
    assert event.actor == user and event.actor_name == user.username
    assert event.address == "203.0.113.9"
    assert event.site_id == site.pk
    assert event.object_repr == str(site)
    assert event.result == AuditResult.SUCCESS
    assert event.created_at <= timezone.now()


def test_an_update_of_an_audit_row_is_refused_by_the_database(site):
    event = audit_record(action=AuditAction.SIGN_IN, actor_name="alice")
    with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(actor_name="mallory")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.result = AuditResult.FAILURE
        event.save()
    event.refresh_from_db()
    assert event.actor_name == "alice" and event.result == AuditResult.SUCCESS


def test_a_delete_of_an_audit_row_is_refused_even_with_the_purge_switch(site):
    event = audit_record(action=AuditAction.SIGN_IN, actor_name="alice")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    # The purge's switch lets only rows older than six months through.
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('audit.purge', 'on', true)")
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_purge_refuses_a_date_within_six_months_and_deletes_nothing():
    audit_record(action=AuditAction.SIGN_IN, actor_name="alice")
    before = AuditEvent.objects.count()
    recent = (timezone.now() - datetime.timedelta(days=30)).date().isoformat()
    with pytest.raises(CommandError, match="六个月"):
        call_command("purge_audit_log", before=recent)
    assert AuditEvent.objects.count() == before


def test_the_purge_deletes_only_rows_older_than_six_months_and_records_itself():
    old = _backdated(400)
    young = audit_record(action=AuditAction.SIGN_IN, actor_name="young")
    cutoff = (timezone.now() - datetime.timedelta(days=200)).date().isoformat()
    call_command("purge_audit_log", before=cutoff)
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=young.pk).exists()
    purge = AuditEvent.objects.filter(action=AuditAction.AUDIT_PURGED).get()
    assert purge.detail["deleted"] == 1


def test_verify_finds_a_row_a_database_superuser_changed_or_removed():
    first = audit_record(action=AuditAction.SIGN_IN, actor_name="alice")
    second = audit_record(action=AuditAction.SIGN_IN, actor_name="bob")
    audit_record(action=AuditAction.SIGN_IN, actor_name="carol")
    call_command("verify_audit_log")  # intact

    with connection.cursor() as cursor:
        # What only a superuser can do: switch the triggers off for a moment.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE audit_auditevent SET actor_name = 'nobody' WHERE id = %s",
            [first.pk],
        )
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
        cursor.execute("SET LOCAL session_replication_role = origin")
    with pytest.raises(CommandError, match="审计日志被改动") as raised:
        call_command("verify_audit_log")
    assert "2 处问题" in str(raised.value)


def test_sign_in_success_and_failure_are_recorded_with_the_address():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    client = Client(HTTP_HOST="localhost", REMOTE_ADDR="198.51.100.7")
    client.post(
        "/admin/login/", {"username": user.username, "password": "wrong-password"}
    )
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert failed.actor_name == user.username
    assert failed.result == AuditResult.FAILURE
    assert failed.address == "198.51.100.7"
    client.post(
        "/admin/login/", {"username": user.username, "password": "pw-for-tests-1"}
    )
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=user).exists()


def test_the_proxy_header_gives_the_address_only_when_configured(settings):
    client = Client(
        HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.5"
    )
    client.post("/admin/login/", {"username": "ghost", "password": "x"})
    assert AuditEvent.objects.latest("pk").address == "10.0.0.1"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    client.post("/admin/login/", {"username": "ghost", "password": "x"})
    assert AuditEvent.objects.latest("pk").address == "203.0.113.5"


def test_site_status_and_roles_are_recorded_on_the_site(site, site_admin):
    user = UserFactory()
    site_member_add(site=site, actor=site_admin, username=user.username, role="editor")
    granted = AuditEvent.objects.get(action=AuditAction.ROLE_GRANTED)
    assert granted.actor == site_admin and granted.site_id == site.pk
    assert granted.detail == {"role": "editor"}
    site_close(site=site)
    closed = AuditEvent.objects.get(action=AuditAction.SITE_STATUS_CHANGED)
    assert closed.site_id == site.pk and closed.detail["to"] == "closed"


def test_publish_unpublish_and_delete_of_a_page_are_recorded_on_its_site(site):
    home = site.wagtail_site.root_page
    page = home.get_children().first().specific
    revision = page.save_revision()
    revision.publish()
    published = AuditEvent.objects.filter(action=AuditAction.PAGE_PUBLISHED).latest(
        "pk"
    )
    assert published.site_id == site.pk and published.object_id == str(page.pk)
    page.unpublish()
    assert AuditEvent.objects.filter(
        action=AuditAction.PAGE_UNPUBLISHED, object_id=str(page.pk), site_id=site.pk
    ).exists()
    page.delete()
    assert AuditEvent.objects.filter(
        action=AuditAction.PAGE_DELETED, object_id=str(page.pk), site_id=site.pk
    ).exists()


def test_account_deactivation_and_group_changes_are_recorded():
    user = UserFactory()
    group = Group.objects.create(name="某组")
    user.groups.add(group)
    assert AuditEvent.objects.filter(
        action=AuditAction.GROUP_CHANGED, object_id=str(user.pk)
    ).exists()
    user.is_active = False
    user.save()
    assert AuditEvent.objects.filter(
        action=AuditAction.ACCOUNT_DEACTIVATED, object_id=str(user.pk)
    ).exists()


@pytest.fixture
def auditor(db):
    user = UserFactory()
    group = Group.objects.create(name="审计测试组")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_auditevent"),
    )
    user.groups.add(group)
    return user


def test_only_a_holder_of_the_audit_permission_reads_the_log(
    auditor, site_admin, editor
):
    audit_record(action=AuditAction.SIGN_IN, actor_name="visible-row")
    page = admin_client_for(auditor).get("/admin/audit-log/")
    assert page.status_code == 200
    assert "visible-row" in page.content.decode()
    for other in (site_admin, editor):
        refused = admin_client_for(other).get("/admin/audit-log/")
        assert refused.status_code in (302, 403)
        assert "visible-row" not in refused.content.decode()


def test_the_log_filters_and_its_export_is_itself_recorded(auditor):
    audit_record(action=AuditAction.SIGN_IN, actor_name="alice")
    audit_record(action=AuditAction.SIGN_IN_FAILED, actor_name="bob", result="failure")
    client = admin_client_for(auditor)
    page = client.get("/admin/audit-log/", {"result": "failure"}).content.decode()
    assert "bob" in page and "alice" not in page
    export = client.get("/admin/audit-log/", {"export": "csv", "actor_name": "bob"})
    text = b"".join(export.streaming_content).decode()
    assert "bob" in text and "alice" not in text
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORTED, actor=auditor
    ).exists()


def test_settings_and_api_client_changes_are_recorded_on_their_site(site):
    from cms.models.site_settings import PublishingSettings
    from interaction import services as interaction_services

    settings_row = PublishingSettings.for_site(site.wagtail_site)
    settings_row.save()
    assert AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGED).exists()
    interaction_services.interaction_settings_update(site=site)
    assert AuditEvent.objects.filter(
        action=AuditAction.SETTINGS_CHANGED, site_id=site.pk
    ).exists()
    client, _key = interaction_services.api_client_create(site=site, name="门户")
    interaction_services.api_client_deactivate(site=site, client=client)
    changes = AuditEvent.objects.filter(
        action=AuditAction.API_CLIENT_CHANGED, site_id=site.pk
    ).order_by("pk")
    assert [event.detail["change"] for event in changes] == ["created", "deactivated"]
    assert _key not in str([event.detail for event in changes])
