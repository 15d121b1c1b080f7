"""Forms of the term lists: one term at a time, and many at once."""

from __future__ import annotations

import csv

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from sites.models import GovSite

from .models import PlatformTerm, SiteTerm, TermAction, TermCategory
from .selectors import administered_sites
from .services import TermRow

TERM_FIELDS = ["term", "category", "action", "suggestion", "note", "is_active"]
MAX_IMPORT_ROWS = 20_000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
_HEADER_WORDS = {"term", "词语", "词条", "敏感词"}


class CheckTermForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].error_messages["required"] = _(
            "Enter the term to look for."
        )


class PlatformTermForm(CheckTermForm):
    class Meta:
        model = PlatformTerm
        fields = TERM_FIELDS


class SiteTermForm(CheckTermForm):
    """The site is one of those the user administers, and fixed once saved."""

    class Meta:
        model = SiteTerm
        fields = ["site", *TERM_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        site = self.fields["site"]
        site.label = _("Site")
        site.queryset = (
            administered_sites(self.for_user)
            if self.for_user is not None
            else GovSite.objects.none()
        )
        if self.instance.pk:
            site.disabled = True


def parse_term_lines(text: str) -> tuple[list[TermRow], list[str]]:
    """Rows from ``text``: one term per line, then optionally a comma (or a
    full-width comma, or a tab) and the correct form. Blank lines and a header
    line are skipped. Returns the rows and a message per bad line."""
    rows, errors = [], []
    max_length = PlatformTerm._meta.get_field("term").max_length
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.replace("，", ",").replace("\t", ",").strip()
        if not line:
            continue
        cells = [cell.strip() for cell in next(csv.reader([line]), [])]
        while len(cells) > 2 and not cells[-1]:
            cells.pop()
        if not cells or not cells[0]:
            errors.append(_("Line %(line)d: no term.") % {"line": number})
            continue
        if number == 1 and cells[0].casefold() in _HEADER_WORDS:
            continue
        if len(cells) > 2:
            errors.append(
                _("Line %(line)d: expected a term and at most its correct form.")
                % {"line": number}
            )
            continue
        term, suggestion = cells[0], cells[1] if len(cells) > 1 else ""
        if len(term) > max_length or len(suggestion) > max_length:
            errors.append(
                _("Line %(line)d: longer than %(max)d characters.")
                % {"line": number, "max": max_length}
            )
            continue
        if suggestion == term:
            errors.append(
                _("Line %(line)d: the correct form is the same as the term.")
                % {"line": number}
            )
            continue
        rows.append(TermRow(term=term, suggestion=suggestion, line=number))
    return rows, errors


class TermImportForm(forms.Form):
    """Many terms at once, all with the same category and action."""

    text = forms.CharField(
        label=_("Terms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "One term per line. To give the correct form, add a comma and the "
            "correct form after the term."
        ),
    )
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_("UTF-8 text in the same two columns: term, correct form."),
    )
    category = forms.ChoiceField(label=_("category"), choices=TermCategory.choices)
    action = forms.ChoiceField(
        label=_("action"), choices=TermAction.choices, initial=TermAction.BLOCK
    )
    note = forms.CharField(label=_("note"), required=False, max_length=255)

    def clean(self):
        # Errors go on the fields: the admin's plain form page shows field errors.
        cleaned = super().clean()
        rows, errors = parse_term_lines(cleaned.get("text") or "")
        if errors:
            self.add_error("text", errors[:20])
        upload = cleaned.get("file")
        if upload is not None:
            file_rows, file_errors = self._read(upload)
            rows += file_rows
            if file_errors:
                self.add_error("file", file_errors[:20])
        if self.errors:
            return cleaned
        if not rows:
            self.add_error("text", _("Enter at least one term."))
        elif len(rows) > MAX_IMPORT_ROWS:
            self.add_error(
                "text", _("At most %(max)d terms at a time.") % {"max": MAX_IMPORT_ROWS}
            )
        cleaned["rows"] = rows
        return cleaned

    def _read(self, upload) -> tuple[list[TermRow], list[str]]:
        if upload.size > MAX_IMPORT_BYTES:
            message = _("The file is larger than %(size)d MB.")
            return [], [message % {"size": MAX_IMPORT_BYTES // (1024 * 1024)}]
        try:
            content = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [_("The file is not UTF-8 text.")]
        return parse_term_lines(content)


class SiteTermImportForm(TermImportForm):
    site = forms.ModelChoiceField(label=_("Site"), queryset=GovSite.objects.none())

    field_order = ["site"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = administered_sites(user)
