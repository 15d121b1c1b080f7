"""Filters of the case and comment listings (django-filter, drawn by Wagtail's
listing). Choices of sites and consultations are the user's own; an id typed
into the address that is not one of them filters to nothing rather than
widening anything, and a value that is not a number is ignored."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from interaction.models import Adoption, Case, CaseKind, CaseStatus, Comment
from sites.params import id_param
from sites.tenancy import for_sites


class IdChoiceField(django_filters.fields.ChoiceField):
    """A choice of ids that offers the user's rows only, and reads any other
    value without an error: a number as that id (which then finds nothing the
    user may not see), anything else as no choice."""

    def to_python(self, value):
        if isinstance(value, list | tuple):  # pragma: no cover - widget gives one
            value = value[-1] if value else ""
        return id_param(str(value) if value is not None else "")

    def validate(self, value):
        return None

    def valid_value(self, value):
        return True


class IdChoiceFilter(django_filters.ChoiceFilter):
    field_class = IdChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("All"))
        super().__init__(*args, **kwargs)


def _scope_is_applied_by_the_view(queryset, name, value):
    """The site and the deadline choices narrow the selector's arguments (the
    sites whose cases are read, and their warning windows), not this queryset."""
    return queryset


DEADLINE_CHOICES = [
    ("overdue", _("Overdue")),
    ("due_soon", _("Nearly overdue")),
]


class SiteScopedFilterSet(WagtailFilterSet):
    """A site filter for people who manage several sites: their sites only."""

    site = IdChoiceFilter(label=_("Site"), method=_scope_is_applied_by_the_view)

    def __init__(self, data=None, queryset=None, *, sites=(), **kwargs):
        if queryset is None:
            # Never the model's whole table (its manager refuses without a
            # site): the listing filters its own queryset, scoped the same way.
            queryset = for_sites(self._meta.model, sites)
        super().__init__(data, queryset, **kwargs)
        if len(sites) > 1:
            self.filters["site"].extra["choices"] = [(s.pk, s.name) for s in sites]
        else:
            del self.filters["site"]


class CaseFilterSet(SiteScopedFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=CaseStatus.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=CaseKind.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    flag = django_filters.ChoiceFilter(
        label=_("Deadline"),
        choices=DEADLINE_CHOICES,
        empty_label=_("All"),
        widget=forms.RadioSelect,
        method=_scope_is_applied_by_the_view,
    )
    submitted_at = django_filters.DateFromToRangeFilter(
        label=_("Submitted"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Case
        fields = ["site", "status", "kind", "flag", "submitted_at"]


class CommentFilterSet(SiteScopedFilterSet):
    consultation = IdChoiceFilter(label=_("Consultation"), field_name="consultation")
    hidden = django_filters.ChoiceFilter(
        label=_("Hidden"),
        choices=[("0", _("Shown")), ("1", _("Hidden (spam)"))],
        empty_label=_("All"),
        widget=forms.RadioSelect,
        method="filter_hidden",
    )
    adoption = django_filters.ChoiceFilter(
        label=_("Adoption"),
        choices=[("none", _("Not tagged")), *Adoption.choices],
        empty_label=_("All"),
        widget=forms.RadioSelect,
        method="filter_adoption",
    )
    submitted_at = django_filters.DateFromToRangeFilter(
        label=_("Submitted"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Comment
        fields = ["site", "consultation", "hidden", "adoption", "submitted_at"]

    def __init__(self, *args, consultations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["consultation"].extra["choices"] = list(consultations)

    def filter_hidden(self, queryset, name, value):
        return queryset.filter(hidden=value == "1")

    def filter_adoption(self, queryset, name, value):
        return queryset.filter(adoption="" if value == "none" else value)
