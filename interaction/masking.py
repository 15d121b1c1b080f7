"""Masking of personal data for every public (and default admin) view of a case.

Names keep their first character (张**), phones their first three and last four
digits (138****1234), ID numbers their first and last characters, e-mail addresses
their first character and domain. The same rules apply to numbers and addresses
typed inside a case's title, content or reply.

Text typed by the public writes the same number in many ways: full-width digits
(１３８…), separators between the digits (138.1234.5678, 024 2345 6789), a
full-width at sign (zhang.san＠example.com), an ID number glued to the words around
it. ``mask_text`` therefore searches a normalised copy of the text (NFKC, which
turns full-width forms into ASCII), with separators allowed between digits, and
replaces the matching span of the original text.
"""

from __future__ import annotations

import re
import unicodedata

# One separator people put between digits: space (also the ideographic space
# after NFKC), hyphen, dot, middle dot, slash, underscore, dashes.
_SEP = r"[ \t\-._/·•\u2010-\u2015\u2212]?"


def _digits(count: int) -> str:
    """``count`` digits, each after an optional separator (the first is bare)."""
    return r"\d" + (rf"(?:{_SEP}\d)" * (count - 1))


# Order matters: ID numbers before phone numbers, so an ID number is not read as
# a phone number. Digits next to the match must not be digits (a longer number is
# something else), but letters and Chinese characters may touch it.
_ID_NUMBER = re.compile(rf"(?<![\d])(?:{_digits(17)}){_SEP}[\dXx](?![\d])")
_OLD_ID_NUMBER = re.compile(rf"(?<![\d])(?:{_digits(15)})(?![\dXx])")
_MOBILE = re.compile(
    rf"(?<![\d+])(?:(?:\+|00)?86{_SEP})?(?:\(?1[3-9]\d\)?){_SEP}{_digits(8)}(?![\d])"
)
_LANDLINE = re.compile(
    rf"(?<![\d])(?:\(0\d{{2,3}}\)|0{_SEP}\d{_SEP}\d(?:{_SEP}\d)?){_SEP}"
    rf"(?:{_digits(8)}|{_digits(7)})(?![\d])"
)
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+ ?@ ?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_AREA_CODE = re.compile(r"^0(?:10|2\d|[3-9]\d\d)")


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    # Always two stars, so the mask does not tell how long the name is.
    return name[0] + "**"


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
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


def _only_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch in "Xx").upper()


def _mask_id(found: str) -> str:
    digits = _only_digits(found)
    return digits[:1] + "*" * (len(digits) - 2) + digits[-1:]


def _mask_mobile(found: str) -> str:
    digits = _only_digits(found)[-11:]
    return f"{digits[:3]}****{digits[-4:]}"


def _mask_landline(found: str) -> str:
    digits = _only_digits(found)
    area = _AREA_CODE.match(digits)
    area_code = area.group(0) if area else digits[:4]
    return f"{area_code}-****{digits[-4:]}"


def _mask_email(found: str) -> str:
    local, _at, domain = found.replace(" ", "").partition("@")
    return f"{local[:1]}***@{domain}"


_RULES = (
    (_ID_NUMBER, _mask_id),
    (_OLD_ID_NUMBER, _mask_id),
    (_MOBILE, _mask_mobile),
    (_LANDLINE, _mask_landline),
    (_EMAIL, _mask_email),
)


def _normalised(text: str) -> tuple[str, list[int]]:
    """NFKC of ``text`` character by character, and for each character of the
    result the index of the original character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        for out in unicodedata.normalize("NFKC", ch):
            chars.append(out)
            origin.append(index)
    return "".join(chars), origin


def personal_data_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, masked form) of each piece of personal data in ``text``, as
    indices into ``text`` itself, in order and never overlapping."""
    normal, origin = _normalised(text)
    spans: list[tuple[int, int, str]] = []
    for pattern, mask in _RULES:
        for match in pattern.finditer(normal):
            start, end = match.span()
            spans.append((origin[start], origin[end - 1] + 1, mask(match.group())))
        # What one rule found is not searched again by the next (an ID number
        # holds an 11-digit run that looks like a phone number).
        for start, end, _masked in spans:
            lo = origin.index(start)
            hi = len(origin) - origin[::-1].index(end - 1)
            normal = normal[:lo] + "\0" * (hi - lo) + normal[hi:]
    return sorted(spans)


def mask_text(text: str) -> str:
    """``text`` with ID numbers, phone numbers and e-mail addresses masked,
    however they are written."""
    if not text:
        return text
    out: list[str] = []
    position = 0
    for start, end, masked in personal_data_spans(text):
        if start < position:  # pragma: no cover - rules never overlap
            continue
        out.append(text[position:start])
        out.append(masked)
        position = end
    out.append(text[position:])
    return "".join(out)


def mask_text_with(text: str, *, names: list[str]) -> str:
    """``mask_text``, and each of ``names`` (the submitter's) masked in place."""
    for name in sorted(
        {n.strip() for n in names if n and n.strip()}, key=len, reverse=True
    ):
        text = text.replace(name, mask_name(name))
    return mask_text(text)
