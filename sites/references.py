"""What a site's page may point to: its own images, documents, pages and rows, and
what the platform shares.

A page names other objects by id: a cover image, image and attachment blocks, links
in rich text, page choosers, snippets. The admin's choosers offer only the user's
own sites' objects, but a form sends whatever ids it is given, and whatever a page
names is shown on its public page. ``page_references_check`` is the one rule, run by
the page form (``sites.forms.SiteReferencesFormMixin``) on every save: publish,
save draft, autosave, and any other path through the form.

A site may use:

- images and documents in its collection or a collection below it (a city's pages
  may show its counties' files, as its host serves them), and those in a collection
  outside every site's, which only the platform's own admins fill (shared);
- pages in its own page tree and the trees of the sites below it;
- rows of site-owned models (``SiteOwnedModel``) of itself or a site below it;
  rows of platform-wide models (not site-owned) are shared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel, get_all_child_relations
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionMember, Page

from .models import GovSite
from .selectors import site_of_page_path
from .tenancy import SiteOwnedModel, all_sites


@dataclass(frozen=True)
class Reference:
    model: type[Model]
    pk: str
    # The form field (or child relation) the reference came from, and the name of
    # the field or block that holds the id ("cover_image", "image", "document").
    field: str
    leaf: str = ""


@dataclass(frozen=True)
class Refusal:
    field: str
    leaf: str
    pk: str
    message: str


def page_references(obj: Model) -> Iterator[Reference]:
    """Every object ``obj`` names by id: foreign keys, references inside
    StreamFields and rich text, and those of its child objects (inline panels)."""
    for field in obj._meta.get_fields():
        if (
            field.is_relation
            and field.many_to_one
            and field.concrete
            and not isinstance(field, ParentalKey)
        ):
            value = field.value_from_object(obj)
            if value is not None:
                yield Reference(field.related_model, str(value), field.name, field.name)
        elif hasattr(field, "extract_references") and field.concrete:
            value = field.value_from_object(obj)
            if value is not None:
                for model, pk, _model_path, content_path in field.extract_references(
                    value
                ):
                    leaf = content_path.rsplit(".", 1)[-1] if content_path else ""
                    yield Reference(model, str(pk), field.name, leaf)
    if isinstance(obj, ClusterableModel):
        for relation in get_all_child_relations(obj):
            name = relation.get_accessor_name()
            for child in getattr(obj, name).all():
                for reference in page_references(child):
                    yield Reference(reference.model, reference.pk, name, reference.leaf)


def _site_collection_paths() -> set[str]:
    return set(GovSite.objects.values_list("collection__path", flat=True))


def _refused_media(site: GovSite | None, model, pks: set[str]) -> set[str]:
    site_paths = _site_collection_paths()
    own = site.collection.path if site is not None else None
    refused = set()
    for pk, path in model._default_manager.filter(pk__in=pks).values_list(
        "pk", "collection__path"
    ):
        if own is not None and path.startswith(own):
            continue
        step = Collection.steplen
        owned_by_a_site = any(
            path[:end] in site_paths for end in range(step, len(path) + 1, step)
        )
        if owned_by_a_site:
            refused.add(str(pk))
    return refused


def _refused_pages(site: GovSite | None, pks: set[str]) -> set[str]:
    pages = Page.objects.filter(pk__in=pks)
    if site is not None:
        pages = pages.exclude(path__startswith=site.folder_page.path)
    return {str(pk) for pk in pages.values_list("pk", flat=True)}


def _refused_rows(site: GovSite | None, model, pks: set[str]) -> set[str]:
    with all_sites():
        rows = model._default_manager.filter(pk__in=pks)
        if site is not None:
            rows = rows.exclude(site__tree_path__startswith=site.tree_path)
        return {str(pk) for pk in rows.values_list("pk", flat=True)}


def _kind(model) -> str:
    if issubclass(model, get_image_model()):
        return pgettext("reference kind", "image")
    if issubclass(model, get_document_model()):
        return pgettext("reference kind", "document")
    if issubclass(model, Page):
        return pgettext("reference kind", "page")
    return str(model._meta.verbose_name)


def page_site(page: Page, *, parent: Page | None = None) -> GovSite | None:
    """The site whose tree holds ``page`` (or, for a new page, ``parent``)."""
    if page.path:
        return site_of_page_path(page.path)
    if parent is not None:
        return site_of_page_path(parent.path)
    return None


def page_references_refused(
    *, page: Page, parent: Page | None = None, extra: list[Model] = ()
) -> list[Refusal]:
    """Each reference of ``page`` (and its ``extra`` child objects) to an object
    its site may not use, with the message to show.

    Messages name the object's kind and id, never its title: the title of another
    site's object is what must not be shown."""
    site = page_site(page, parent=parent)
    wanted: dict[type[Model], dict[str, list[Reference]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for obj in [page, *extra]:
        for reference in page_references(obj):
            model = reference.model
            if issubclass(model, Page):
                model = Page
            if issubclass(model, (Page, CollectionMember, SiteOwnedModel)):
                wanted[model][reference.pk].append(reference)
    refusals = []
    for model, references_by_pk in wanted.items():
        pks = set(references_by_pk)
        if issubclass(model, Page):
            refused = _refused_pages(site, pks)
        elif issubclass(model, CollectionMember):
            refused = _refused_media(site, model, pks)
        else:
            refused = _refused_rows(site, model, pks)
        for pk in sorted(refused, key=lambda value: (len(value), value)):
            message = _(
                "The %(kind)s with id %(id)s belongs to another site: choose one "
                "of this site's own."
            ) % {"kind": _kind(model), "id": pk}
            for reference in dict.fromkeys(references_by_pk[pk]):
                refusals.append(
                    Refusal(reference.field, reference.leaf, reference.pk, message)
                )
    return refusals


def page_references_check(
    *, page: Page, parent: Page | None = None, extra: list[Model] = ()
) -> dict[str, list[str]]:
    """Messages, by field, for each object ``page`` names that its site may not
    use. Empty when every reference is allowed."""
    errors: dict[str, list[str]] = defaultdict(list)
    for refusal in page_references_refused(page=page, parent=parent, extra=extra):
        if refusal.message not in errors[refusal.field]:
            errors[refusal.field].append(refusal.message)
    return dict(errors)


def page_references_validate(
    *, page: Page, parent: Page | None = None, extra: list[Model] = ()
) -> None:
    """``page_references_check`` as a ``ValidationError`` (by field)."""
    errors = page_references_check(page=page, parent=parent, extra=extra)
    if errors:
        raise ValidationError(errors)
