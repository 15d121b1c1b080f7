"""Staff with a second factor, for tests that sign in through the real forms
(browser tests, the second factor's own tests)."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def enrol_second_factor(user) -> TOTPDevice:
    """A confirmed TOTP device for ``user`` (what enrolment leaves behind)."""
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device: TOTPDevice, *, steps_ago: int = 0) -> str:
    """The device's code now, or ``steps_ago`` time steps (30 s each) ago."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() - steps_ago * device.step
    return f"{totp.token():0{device.digits}d}"
