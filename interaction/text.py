"""Submitted text is plain text: no markup survives, links stay text."""

from __future__ import annotations

import html
import re
import unicodedata

import bleach

# Control characters other than newline and tab (and the Unicode direction
# overrides that can disguise text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def plain_text(value: str) -> str:
    """``value`` with every tag and comment removed (bleach), entities decoded once,
    control characters dropped, line ends normalised and outer space trimmed.
    Templates escape it again on output."""
    value = unicodedata.normalize("NFC", value or "")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = bleach.clean(
        value, tags=set(), attributes={}, strip=True, strip_comments=True
    )
    return _CONTROL.sub("", html.unescape(cleaned)).strip()
