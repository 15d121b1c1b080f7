"""Masking of personal data for every public (and default admin) view of a case.

Names keep their first character (张**), phones their first three and last four
digits (138****1234), ID numbers their first and last characters, e-mail addresses
their first character and domain. The same rules apply to numbers and addresses
typed inside a case's title, content or reply.
"""

from __future__ import annotations

import re

# Mainland mobile numbers, landlines with area codes, 18-digit ID numbers (last
# character may be X), 15-digit old ID numbers, e-mail addresses. Order matters:
# ID numbers before phone numbers, so an ID number is not read as a phone number.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_OLD_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{6}(\d{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?\d{3,4}(\d{4})(?!\d)")
_EMAIL = re.compile(
    r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})"
)


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    # Always two stars, so the mask does not tell how long the name is.
    return name[0] + "**"


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(number: str) -> str:
    number = number.strip()
    if len(number) < 4:
        return "*" * len(number)
    return number[:1] + "*" * (len(number) - 2) + number[-1:]


def mask_email(email: str) -> str:
    local, at, domain = email.strip().partition("@")
    if not at:
        return "*" * len(email)
    return (local[:1] or "*") + "***@" + domain


def mask_text(text: str) -> str:
    """``text`` with ID numbers, phone numbers and e-mail addresses masked."""
    text = _ID_NUMBER.sub(lambda m: m.group(1)[:1] + "*" * 16 + m.group(2)[-1:], text)
    text = _OLD_ID_NUMBER.sub(
        lambda m: m.group(1)[:1] + "*" * 13 + m.group(2)[-1:], text
    )
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)
    text = _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(2)}", text)
    return _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)


def mask_text_with(text: str, *, names: list[str]) -> str:
    """``mask_text``, and each of ``names`` (the submitter's) masked in place."""
    for name in sorted(
        {n.strip() for n in names if n and n.strip()}, key=len, reverse=True
    ):
        text = text.replace(name, mask_name(name))
    return mask_text(text)
