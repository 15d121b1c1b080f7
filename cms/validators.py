"""Validation of the numbers government documents carry."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# 发文字号: organ code, year in hexagonal brackets 〔〕, sequence, 号 (GB/T 9704-2012).
# Editors often type [] 【】 ［］ () （） or 〈〉 instead; those are accepted and
# normalised, anything else is refused with an example.
_OPEN = "〔[【［(（〈"
_CLOSE = "〕]】］)）〉"
_ORGAN = r"[\u4e00-\u9fffA-Za-z]"
_TAIL = (
    rf"\s*[{re.escape(_OPEN)}]\s*"
    rf"(?P<year>\d{{4}})\s*[{re.escape(_CLOSE)}]\s*(?P<sequence>\d{{1,5}})\s*号"
)
_NUMBER = rf"(?P<organ>{_ORGAN}{{1,30}}){_TAIL}"
DOCUMENT_NUMBER = re.compile(rf"^{_NUMBER}$")
# Document numbers inside running text (search queries, body text).
DOCUMENT_NUMBER_IN_TEXT = re.compile(_NUMBER)
# The same in long texts, found from the bracket (a scan that tries an organ code
# at every character is slow): what follows the organ code, and the organ code
# ending where that starts (``search(text, start, end)``).
DOCUMENT_NUMBER_TAIL = re.compile(_TAIL)
DOCUMENT_NUMBER_ORGAN_END = re.compile(rf"{_ORGAN}{{1,30}}\Z")


def normalize_document_number(value: str) -> str:
    """``辽政办发[2019]12号`` → ``辽政办发〔2019〕12号``; raises ValidationError."""
    value = (value or "").strip()
    match = DOCUMENT_NUMBER.match(value)
    if not match:
        raise ValidationError(
            _(
                "“%(value)s” is not a document number. Write it as organ code, "
                "year in 〔〕 and sequence, for example 辽政办发〔2019〕12号."
            ),
            code="document_number",
            params={"value": value},
        )
    year = int(match["year"])
    if not 1949 <= year <= timezone.localdate().year + 1:
        raise ValidationError(
            _("The year %(year)s in the document number is not possible."),
            code="document_number_year",
            params={"year": year},
        )
    sequence = match["sequence"]
    if sequence.startswith("0"):
        raise ValidationError(
            _(
                "Document numbers are not padded with zeros: write %(right)s, "
                "not %(wrong)s."
            ),
            code="document_number_padding",
            params={"right": str(int(sequence)) or "1", "wrong": sequence},
        )
    return f"{match['organ']}〔{year}〕{sequence}号"


def validate_document_number(value: str) -> None:
    normalize_document_number(value)
