"""What a person types to name themselves: a mainland mobile number, an e-mail
address, or an account name; normalised once, here."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from interaction import crypto

from .models import Channel

_PHONE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def normalise_phone(value: str) -> str | None:
    """``13812345678`` from ``+86 138-1234-5678``; None if it is not a mobile number."""
    digits = _SEPARATORS.sub("", value.strip())
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits if _PHONE.fullmatch(digits) else None


def normalise_email(value: str) -> str | None:
    value = value.strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value


def parse_target(value: str) -> tuple[str, str]:
    """(channel, normalised address) of a mobile number or e-mail address; a
    ValidationError in Chinese otherwise."""
    phone = normalise_phone(value)
    if phone:
        return Channel.PHONE, phone
    email = normalise_email(value) if "@" in value else None
    if email:
        return Channel.EMAIL, email
    raise ValidationError(
        _("Enter a mainland mobile number (11 digits) or an e-mail address.")
    )


def phone_hash(phone: str) -> str:
    """The keyed hash an account's mobile number is found by (the number itself is
    stored encrypted)."""
    return crypto.keyed_hash(f"account-phone:{phone}")


def target_hash(channel: str, address: str) -> str:
    return crypto.keyed_hash(f"account-code-target:{channel}:{address}")


def mask(channel: str, address: str) -> str:
    if channel == Channel.PHONE:
        return f"{address[:3]}****{address[-4:]}"
    local, _sep, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"
