"""Submitted text is plain text: no markup survives, links stay text."""

from __future__ import annotations

import html
import re
import threading
import unicodedata

import bleach

# Control characters other than newline and tab (and the Unicode direction
# overrides that can disguise text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


# bleach's Cleaner builds its parser's tables when made (about a third of a
# millisecond, four times per letter) and is not thread-safe: one per thread.
_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = bleach.Cleaner(
            tags=set(), attributes={}, strip=True, strip_comments=True
        )
    return cleaner


def plain_text(value: str) -> str:
    """``value`` with every tag and comment removed (bleach), entities decoded once,
    control characters dropped, line ends normalised and outer space trimmed.
    Templates escape it again on output."""
    value = unicodedata.normalize("NFC", value or "")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = _cleaner().clean(value)
    return _CONTROL.sub("", html.unescape(cleaned)).strip()
