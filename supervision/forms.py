"""The admin's form of the annual report's fields the platform cannot know."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .annual_report import MANUAL_FIELDS, TEXT_MAX

YES_NO = (("", "—"), ("yes", _("Yes")), ("no", _("No")))


class AnnualReportForm(forms.Form):
    """One field per ``MANUAL_FIELDS`` entry, labelled with the national
    template's wording; blank means "not filled in"."""

    def __init__(self, *args, initial_manual: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        manual = initial_manual or {}
        for key, label, kind in MANUAL_FIELDS:
            if kind == "number":
                field = forms.IntegerField(
                    label=label, required=False, min_value=0, max_value=10**12
                )
                initial = manual.get(key)
            elif kind == "yesno":
                field = forms.ChoiceField(label=label, required=False, choices=YES_NO)
                value = manual.get(key)
                initial = "" if value is None else ("yes" if value else "no")
            else:
                field = forms.CharField(
                    label=label,
                    required=False,
                    max_length=TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
                initial = manual.get(key, "")
            field.initial = initial
            self.fields[key] = field

    def manual(self) -> dict:
        """The cleaned values as ``AnnualReport.manual`` keeps them (blank ones
        left out)."""
        values = {}
        for key, _label, kind in MANUAL_FIELDS:
            value = self.cleaned_data.get(key)
            if value is None or value == "":
                continue
            if kind == "yesno":
                value = value == "yes"
            elif kind == "text":
                value = value.replace("\x00", "").strip()
                if not value:
                    continue
            values[key] = value
        return values
