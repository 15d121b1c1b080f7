"""Staff sessions: 30 minutes idle and 12 hours in all; one's own sessions
listed with a sign-out each; a deactivated account's old session ends at once."""

import time

import pytest
from django.test import Client

from accounts.staff.models import StaffSession
from tests.conftest import admin_client_for
from tests.factories.staff import enrol_second_factor, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"


def _age(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_an_idle_staff_session_ends_after_thirty_minutes(editor):
    client = admin_client_for(editor)
    assert client.get("/admin/").status_code == 200
    _age(client, staff_seen_at=29 * 60)
    assert client.get("/admin/").status_code == 200
    _age(client, staff_seen_at=31 * 60)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session


def test_a_staff_session_ends_twelve_hours_after_sign_in_however_active(editor):
    client = admin_client_for(editor)
    client.get("/admin/")
    _age(client, staff_started_at=12 * 3600 + 60, staff_seen_at=10)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_the_limits_come_from_settings(editor, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 5 * 60
    client = admin_client_for(editor)
    client.get("/admin/")
    _age(client, staff_seen_at=6 * 60)
    assert client.get("/admin/").status_code == 302


def test_a_deactivated_accounts_old_session_ends_at_once(editor):
    client = admin_client_for(editor)
    assert client.get("/admin/").status_code == 200
    editor.is_active = False
    editor.save()
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/pages/").status_code == 302


def test_ones_sessions_are_listed_and_one_can_be_signed_out(editor, other_editor):
    laptop = Client(HTTP_HOST="localhost", HTTP_USER_AGENT="Laptop")
    phone = Client(HTTP_HOST="localhost", HTTP_USER_AGENT="Phone")
    for client in (laptop, phone):
        client.post(
            "/admin/login/", {"username": editor.username, "password": PASSWORD}
        )
    device = enrol_second_factor(editor)
    laptop.post("/admin/second-factor/", {"code": totp_code(device)})
    sessions = StaffSession.objects.filter(user=editor)
    assert sessions.count() == 2
    page = laptop.get("/admin/my-sessions/").content.decode()
    assert "Laptop" in page and "Phone" in page
    phone_row = sessions.get(user_agent="Phone")
    # Another person cannot end it (not found), and nothing changes.
    other = admin_client_for(other_editor)
    assert other.post(f"/admin/my-sessions/{phone_row.pk}/sign-out/").status_code == 404
    assert StaffSession.objects.filter(pk=phone_row.pk).exists()
    # Its owner can.
    ended = laptop.post(f"/admin/my-sessions/{phone_row.pk}/sign-out/")
    assert ended.status_code == 302
    assert not StaffSession.objects.filter(pk=phone_row.pk).exists()
    assert phone.get("/admin/")["Location"].startswith("/admin/login/")
    assert laptop.get("/admin/").status_code == 200
