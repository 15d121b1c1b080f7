"""A text captcha that older people and screen-reader users can pass.

The challenge is a sum in words and digits ("7 加 3 等于几?"), printed as text (so
a screen reader reads it) with a button that reads it aloud through the browser's
own speech synthesis (the "voice" form: no audio file is generated or fetched).
The answer may be typed in Arabic or full-width digits or in Chinese numerals.
The correct answer travels only as a keyed hash inside a signed, timed token,
and each token is accepted once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SALT = "interaction.captcha"
MAX_AGE = 30 * 60
_NUMERALS = "零一二三四五六七八九十"


def _hash(answer: str, nonce: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{nonce}:{answer}".encode(), hashlib.sha256
    ).hexdigest()


def new_challenge() -> tuple[str, str]:
    """(question, token)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(12)
    question = gettext("What is %(a)s plus %(b)s?") % {"a": a, "b": b}
    token = signing.dumps({"n": nonce, "h": _hash(str(a + b), nonce)}, salt=SALT)
    return question, token


def normalise_answer(answer: str) -> str:
    answer = unicodedata.normalize("NFKC", answer or "").strip()
    if answer and all(ch in _NUMERALS for ch in answer):
        # 一 … 十八: at most "十" with a digit either side.
        if answer == "十":
            return "10"
        if answer.startswith("十"):
            return str(10 + _NUMERALS.index(answer[1]))
        if len(answer) == 1:
            return str(_NUMERALS.index(answer))
    return answer


def check(answer: str, token: str, submission_key: str = "") -> None:
    """Accept a correct answer once; ``submission_key`` (the form's idempotency
    key) lets the very same submission pass again with the same token, so a double
    click or a retried request finds its letter instead of a captcha error."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as error:
        raise ValidationError(
            _("The check question has expired; answer the new one."), code="expired"
        ) from error
    if not hmac.compare_digest(_hash(normalise_answer(answer), data["n"]), data["h"]):
        raise ValidationError(
            _("The answer to the check question is wrong; try the new question."),
            code="wrong",
        )
    # One mark per token, holding a number that stands for the submission that
    # used it: one statement for a fresh token, and a token used by one
    # submission never passes another (not even one refused with it before).
    cache = caches["ratelimit"]
    mark = _submission_mark(submission_key) if submission_key else 0
    if cache.add(f"captcha:{data['n']}", mark, MAX_AGE):
        return
    if mark and cache.get(f"captcha:{data['n']}") == mark:
        return  # this same submission already passed with this token
    raise ValidationError(
        _("The check question has expired; answer the new one."), code="used"
    )


def _submission_mark(submission_key: str) -> int:
    """A positive 56-bit number standing for ``submission_key`` in the token's
    mark (the rate-limit cache holds integers), keyed so that nobody can choose
    another key with the same number."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"captcha-submission:{submission_key}".encode(),
        hashlib.sha256,
    ).digest()
    return int.from_bytes(digest[:7], "big") + 1


class CaptchaWidget(forms.MultiWidget):
    template_name = "interaction/captcha_widget.html"

    def __init__(self, attrs=None):
        widgets = [
            forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}
            ),
            forms.HiddenInput(),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        return ["", ""]

    def get_context(self, name, value, attrs):
        # Every rendering asks a new question; an answer is never pre-filled.
        question, token = new_challenge()
        context = super().get_context(name, ["", token], attrs)
        context["question"] = question
        return context


class CaptchaField(forms.MultiValueField):
    widget = CaptchaWidget
    # Set by the form from its idempotency key (see check()).
    submission_key = ""

    def __init__(self, **kwargs):
        fields = (forms.CharField(max_length=10), forms.CharField(max_length=500))
        super().__init__(
            fields,
            label=_("Check question"),
            require_all_fields=True,
            error_messages={"required": _("Answer the check question.")},
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list:
            return None
        answer, token = data_list
        check(answer, token, self.submission_key)
        return True
