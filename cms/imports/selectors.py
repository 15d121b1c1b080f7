"""Reads the import needs: a site's columns, its imported items and documents."""

from __future__ import annotations

from cms.models import ColumnKind, ColumnPage, PolicyDocumentPage

from .models import ImportedItem


def column_get(*, site, code: str) -> ColumnPage | None:
    """The column of ``site`` with this code (the shallowest if several)."""
    return (
        ColumnPage.objects.descendant_of(site.root_page)
        .filter(code=code)
        .order_by("depth", "path")
        .first()
    )


def column_of_kind_get(*, site, kind: ColumnKind) -> ColumnPage | None:
    return (
        ColumnPage.objects.descendant_of(site.root_page)
        .filter(kind=kind)
        .order_by("depth", "path")
        .first()
    )


def imported_item_get(*, site, external_id: str) -> ImportedItem | None:
    """Run inside ``use_site(site)``."""
    return (
        ImportedItem.objects.filter(site=site, external_id=external_id)
        .select_related("page")
        .first()
    )


def policy_documents_by_number(*, site, number: str):
    """Live policy documents of ``site`` with this (normalised) document number."""
    return (
        PolicyDocumentPage.objects.descendant_of(site.root_page)
        .live()
        .filter(document_number=number)
    )
