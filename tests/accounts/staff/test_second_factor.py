"""Every admin sign-in asks for a second factor: enrolment at the first one,
a TOTP code (or a recovery code) at every later one. Replayed and expired codes
and guessing are refused."""

import pytest
from django.conf import settings as shipped
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.staff.services import mfa_reset, role_group
from core.audit.models import AuditAction, AuditEvent, AuditResult
from tests.factories import UserFactory
from tests.factories.staff import enrol_second_factor, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"


def _signed_in(user) -> Client:
    """A client past the password only (the real sign-in form)."""
    client = Client(HTTP_HOST="localhost")
    response = client.post(
        "/admin/login/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def test_the_admin_asks_an_enrolled_account_for_its_code(editor):
    enrol_second_factor(editor)
    client = _signed_in(editor)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/second-factor/?next=")
    page = client.get(response["Location"])
    assert "动态验证码" in page.content.decode() or "验证码" in page.content.decode()


def test_a_right_code_opens_the_admin(editor):
    device = enrol_second_factor(editor)
    client = _signed_in(editor)
    response = client.post(
        "/admin/second-factor/", {"code": totp_code(device), "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.MFA_VERIFIED, actor=editor
    ).exists()


def test_a_replayed_code_is_refused_and_the_session_stays_unverified(editor):
    device = enrol_second_factor(editor)
    code = totp_code(device)
    first = _signed_in(editor)
    assert first.post("/admin/second-factor/", {"code": code}).status_code == 302
    second = _signed_in(editor)
    refused = second.post("/admin/second-factor/", {"code": code})
    assert refused.status_code == 200
    assert "已使用" in refused.content.decode()
    assert second.get("/admin/").status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditAction.MFA_FAILED, actor=editor, result=AuditResult.FAILURE
    ).exists()


def test_an_expired_code_is_refused(editor):
    device = enrol_second_factor(editor)
    client = _signed_in(editor)
    stale = totp_code(device, steps_ago=3)
    assert client.post("/admin/second-factor/", {"code": stale}).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_guessing_codes_makes_even_the_right_one_wait(editor, settings):
    # A back-off long enough that no test run outlasts it (production: 1 s,
    # doubling with each failure).
    settings.OTP_TOTP_THROTTLE_FACTOR = 600
    device = enrol_second_factor(editor)
    client = _signed_in(editor)
    right = totp_code(device)
    guesses = [f"{n:06d}" for n in range(10) if f"{n:06d}" != right][:8]
    for guess in guesses:
        assert client.post("/admin/second-factor/", {"code": guess}).status_code == 200
    device.refresh_from_db()
    # Only the first guess was checked; the others were refused unchecked.
    assert device.throttling_failure_count == 1
    assert client.post("/admin/second-factor/", {"code": right}).status_code == 200
    assert client.get("/admin/").status_code == 302
    assert (
        AuditEvent.objects.filter(action=AuditAction.MFA_FAILED, actor=editor).count()
        == len(guesses) + 1
    )


def test_the_first_sign_in_enrols_and_gives_recovery_codes_used_once(editor):
    client = _signed_in(editor)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/second-factor/enrol/")
    page = client.get("/admin/second-factor/enrol/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert (
        client.post("/admin/second-factor/enrol/", {"code": "000000"}).status_code
        == 200
    )
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    done = client.post("/admin/second-factor/enrol/", {"code": totp_code(device)})
    assert done.status_code == 200
    codes = list(
        StaticToken.objects.filter(device__user=editor).values_list("token", flat=True)
    )
    assert len(codes) == 10 and codes[0] in done.content.decode()
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ENROLLED).exists()

    # A recovery code signs in once.
    again = _signed_in(editor)
    assert again.post("/admin/second-factor/", {"code": codes[0]}).status_code == 302
    assert again.get("/admin/").status_code == 200
    third = _signed_in(editor)
    assert third.post("/admin/second-factor/", {"code": codes[0]}).status_code == 200
    assert third.get("/admin/").status_code == 302


def test_the_sign_out_stays_open_before_the_second_factor(editor):
    enrol_second_factor(editor)
    client = _signed_in(editor)
    assert client.post("/admin/logout/").status_code == 302
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_security_administrator_resets_a_second_factor_audited(editor):
    security = UserFactory()
    security.groups.add(role_group("security"))
    enrol_second_factor(editor)
    mfa_reset(actor=security, user=editor)
    assert not TOTPDevice.objects.filter(user=editor).exists()
    entry = AuditEvent.objects.get(action=AuditAction.MFA_RESET)
    assert entry.actor == security and entry.object_id == str(editor.pk)
    # The next sign-in enrols again.
    client = _signed_in(editor)
    assert client.get("/admin/")["Location"].startswith("/admin/second-factor/enrol/")


def test_anyone_else_cannot_reset_a_second_factor(editor, site_admin):
    device = enrol_second_factor(editor)
    with pytest.raises(PermissionDenied):
        mfa_reset(actor=site_admin, user=editor)
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.MFA_RESET, result=AuditResult.REFUSED
    ).exists()


def test_demo_otp_prints_the_code_with_the_demo_settings_only(editor, settings, capsys):
    device = enrol_second_factor(editor)
    settings.STAFF_DEMO_OTP = False
    with pytest.raises(CommandError):
        call_command("demo_otp", editor.username)
    settings.STAFF_DEMO_OTP = True
    call_command("demo_otp", editor.username)
    assert capsys.readouterr().out.strip() == totp_code(device)


def test_demo_otp_refused_by_the_settings_as_shipped_outside_dev():
    # The test settings are production's plus test plumbing: no demo codes.
    assert shipped.STAFF_DEMO_OTP is False
    with pytest.raises(CommandError):
        call_command("demo_otp", "anyone")
