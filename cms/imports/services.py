"""Importing an old site's content (JSON Lines, one item a line).

Each item becomes a page in a column of the site, published at once (no review
workflow: it was published on the old site already) with its original date as
``first_published_at`` and marked as migrated. The content checks of publishing
apply: what they block is rejected, what they flag is imported and reported.

Each line runs in its own transaction: a rejected line leaves nothing behind and
the other lines still import. ``ImportedItem`` remembers what each external ID
became, so a re-run changes nothing and a changed line updates its page.
"""

from __future__ import annotations

import contextlib
import datetime
import enum
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from wagtail.rich_text import RichText

from cms import publishing
from cms.models import (
    ArticlePage,
    ColumnKind,
    ColumnPage,
    ContentPage,
    InterpretationPage,
    PolicyDocumentPage,
)
from cms.validators import normalize_document_number
from sites.tenancy import use_site

from . import selectors
from .models import ImportedItem
from .sanitize import body_blocks, body_html

EXTERNAL_ID_MAX_LENGTH = ImportedItem._meta.get_field("external_id").max_length


class Status(enum.StrEnum):
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


class Reason(enum.StrEnum):
    """Why a line was rejected, for programs reading the outcome."""

    INVALID_JSON = "invalid_json"
    NOT_AN_OBJECT = "not_an_object"
    MISSING_KEY = "missing_key"
    INVALID_VALUE = "invalid_value"
    UNKNOWN_KIND = "unknown_kind"
    KIND_CHANGED = "kind_changed"
    BAD_DATE = "bad_date"
    DOCUMENT_NUMBER = "document_number"
    DOCUMENT_NOT_FOUND = "document_not_found"
    NO_COLUMN = "no_column"
    EMPTY_BODY = "empty_body"
    CHECKS = "checks"
    INVALID_PAGE = "invalid_page"


@dataclass(frozen=True)
class Outcome:
    status: Status
    page_id: int | None = None
    # A rejected line: why (``reason``) and what to tell the person importing.
    reason: Reason | None = None
    message: str = ""
    # What the content checks flagged on an imported or updated item.
    warnings: tuple[str, ...] = ()


@dataclass
class Summary:
    """The outcome of each non-empty line, with its line number (from 1)."""

    lines: list[tuple[int, Outcome]] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for _line, outcome in self.lines if outcome.status == status)

    @property
    def rejected(self) -> list[tuple[int, Outcome]]:
        return [
            (line, outcome)
            for line, outcome in self.lines
            if outcome.status == Status.REJECTED
        ]


class ColumnNotFound(LookupError):
    """The column named for the import is not a column of the site."""


@dataclass(frozen=True)
class _Kind:
    model: type[ContentPage]
    # Where items go when no column is named: the first column found by code,
    # else the site's first column of this kind.
    column_codes: tuple[str, ...] = ()
    column_kind: str | None = None
    required: tuple[str, ...] = ()


KINDS: Mapping[str, _Kind] = {
    "news": _Kind(ArticlePage, column_codes=("gzdt", "news")),
    "notice": _Kind(ArticlePage, column_codes=("tzgg",)),
    "policy_document": _Kind(
        PolicyDocumentPage,
        column_kind=ColumnKind.POLICY,
        required=("issuing_organ", "written"),
    ),
    "interpretation": _Kind(InterpretationPage, column_kind=ColumnKind.INTERPRETATION),
}
REQUIRED = ("external_id", "kind", "title", "body", "published")


class _Rejected(Exception):
    """A line cannot be imported (internal; becomes a rejected Outcome)."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def import_file(*, site, column_code: str | None, lines: Iterable[str]) -> Summary:
    """Import every line of an export into ``site``; ``column_code`` names the
    column every item goes to (by default each kind has its own). Raises
    ``ColumnNotFound`` before importing anything when the site has no such column."""
    column = None
    if column_code:
        column = selectors.column_get(site=site, code=column_code)
        if column is None:
            raise ColumnNotFound(
                _("Site %(site)s has no column with the code %(code)s.")
                % {"site": site.code, "code": column_code}
            )
    summary = Summary()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            outcome = _rejected(
                Reason.INVALID_JSON,
                _("The line is not valid JSON (%(error)s at column %(column)d).")
                % {"error": error.msg, "column": error.colno},
            )
        else:
            if isinstance(item, dict):
                outcome = import_line(site=site, column=column, item=item)
            else:
                outcome = _rejected(
                    Reason.NOT_AN_OBJECT, _("The line is not a JSON object.")
                )
        summary.lines.append((number, outcome))
    return summary


def import_line(*, site, column: ColumnPage | None, item: dict[str, Any]) -> Outcome:
    """Import one item into ``column`` (``None``: the site's column for its kind),
    or update the page it became when its content changed since."""
    try:
        with use_site(site), transaction.atomic():
            return _import_item(site=site, column=column, item=item)
    except _Rejected as rejected:
        return _rejected(rejected.reason, rejected.message)


def _rejected(reason: Reason, message: str) -> Outcome:
    return Outcome(Status.REJECTED, reason=reason, message=message)


def _import_item(*, site, column: ColumnPage | None, item: dict[str, Any]) -> Outcome:
    external_id = _external_id(item)
    checksum = _checksum(item)
    record = selectors.imported_item_get(site=site, external_id=external_id)
    if record is not None and record.page_id is not None:
        if record.checksum == checksum:
            return Outcome(Status.UNCHANGED, page_id=record.page_id)
        existing = record.page.specific
    else:
        existing = None

    missing = [key for key in REQUIRED if _is_blank(item.get(key))]
    if missing:
        raise _missing(missing)
    kind_name = item["kind"]
    kind = KINDS.get(kind_name) if isinstance(kind_name, str) else None
    if kind is None:
        raise _Rejected(
            Reason.UNKNOWN_KIND,
            _("Unknown kind %(kind)s; use one of %(kinds)s.")
            % {
                "kind": json.dumps(kind_name, ensure_ascii=False),
                "kinds": ", ".join(KINDS),
            },
        )
    missing = [key for key in kind.required if _is_blank(item.get(key))]
    if missing:
        raise _missing(missing)

    if existing is not None and type(existing) is not kind.model:
        raise _Rejected(
            Reason.KIND_CHANGED,
            _(
                "Item %(id)s was imported as a %(type)s; its kind cannot "
                "change on a later import."
            )
            % {"id": external_id, "type": existing._meta.verbose_name},
        )
    # Checked on updates too, although the date of the first import is kept.
    published = _moment(item["published"], "published")
    fields = _page_fields(site=site, kind=kind, item=item)
    if existing is None:
        target = column or _default_column(site=site, kind_name=kind_name, kind=kind)
        page = kind.model(
            **fields,
            first_published_at=published,
            migrated=True,
            live=False,
        )
        warnings = _check(page=page, parent=target)
        with _page_errors(page):
            # Wagtail validates a draft's title and slug only when adding it;
            # the rest of the page is validated when its revision is saved.
            _clean_fields(page, fields)
            target.add_child(instance=page)
            page.save_revision(user=None).publish(user=None)
        status = Status.IMPORTED
    else:
        page = existing
        for name, value in fields.items():
            setattr(page, name, value)
        page.migrated = True
        # The first publication date stays the one of the first import.
        warnings = _check(page=page, parent=page.get_parent())
        with _page_errors(page):
            _clean_fields(page, fields)
            page.save_revision(user=None).publish(user=None)
        status = Status.UPDATED

    ImportedItem.objects.update_or_create(
        site=site,
        external_id=external_id,
        defaults={"page": page, "checksum": checksum},
    )
    return Outcome(status, page_id=page.pk, warnings=warnings)


# -- reading an item ----------------------------------------------------------------


def _checksum(item: dict[str, Any]) -> str:
    normalised = json.dumps(
        item, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(normalised.encode()).hexdigest()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _missing(keys: list[str]) -> _Rejected:
    return _Rejected(
        Reason.MISSING_KEY,
        _("Missing or empty: %(keys)s.") % {"keys": ", ".join(keys)},
    )


def _external_id(item: dict[str, Any]) -> str:
    value = item.get("external_id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if _is_blank(value):
        raise _missing(["external_id"])
    if not isinstance(value, str):
        raise _not_text("external_id")
    value = value.strip()
    if len(value) > EXTERNAL_ID_MAX_LENGTH:
        raise _Rejected(
            Reason.INVALID_VALUE,
            _("external_id is longer than %(max)d characters.")
            % {"max": EXTERNAL_ID_MAX_LENGTH},
        )
    return value


def _not_text(key: str) -> _Rejected:
    return _Rejected(Reason.INVALID_VALUE, _("%(key)s must be text.") % {"key": key})


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _not_text(key)
    return value.strip()


def _plain(value: str) -> str:
    """Old systems' titles may carry markup and entities (``&ldquo;``, ``<font>``)."""
    return " ".join(unescape(strip_tags(value)).split())


def _flag(item: dict[str, Any], key: str) -> bool:
    value = item.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _Rejected(
            Reason.INVALID_VALUE,
            _("%(key)s must be true or false.") % {"key": key},
        )
    return value


def _bad_date(key: str, value: Any) -> _Rejected:
    return _Rejected(
        Reason.BAD_DATE,
        _(
            "%(key)s is %(value)s, not an ISO date or date and time "
            "(2019-05-12 or 2019-05-12T08:30:00)."
        )
        % {"key": key, "value": json.dumps(value, ensure_ascii=False, default=str)},
    )


def _day(value: Any, key: str) -> datetime.date:
    if not isinstance(value, str):
        raise _bad_date(key, value)
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise _bad_date(key, value) from None


def _moment(value: Any, key: str) -> datetime.datetime:
    """An ISO date (midnight, local time) or date and time (local unless it says)."""
    if not isinstance(value, str):
        raise _bad_date(key, value)
    text = value.strip()
    try:
        moment = datetime.datetime.combine(
            datetime.date.fromisoformat(text), datetime.time.min
        )
    except ValueError:
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise _bad_date(key, value) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now():
        raise _Rejected(
            Reason.BAD_DATE,
            _("%(key)s %(value)s is in the future.") % {"key": key, "value": text},
        )
    return moment


def _document_number(value: str) -> str:
    try:
        return normalize_document_number(value)
    except ValidationError as error:
        raise _Rejected(Reason.DOCUMENT_NUMBER, " ".join(error.messages)) from None


def _body(item: dict[str, Any]) -> list[tuple[str, Any]]:
    html = body_html(_text(item, "body"))
    if not html:
        raise _Rejected(
            Reason.EMPTY_BODY,
            _("The body is empty once scripts and unsupported markup are removed."),
        )
    return [
        (kind, RichText(value) if kind == "paragraph" else value)
        for kind, value in body_blocks(html)
    ]


def _page_fields(*, site, kind: _Kind, item: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": _plain(_text(item, "title")),
        "source": _text(item, "source"),
        "body": _body(item),
    }
    if kind.model is PolicyDocumentPage:
        number = _text(item, "document_number")
        fields.update(
            document_number=_document_number(number) if number else "",
            issuing_organ=_text(item, "issuing_organ"),
            written_on=_day(item["written"], "written"),
            is_normative=_flag(item, "normative"),
        )
        index_number = _text(item, "index_number")
        if index_number:
            fields["index_number"] = index_number
    elif kind.model is InterpretationPage:
        fields["document"] = _interpreted_document(site=site, item=item)
    return fields


def _interpreted_document(*, site, item: dict[str, Any]) -> PolicyDocumentPage:
    external_id = item.get("document_external_id")
    if isinstance(external_id, int) and not isinstance(external_id, bool):
        external_id = str(external_id)
    if not _is_blank(external_id):
        if not isinstance(external_id, str):
            raise _not_text("document_external_id")
        record = selectors.imported_item_get(site=site, external_id=external_id.strip())
        document = record.page.specific if record and record.page_id else None
        if isinstance(document, PolicyDocumentPage):
            return document
        raise _Rejected(
            Reason.DOCUMENT_NOT_FOUND,
            _("No policy document of this site was imported as %(id)s.")
            % {"id": external_id.strip()},
        )
    number = _text(item, "document_number")
    if not number:
        raise _missing(["document_external_id", "document_number"])
    number = _document_number(number)
    documents = list(selectors.policy_documents_by_number(site=site, number=number)[:2])
    if len(documents) == 1:
        return documents[0]
    if not documents:
        message = _("This site has no published policy document numbered %(number)s.")
    else:
        message = _(
            "This site has several published policy documents numbered "
            "%(number)s; name the document by document_external_id."
        )
    raise _Rejected(Reason.DOCUMENT_NOT_FOUND, message % {"number": number})


# -- placing and checking -------------------------------------------------------------


def _default_column(*, site, kind_name: str, kind: _Kind) -> ColumnPage:
    for code in kind.column_codes:
        column = selectors.column_get(site=site, code=code)
        if column is not None:
            return column
    if kind.column_kind:
        column = selectors.column_of_kind_get(site=site, kind=kind.column_kind)
        if column is not None:
            return column
    raise _Rejected(
        Reason.NO_COLUMN,
        _("This site has no column for %(kind)s items; name the column to import into.")
        % {"kind": kind_name},
    )


def _check(*, page: ContentPage, parent) -> tuple[str, ...]:
    """The checks an editor's publishing goes through; errors reject the line."""
    problems = publishing.check_before_saving(
        page=page, parent=parent, publishing=True, migrating=True
    )
    if problems.errors:
        raise _Rejected(
            Reason.CHECKS, " ".join(message for _field, message in problems.errors)
        )
    return tuple(problems.warnings)


def _clean_fields(page: ContentPage, fields: Mapping[str, Any]) -> None:
    """Field validation (lengths, choices, blanks) of the fields the import sets."""
    page.clean_fields(
        exclude=[f.name for f in page._meta.concrete_fields if f.name not in fields]
    )


@contextlib.contextmanager
def _page_errors(page: ContentPage) -> Iterator[None]:
    """Turns the page model's validation errors into a rejection of the line."""
    try:
        yield
    except ValidationError as error:
        raise _Rejected(Reason.INVALID_PAGE, _describe(error, page)) from error


def _describe(error: ValidationError, page: ContentPage) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        try:
            label = str(page._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            parts.append(" ".join(messages))
            continue
        parts.append(
            _("%(field)s: %(messages)s")
            % {"field": label, "messages": " ".join(messages)}
        )
    return pgettext("import error parts", "; ").join(parts)
