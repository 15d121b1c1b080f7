"""The demo stays usable with a second factor: seed_demo enrols every demo staff
account and seeds the three administrator roles; demo_otp gives the code."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.staff.models import StaffRole, StaffRoleAssignment
from demo.management.commands.seed_demo import DEMO_PASSWORD
from tests.content.test_seed_demo import small_liaoning  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_seed_demo_enrols_the_staff_and_demo_otp_signs_them_in(
    small_liaoning,  # noqa: F811
    settings,
):
    call_command("seed_demo", stdout=io.StringIO())
    editor = "2101000001-editor"
    for username in (editor, "2101000001-admin", "sysadmin", "secadmin", "auditor"):
        assert TOTPDevice.objects.filter(
            user__username=username, confirmed=True
        ).exists(), username
    assert dict(StaffRoleAssignment.objects.values_list("user__username", "role")) == {
        "sysadmin": StaffRole.SYSTEM_ADMIN,
        "secadmin": StaffRole.SECURITY_ADMIN,
        "auditor": StaffRole.AUDIT_ADMIN,
    }
    devices = set(TOTPDevice.objects.values_list("pk", flat=True))
    call_command("seed_demo", stdout=io.StringIO())
    assert set(TOTPDevice.objects.values_list("pk", flat=True)) == devices

    settings.STAFF_DEMO_OTP = True  # what config/settings/dev.py sets
    out = io.StringIO()
    call_command("demo_otp", editor, stdout=out)
    client = Client(HTTP_HOST="localhost")
    client.post("/admin/login/", {"username": editor, "password": DEMO_PASSWORD})
    assert (
        client.post(
            "/admin/second-factor/", {"code": out.getvalue().strip()}
        ).status_code
        == 302
    )
    assert client.get("/admin/").status_code == 200


def test_the_dev_settings_turn_demo_otp_on_and_production_does_not():
    from pathlib import Path

    settings_dir = Path(__file__).resolve().parents[3] / "config" / "settings"
    assert "STAFF_DEMO_OTP = True" in (settings_dir / "dev.py").read_text()
    assert "STAFF_DEMO_OTP = False" in (settings_dir / "base.py").read_text()
    assert "STAFF_DEMO_OTP" not in (settings_dir / "production.py").read_text()
