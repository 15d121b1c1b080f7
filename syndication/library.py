"""The public 规范性文件库 of a portal: filters parsed, documents listed where they
live (no copies)."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cms.models.choices import SubjectCategory, Validity
from sites.models import SiteLevel

from . import selectors


class LibraryFilterForm(forms.Form):
    organ = forms.CharField(label=_("Issuing organ"), required=False, max_length=100)
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=1949, max_value=2100
    )
    subject = forms.ChoiceField(
        label=_("Subject category"),
        required=False,
        choices=[("", _("All")), *SubjectCategory.choices],
    )
    validity = forms.ChoiceField(
        label=_("Validity"),
        required=False,
        choices=[("", _("All")), *Validity.choices],
    )


def normative_library(request):
    site = getattr(request, "govsite", None)
    if site is None or site.level == SiteLevel.DEPARTMENT:
        raise Http404
    form = LibraryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    documents = selectors.normative_documents(
        portal=site,
        issuing_organ=filters.get("organ") or "",
        year=filters.get("year"),
        subject=filters.get("subject") or "",
        validity=filters.get("validity") or "",
    )
    items = Paginator(documents, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "syndication/normative_library.html",
        {
            "form": form,
            "items": items,
            "organs": selectors.normative_organs(portal=site),
            "query": request.GET.urlencode(),
        },
    )
