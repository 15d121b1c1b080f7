"""Personal data kept out of logs and statistics.

What the public types into a search box or a form may hold an e-mail address, a
phone number (mobile or landline, with spaces, dots or dashes, in full-width
digits) or an ID card number. Anything logged from a request, and every query
counted in search statistics, goes through ``mask_personal_data`` first; log lines
also lose the query strings of the addresses they mention (``LogPrivacyFilter``).

Plain Python on purpose: gunicorn's master process loads it before Django.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from urllib.parse import unquote

MASK = "*"

# Full-width ASCII (ＡＢ１２＠．－) and the ideographic space, to ASCII, one
# character for one: matches found in the translated text are masked in the
# original at the same positions.
_WIDE_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_WIDE_TO_ASCII[0x3000] = 0x20
_DIGIT = re.compile(r"\d")  # any script's decimal digit

_SEP = r"[ \-.\u2010-\u2015\u00b7]"  # one separator between digits
_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
# 13812345678, 138-1234-5678, 138.1234.5678, +86 138 1234 5678
_MOBILE = rf"(?:(?:\+|00)86{_SEP}?)?1[3-9](?:{_SEP}?\d){{9}}"
# 024-23456789, 024 2345 6789, (024)2345-6789, 0411 8765432
_LANDLINE = rf"(?:\(0\d{{2,3}}\)|0\d{{2,3}}){_SEP}?\d(?:{_SEP}?\d){{6,7}}"
# 18 digits (the last may be X) or the old 15, with the birth date inside.
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID_CARD = (
    rf"\d{{6}}{_SEP}?(?:18|19|20)\d\d{_DATE}{_SEP}?\d{{3}}[\dXx]"
    rf"|\d{{6}}\d\d{_DATE}\d{{3}}"
)
# Bank cards written in groups of four.
_CARD = rf"\d{{4}}(?:{_SEP}\d{{4}}){{3}}(?:{_SEP}?\d{{1,3}})?"
_PERSONAL = re.compile(
    rf"{_EMAIL}|(?<![\d])(?:{_ID_CARD}|{_CARD}|{_MOBILE}|{_LANDLINE})(?![\dXx])",
    re.ASCII,
)
# Search statistics keep no long numbers at all (QQ numbers, account numbers,
# phone numbers without their area code).
_LONG_DIGITS = re.compile(r"\d{7,}[\dXx]?", re.ASCII)
# A query string after a path or address: ``/search/?q=…`` → ``/search/?…``.
_QUERY_STRING = re.compile(r"(?<=[\w/%.\-])\?[^\s'\"<>]*=[^\s'\"<>]*")
QUERY_REMOVED = "?…"


def _ascii_view(text: str) -> str:
    """``text`` with full-width characters and every script's digits in ASCII,
    character for character (same length, same positions)."""
    text = text.translate(_WIDE_TO_ASCII)
    if not text.isascii():
        text = _DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(), 0)), text)
    return text


def _mask(text: str, *patterns: re.Pattern) -> str:
    view = _ascii_view(text)
    spans = sorted(m.span() for pattern in patterns for m in pattern.finditer(view))
    out, last = [], 0
    for start, end in spans:
        if end <= last:  # inside a span already masked
            continue
        if start >= last:
            out += [text[last:start], MASK]
        last = end  # an overlapping span extends the one masked
    out.append(text[last:])
    return "".join(out)


def mask_personal_data(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers, ID card and bank card
    numbers replaced by ``MASK``; also when they are percent-encoded
    (``a%40b.cn``), in which case the decoded text is returned."""
    masked = _mask(text, _PERSONAL)
    if "%" in text:
        decoded = unquote(text)
        if decoded != text:
            decoded_masked = _mask(decoded, _PERSONAL)
            if decoded_masked != decoded:
                return decoded_masked
    return masked


def mask_search_query(text: str) -> str:
    """A search query as search statistics keep it: personal data and every run
    of seven or more digits masked."""
    return _mask(text, _PERSONAL, _LONG_DIGITS)


def strip_query_strings(text: str) -> str:
    """Addresses in ``text`` without their query strings."""
    return _QUERY_STRING.sub(QUERY_REMOVED, text)


def clean_for_log(text: str) -> str:
    return mask_personal_data(strip_query_strings(text))


# Attributes every log record has that hold no request data.
_RECORD_ATTRIBUTES = frozenset(
    {
        "name",
        "levelname",
        "pathname",
        "filename",
        "module",
        "funcName",
        "processName",
        "threadName",
        "taskName",
        "asctime",
    }
)


def _clean_arg(value):
    """A log argument, or its cleaned text when that text held something to
    clean (other values keep their type for ``%d`` and friends)."""
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    cleaned = clean_for_log(text)
    return value if cleaned == text else cleaned


class LogPrivacyFilter(logging.Filter):
    """A filter for every log handler: the message, the string attributes a
    logger added (``extra``), the traceback and the request Django attaches to
    its error lines, without query strings and with personal data masked.

    The request becomes ``"GET /path/"``: Django's ``django.request`` lines
    carry the request object, whose text holds the whole query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        # The record is shared by every handler (and by tests' log capture):
        # arguments stay arguments; only those whose text held something to
        # clean become that cleaned text.
        record.msg = clean_for_log(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {k: _clean_arg(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_clean_arg(arg) for arg in record.args)
        request = record.__dict__.get("request")
        if request is not None and not isinstance(request, str):
            method = getattr(request, "method", "") or ""
            path = getattr(request, "path", "") or ""
            record.request = f"{method} {path}".strip()
        for key, value in list(record.__dict__.items()):
            if isinstance(value, str) and key not in _RECORD_ATTRIBUTES:
                record.__dict__[key] = clean_for_log(value)
        if record.exc_info:
            # Exception messages may quote the input ("invalid literal for int()
            # with base 10: '138…'"): the traceback is formatted here, masked,
            # and handed on as text (formatters print exc_text).
            record.exc_text = clean_for_log(
                logging.Formatter().formatException(record.exc_info)
            )
            record.exc_info = None
        if record.stack_info:
            record.stack_info = clean_for_log(record.stack_info)
        return True


def install_log_filter(*loggers: logging.Logger) -> None:
    """Add ``LogPrivacyFilter`` to every handler of ``loggers`` that lacks it
    (for handlers set up outside Django's LOGGING, e.g. gunicorn's)."""
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, LogPrivacyFilter) for f in handler.filters):
                handler.addFilter(LogPrivacyFilter())
