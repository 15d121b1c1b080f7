"""Publishing rules: index numbers, registration of normative documents, the checks
that run before a page is published or sent for review."""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Revision

from cms.contentchecks.services import check_content, format_findings
from core.numbering import next_value
from sites.selectors import site_of_page_path

from . import consultations
from .models import (
    ConsultationPage,
    InterpretationPage,
    NormativeRegistration,
    PolicyDocumentPage,
    PublishingSettings,
)
from .models.choices import InterpretationRule
from .text import stream_text


def new_index_number(*, page) -> str:
    """索引号 of a new policy document: ``<site code>/<year>-<sequence>``."""
    site = site_of_page_path(page.path)
    if site is None:
        return ""
    # A migrated document keeps the year it was published in.
    year = (
        timezone.localtime(page.first_published_at).year
        if page.migrated and page.first_published_at
        else timezone.localdate().year
    )
    sequence = next_value(scope="index", key=f"{site.code}/{year}")
    return f"{site.code}/{year}-{sequence:05d}"


@transaction.atomic
def issue_index_number(*, page) -> str:
    """Give a policy document that has gone live its index number, once.

    A document that already has one keeps it (an issued number, or one typed for
    a document brought over from an old site); a draft never draws one, so no
    number is used up by saving. Runs inside the publishing transaction: the
    counter row stays locked until it commits, and a rollback gives the number
    back."""
    if not page.live or page.index_number:
        return page.index_number
    record = type(page).objects.select_for_update().get(pk=page.pk)
    if record.index_number:
        page.index_number = record.index_number
        return page.index_number
    page.index_number = new_index_number(page=page)
    type(page).objects.filter(pk=page.pk).update(index_number=page.index_number)
    if page.live_revision_id:
        # The published revision shows the number too (history, comparisons).
        revision = Revision.objects.filter(pk=page.live_revision_id).first()
        if revision is not None:
            revision.content["index_number"] = page.index_number
            revision.save(update_fields=["content"])
    return page.index_number


def index_number_taken(*, page, site) -> bool:
    return (
        PolicyDocumentPage.objects.descendant_of(site.root_page)
        .filter(index_number=page.index_number)
        .exclude(pk=page.pk)
        .exists()
    )


def register_normative_document(*, page) -> NormativeRegistration | None:
    """Give a normative document its registration number, once, when it first goes
    live. Sequential per issuing organ and year; safe under concurrent publishing
    (``next_value`` locks the counter row until the publishing transaction ends)."""
    if not page.is_normative or not page.live or page.migrated:
        # Migrated documents were registered by the old system, before the
        # platform's registry existed; their old number travels in the document.
        return None
    existing = NormativeRegistration.objects.filter(document=page).first()
    if existing is not None:
        return existing
    year = timezone.localtime(page.first_published_at or timezone.now()).year
    organ = page.issuing_organ
    sequence = next_value(scope="normative", key=f"{organ}/{year}")
    return NormativeRegistration.objects.create(
        issuing_organ=organ,
        year=year,
        sequence=sequence,
        document=page,
        document_title=page.title,
    )


# The key of the "no interpretation" warning among confirmed warnings.
NO_INTERPRETATION = "interpretation:missing"


@dataclasses.dataclass
class Problems:
    errors: list[tuple[str | None, str]] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    # What the warnings are about (the flagged terms, or NO_INTERPRETATION): an
    # editor's confirmation covers exactly these.
    warning_keys: set[str] = dataclasses.field(default_factory=set)

    def warning_message(self) -> str:
        return _(
            "Please check before publishing: %(warnings)s Correct the content, or "
            "tick the box to confirm it is right and submit again."
        ) % {"warnings": " ".join(self.warnings)}

    def unconfirmed_warnings(self, confirmed) -> set[str]:
        """The warnings not covered by an earlier confirmation (``confirmed``, the
        keys stored with the page's revision)."""
        return self.warning_keys - set(confirmed or ())


def check_before_saving(
    *, page, parent, publishing: bool, migrating: bool = False
) -> Problems:
    """Rules the edit form applies: uniqueness and the terms that block publishing
    always (a draft, autosaved or not, never keeps such wording unnoticed), the
    wording warnings, the interpretation rule and the consultation period when the
    page is being published or sent for review.

    ``migrating``: content brought over from an old site, published there long
    ago; the interpretation rule is about publishing new documents and is not
    applied (the interpretation is imported after its document)."""
    problems = Problems()
    site = site_of_page_path(parent.path)
    if site is None:
        return problems
    if (
        isinstance(page, PolicyDocumentPage)
        and page.index_number
        and index_number_taken(page=page, site=site)
    ):
        problems.errors.append(
            (
                "index_number",
                _("Index number %(number)s is already used by another document.")
                % {"number": page.index_number},
            )
        )
    report = check_content(site=site, fields=page.check_texts())
    if report.blocks:
        problems.errors.append(
            (
                None,
                _("This content cannot be published: %(findings)s")
                % {"findings": format_findings(report.blocks)},
            )
        )
    if not publishing:
        return problems
    if not _has_body(page):
        problems.errors.append((None, _("The body is empty: write the content first.")))
    if report.warnings:
        problems.warnings.append(format_findings(report.warnings))
        problems.warning_keys.update(
            f"term:{finding.term}" for finding in report.warnings
        )
    if isinstance(page, PolicyDocumentPage) and page.is_normative and not migrating:
        _check_interpretation(page, site, problems)
    if not migrating and isinstance(page, ConsultationPage):
        message = consultations.check_not_over(page)
        if message:
            problems.errors.append(("ends_on", message))
    return problems


def _has_body(page) -> bool:
    """Whether a page with a body has something in it (text, image, table or
    attachment); an empty paragraph is not content."""
    body = getattr(page, "body", None)
    if body is None or isinstance(body, str):
        return True
    return any(
        block.block_type != "paragraph" or stream_text(block.value.source).strip()
        for block in body
    )


def _check_interpretation(page, site, problems: Problems) -> None:
    if page.pk and InterpretationPage.objects.live().filter(document=page).exists():
        return
    rule = PublishingSettings.for_site(site.wagtail_site).interpretation_rule
    if rule == InterpretationRule.BLOCK:
        problems.errors.append(
            (
                None,
                _(
                    "This site publishes normative documents only together with "
                    "their interpretation: publish an interpretation of this "
                    "document first."
                ),
            )
        )
    else:
        problems.warnings.append(
            _(
                "This normative document has no published interpretation; policy "
                "interpretations should be published at the same time."
            )
        )
        problems.warning_keys.add(NO_INTERPRETATION)
