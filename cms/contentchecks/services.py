"""Checking content against the term lists, and writing many terms at once.

``check_content`` is what the page edit form and the import command call before
publishing: every term of the platform list and of the site's own list found in the
given fields, split into what blocks publishing and what only warns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.text import plain_text
from sites.tenancy import use_site

from . import automata
from .matcher import fold
from .models import PlatformTerm, SiteTerm, TermAction, TermCategory
from .selectors import platform_term_list, site_term_list

# Characters of context shown on each side of a match.
CONTEXT_CHARS = 15
_ONE_LINE = str.maketrans("\n\r\t", "   ")


@dataclass(frozen=True)
class Finding:
    """One listed term found in one field (``count`` times; ``context`` shows the
    first occurrence, the term marked as 【term】)."""

    term: str
    field: str
    context: str
    suggestion: str
    category: TermCategory
    action: TermAction
    count: int = 1


@dataclass
class CheckReport:
    blocks: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [*self.blocks, *self.warnings]

    @property
    def has_blocks(self) -> bool:
        return bool(self.blocks)

    @property
    def is_clean(self) -> bool:
        return not self.blocks and not self.warnings


def _context(text: str, start: int, end: int) -> str:
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    return "".join(
        [
            "…" if start > CONTEXT_CHARS else "",
            before,
            "【",
            text[start:end],
            "】",
            after,
            "…" if end + CONTEXT_CHARS < len(text) else "",
        ]
    ).translate(_ONE_LINE)


def _stricter(a: automata.TermInfo, b: automata.TermInfo) -> automata.TermInfo:
    """Of two listings of one term (the platform's and the site's), the one that
    blocks; on a tie, the platform's. A site cannot soften the platform list."""
    if (a.action == TermAction.BLOCK) != (b.action == TermAction.BLOCK):
        return a if a.action == TermAction.BLOCK else b
    return a if a.source == automata.SOURCE_PLATFORM else b


def check_content(*, site, fields: Mapping[str, str]) -> CheckReport:
    """Look for the platform's and ``site``'s active terms in ``fields`` (a field
    label such as "标题", "正文" or "附件名称" → its text; HTML is read as the text a
    reader sees). Every occurrence counts, overlapping ones included; each term is
    reported once per field with the number of occurrences."""
    matchers = automata.matchers_for(site.pk)
    report = CheckReport()
    for label, value in fields.items():
        text = plain_text(value or "")
        # folded term -> (the listing that applies, start positions)
        hits: dict[str, tuple[automata.TermInfo, set[int]]] = {}
        for matcher in matchers:
            for start, _end, entry in matcher.find(text):
                key = fold(entry.term)
                info, starts = hits.get(key, (entry.payload, set()))
                hits[key] = (_stricter(info, entry.payload), starts)
                starts.add(start)
        ordered = sorted(hits.values(), key=lambda hit: (min(hit[1]), hit[0].term))
        for info, starts in ordered:
            first = min(starts)
            finding = Finding(
                term=info.term,
                field=label,
                context=_context(text, first, first + len(info.term)),
                suggestion=info.suggestion,
                category=TermCategory(info.category),
                action=TermAction(info.action),
                count=len(starts),
            )
            if finding.action == TermAction.BLOCK:
                report.blocks.append(finding)
            else:
                report.warnings.append(finding)
    return report


def format_findings(findings: Iterable[Finding]) -> str:
    """One line per finding, in the active language, for form errors and commands:
    ``[禁止发布] 正文：“国务院总里”（领导职务错误）；共 2 处；应为“国务院总理”；
    上下文：…【国务院总里】…``."""
    lines = []
    separator = pgettext("content check finding parts", "; ")
    for finding in findings:
        action = (
            pgettext("content check finding", "Blocked")
            if finding.action == TermAction.BLOCK
            else pgettext("content check finding", "Warning")
        )
        parts = [
            _('[%(action)s] %(field)s: "%(term)s" (%(category)s)')
            % {
                "action": action,
                "field": finding.field,
                "term": finding.term,
                "category": TermCategory(finding.category).label,
            }
        ]
        if finding.count > 1:
            parts.append(_("%(count)d occurrences") % {"count": finding.count})
        if finding.suggestion:
            parts.append(_('use "%(suggestion)s"') % {"suggestion": finding.suggestion})
        parts.append(_("context: %(context)s") % {"context": finding.context})
        lines.append(separator.join(parts))
    return "\n".join(lines)


@dataclass(frozen=True)
class TermRow:
    """One term to add, as read from a line of an import (``line`` for messages)."""

    term: str
    suggestion: str = ""
    line: int = 0


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    # Terms already in the list, or repeated in the input.
    skipped: list[str] = field(default_factory=list)


def _new_rows(
    rows: Iterable[TermRow], existing: set[str]
) -> tuple[list[TermRow], ImportResult]:
    result = ImportResult()
    seen = set(existing)
    fresh = []
    for row in rows:
        term = row.term.strip()
        if not term:
            continue
        if term in seen:
            result.skipped.append(term)
            continue
        seen.add(term)
        fresh.append(TermRow(term, row.suggestion.strip(), row.line))
        result.created.append(term)
    return fresh, result


@transaction.atomic
def platform_terms_import(
    *, rows: Iterable[TermRow], category: str, action: str, note: str = ""
) -> ImportResult:
    """Add many terms to the platform list; terms already listed are skipped."""
    rows = list(rows)
    existing = set(
        platform_term_list()
        .filter(term__in=[row.term.strip() for row in rows])
        .values_list("term", flat=True)
    )
    fresh, result = _new_rows(rows, existing)
    PlatformTerm.objects.bulk_create(
        [
            PlatformTerm(
                term=row.term,
                suggestion=row.suggestion,
                category=category,
                action=action,
                note=note,
            )
            for row in fresh
        ],
        ignore_conflicts=True,
    )
    automata.platform_terms_changed()
    return result


@transaction.atomic
def site_terms_import(
    *, site, rows: Iterable[TermRow], category: str, action: str, note: str = ""
) -> ImportResult:
    """Add many terms to ``site``'s list; terms already listed are skipped."""
    rows = list(rows)
    existing = set(
        site_term_list(sites=[site])
        .filter(term__in=[row.term.strip() for row in rows])
        .values_list("term", flat=True)
    )
    fresh, result = _new_rows(rows, existing)
    with use_site(site):
        SiteTerm.objects.bulk_create(
            [
                SiteTerm(
                    site=site,
                    term=row.term,
                    suggestion=row.suggestion,
                    category=category,
                    action=action,
                    note=note,
                )
                for row in fresh
            ],
            ignore_conflicts=True,
        )
    automata.site_terms_changed(site.pk)
    return result
