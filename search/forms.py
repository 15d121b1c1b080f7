"""Parsing the search parameters shared by the search page and the JSON API."""

from __future__ import annotations

import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from sites.models import SiteLevel
from sites.params import MAX_ID

from .backends.base import MAX_PAGE
from .documents import CONTENT_TYPES
from .query import clean
from .selectors import SearchParams

# Filters outside these bounds are reported, never searched: a date the search
# cannot compute with (9999-12-31 + one day) or an id PostgreSQL cannot compare.
FIRST_YEAR, LAST_YEAR = 1949, 2100
FIRST_DAY = datetime.date(FIRST_YEAR, 1, 1)
LAST_DAY = datetime.date(LAST_YEAR, 12, 31)


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        validators=[MinValueValidator(FIRST_DAY), MaxValueValidator(LAST_DAY)],
    )


def content_type_choices():
    return [("", _("All types"))] + [
        (name, model._meta.verbose_name) for model, name in CONTENT_TYPES.items()
    ]


class SearchForm(forms.Form):
    """Every field is optional; a bad value is reported and left out of the
    search (the search still runs), never an error page."""

    q = forms.CharField(label=_("Search for"), required=False, strip=True)
    scope = forms.ChoiceField(
        label=_("Search in"),
        required=False,
        choices=[("site", _("This site")), ("all", _("All sites"))],
    )
    type = forms.ChoiceField(
        label=_("Content type"), required=False, choices=content_type_choices
    )
    column = forms.IntegerField(
        label=_("Column"), required=False, min_value=1, max_value=MAX_ID
    )
    date_from = _date_field(_("Published from"))
    date_to = _date_field(_("Published until"))
    site = forms.RegexField(label=_("Site"), required=False, regex=r"^[0-9a-z]{1,10}$")
    level = forms.ChoiceField(
        label=_("Site level"),
        required=False,
        choices=[("", _("All levels")), *SiteLevel.choices],
    )
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    page = forms.IntegerField(
        label=_("Page"), required=False, min_value=1, max_value=MAX_PAGE
    )

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            # The query is never refused: cleaned (control characters out) and cut.
            data["q"] = clean(data.get("q", ""))
        super().__init__(data, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def params(self) -> SearchParams:
        """The valid part of the input (call after is_valid())."""
        data = {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors
        }
        return SearchParams(
            q=self.data.get("q", "") if self.is_bound else "",
            scope=data.get("scope") or "site",
            content_type=data.get("type") or "",
            column=data.get("column"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            site=data.get("site") or "",
            level=data.get("level") or "",
            year=data.get("year"),
            page=data.get("page") or 1,
        )
