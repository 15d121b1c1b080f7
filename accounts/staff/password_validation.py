"""The staff password policy (等保 2.0 level 3): length and character classes,
the common and leaked passwords of Chinese sites beside Django's own list,
word-plus-number patterns ("heping123", "qwerty2026"), and not containing the
account name. Every refusal says why, in Chinese (the zh_Hans catalogue)."""

import re
from functools import cache
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LISTS = Path(__file__).resolve().parent / "passwords"


@cache
def _read_list(name: str) -> frozenset[str]:
    lines = (LISTS / name).read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower()
        for line in lines
        if line.strip() and not line.lstrip().startswith("#")
    )


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message of our own (Django 5.2 reworded its message and
    its Chinese catalogue has not caught up: the refusal came out in English)."""

    def get_error_message(self):
        return ngettext(
            "The password is too short: it needs at least %(n)d character.",
            "The password is too short: it needs at least %(n)d characters.",
            self.min_length,
        ) % {"n": self.min_length}

    def get_help_text(self):
        return ngettext(
            "At least %(n)d character.", "At least %(n)d characters.", self.min_length
        ) % {"n": self.min_length}


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters,
    digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        return sum(
            bool(re.search(pattern, password))
            for pattern in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")
        )

    def validate(self, password, user=None):
        if self.classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "The password must mix at least %(n)d of: lower-case letters, "
                    "upper-case letters, digits, symbols."
                )
                % {"n": self.min_classes},
                code="password_too_few_classes",
            )

    def get_help_text(self):
        return _(
            "Use at least %(n)d of: lower-case letters, upper-case letters, digits, "
            "symbols."
        ) % {"n": self.min_classes}


class ChineseCommonPasswordValidator:
    """Refuses the passwords of passwords/common-zh.txt (case-insensitive)."""

    def validate(self, password, user=None):
        if password.strip().lower() in _read_list("common-zh.txt"):
            raise ValidationError(
                _("This password is one of the most common ones; choose another."),
                code="password_too_common",
            )

    def get_help_text(self):
        return _("Not a common password.")


class WordAndNumberPasswordValidator:
    """Refuses a common word (passwords/words-zh.txt: pinyin, keyboard rows)
    with only digits and symbols around it: heping123, Qwerty2026, Admin@2026."""

    def validate(self, password, user=None):
        core = re.sub(r"^[^a-zA-Z]+|[^a-zA-Z]+$", "", password).lower()
        if core and core in _read_list("words-zh.txt"):
            raise ValidationError(
                _(
                    "A common word (pinyin, a keyboard row, a name) with digits or "
                    "symbols around it is easy to guess; choose another password."
                ),
                code="password_word_and_number",
            )

    def get_help_text(self):
        return _("Not a common word with digits around it.")


class UsernameInPasswordValidator:
    """Refuses a password that contains the account name (either way round)."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if len(username) < 3:
            return
        lowered = password.lower()
        if username in lowered or username[::-1] in lowered:
            raise ValidationError(
                _("The password must not contain the account name."),
                code="password_contains_username",
            )

    def get_help_text(self):
        return _("Not containing your account name.")
