"""Changes to what the public sees record work for the static tree and the page
cache, in the transaction of the change (delivery.services.changes_record)."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, ReferenceIndex
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
)

from sites import generation
from sites.signals import public_pages_changed
from themes.models import ThemeSettings

from . import selectors, services
from .models import PendingKind


def _site_id(page: Page) -> int | None:
    site = selectors.site_for_page(page)
    return site.pk if site is not None else None


# What Wagtail (and the platform) write on a page for their own bookkeeping: a
# draft saved, a lock taken, a revision made, a child counted. Nothing the public
# sees changes with them.
_PAGE_BOOKKEEPING = frozenset(
    {
        "draft_title",
        "latest_revision",
        "latest_revision_created_at",
        "has_unpublished_changes",
        "live_revision",
        "locked",
        "locked_by",
        "locked_at",
        "numchild",
        "translation_key",
        "locale",
        "wagtail_admin_comments",
    }
)


def live_page_saved_record(sender, instance, raw=False, created=False, **kwargs):
    """A live page saved: publishing a revision saves it, and so does a script
    that changes a live page without one (``page.title = …; page.save()``) or
    adds one live (``parent.add_child(instance=page)`` with ``live=True``, an
    alias made with ``create_alias``). Each way its file, its lists and the
    pages' chrome are written again. A draft (``live=False``) is recorded on its
    publish; a page added while its site is provisioned has no site yet."""
    if raw or not isinstance(instance, Page) or not instance.live:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= _PAGE_BOOKKEEPING:
        return
    site_id = _site_id(instance)
    if site_id is not None:
        services.changes_record(site_id=site_id, page_ids=[instance.pk])


# Every page model: post_save is sent with the concrete class as its sender.
post_save.connect(live_page_saved_record, dispatch_uid="delivery_live_page_saved")


@receiver(page_published)
def page_published_record(sender, instance, **kwargs):
    """The page itself was recorded when publishing saved it (above)."""
    site_id = _site_id(instance) if _state_changes(instance) else None
    if site_id is None:
        return
    for moment in _state_changes(instance):
        # A consultation opens and closes by the calendar: its page and the
        # lists that show its state are written again that day.
        services.changes_record(site_id=site_id, page_ids=[instance.pk], due_at=moment)


def _state_changes(page) -> list[datetime.datetime]:
    starts_on = getattr(page, "starts_on", None)
    ends_on = getattr(page, "ends_on", None)
    if not isinstance(starts_on, datetime.date) or not isinstance(
        ends_on, datetime.date
    ):
        return []
    zone = timezone.get_current_timezone()
    now = timezone.now()
    moments = [
        datetime.datetime.combine(day, datetime.time(0, 0, 5), tzinfo=zone)
        for day in (starts_on, ends_on + datetime.timedelta(days=1))
    ]
    return [moment for moment in moments if moment > now]


@receiver(page_unpublished)
def page_unpublished_record(sender, instance, **kwargs):
    """Also sent for a live page about to be deleted: its addresses are taken
    now, while the page is still there."""
    site_id = _site_id(instance)
    if site_id is None:
        return
    parent = instance.get_parent()
    services.changes_record(
        site_id=site_id,
        paths=selectors.own_addresses(instance),
        list_page_ids=[parent.pk] if parent is not None else [],
    )


@receiver(post_page_move)
def page_moved_record(sender, instance, url_path_before, url_path_after, **kwargs):
    """Every address below a moved page changes: the sites it left and reached
    are written again whole (files of the old addresses removed)."""
    site_ids = {
        selectors.govsite_id_for_path(url_path_before),
        selectors.govsite_id_for_path(url_path_after),
    } - {None}
    for site_id in site_ids:
        services.changes_record(site_id=site_id, kinds=(PendingKind.SITE,))


@receiver(page_slug_changed)
def page_slug_changed_record(sender, instance, instance_before, **kwargs):
    # A content page's address does not follow its slug; a column's, and the
    # addresses of everything below it, do.
    if not instance.numchild and not isinstance(
        instance.specific_deferred, selectors._column_model()
    ):
        return
    site_id = _site_id(instance)
    if site_id is not None:
        services.changes_record(site_id=site_id, kinds=(PendingKind.SITE,))


@receiver(public_pages_changed)
def public_pages_changed_record(sender, site_id, page_ids=(), lists=True, **kwargs):
    # A change seen on the pages alone (a comment under a consultation) leaves
    # the lists that show them as they are.
    kinds = (PendingKind.PAGE, PendingKind.LISTS) if lists else (PendingKind.PAGE,)
    services.changes_record(site_id=site_id, page_ids=list(page_ids), kinds=kinds)


@receiver(post_save, sender="govsites.GovSite")
def site_saved_record(sender, instance, raw=False, **kwargs):
    """The site's name, footer, status or theme: every page shows them."""
    if not raw:
        services.changes_record(site_id=instance.pk, kinds=(PendingKind.SITE,))


@receiver(post_save, sender="themes.ThemeSettings")
def theme_settings_saved_record(sender, instance, raw=False, created=False, **kwargs):
    # A row created with the defaults on first use (ThemeSettings.for_site, while
    # a page renders) changes nothing anyone sees.
    if raw or created:
        return
    site_id = selectors.govsite_id_for_wagtail_site(instance.site_id)
    if site_id is not None:
        services.changes_record(site_id=site_id, kinds=(PendingKind.SITE,))


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def view_restriction_changed_record(sender, instance, raw=False, **kwargs):
    """A page made private (or public again), and everything below it: its files,
    the lists and the navigation that show it."""
    if raw:
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    site_ids = {_site_id(page)} if page is not None else set()
    site_ids |= _alias_site_ids(instance.page_id)
    for site_id in sorted(site_ids - {None}):
        services.changes_record(site_id=site_id, kinds=(PendingKind.SITE,))


def _alias_site_ids(page_id: int) -> set[int | None]:
    """The sites holding an alias of the page (or an alias of one): Wagtail
    checks an alias's restrictions on its source, for the alias and for every
    page below it, aliases or not."""
    found: set[int | None] = set()
    seen: set[int] = {page_id}
    sources = [page_id]
    while sources:
        aliases = list(
            Page.objects.filter(alias_of_id__in=sources)
            .exclude(pk__in=seen)
            .values_list("pk", "url_path")
        )
        found |= {selectors.govsite_id_for_path(url_path) for _pk, url_path in aliases}
        sources = [pk for pk, _url_path in aliases]
        seen.update(sources)
    return found


# Saves Wagtail makes itself when it first reads an image's size or hash: nothing
# anyone sees changes.
_IMAGE_BOOKKEEPING = frozenset({"file_size", "file_hash"})


def image_changed_record(sender, instance, raw=False, created=False, **kwargs):
    """An image replaced, renamed, cropped differently or deleted: the pages that
    show it (Wagtail's reference index) are written again, and where it is a
    site's logo or banner, every page of that site (the page chrome too: its
    generation moves on). A new image is shown nowhere yet."""
    update_fields = kwargs.get("update_fields")
    if raw or created or (update_fields and set(update_fields) <= _IMAGE_BOOKKEEPING):
        return
    pages: dict[int, list[int]] = {}
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = [
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(instance)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
        .distinct()
    ]
    for page_id, url_path in Page.objects.filter(pk__in=page_ids).values_list(
        "pk", "url_path"
    ):
        site_id = selectors.govsite_id_for_path(url_path)
        if site_id is not None:
            pages.setdefault(site_id, []).append(page_id)
    whole_sites = {
        selectors.govsite_id_for_wagtail_site(wagtail_site_id)
        for wagtail_site_id in ThemeSettings.objects.filter(
            Q(logo_id=instance.pk) | Q(banner_id=instance.pk)
        ).values_list("site_id", flat=True)
    } - {None}
    for site_id in whole_sites:
        services.changes_record(site_id=site_id, kinds=(PendingKind.SITE,))
    for site_id, ids in pages.items():
        if site_id not in whole_sites:
            services.changes_record(site_id=site_id, page_ids=sorted(ids))


def rendition_deleted_record(sender, instance, **kwargs):
    """Wagtail's image form deletes the old renditions after saving the new file:
    a page rendered in between may have kept the old rendition in what is kept
    per site generation (the logo or banner in the chrome; a page's image in its
    page tags or its content, themes.fragments), so the generation of a site
    showing it moves on again."""
    site_ids = set()
    for wagtail_site_id in ThemeSettings.objects.filter(
        Q(logo_id=instance.image_id) | Q(banner_id=instance.image_id)
    ).values_list("site_id", flat=True):
        site_ids.add(selectors.govsite_id_for_wagtail_site(wagtail_site_id))
    page_type = ContentType.objects.get_for_model(Page)
    image_type = ContentType.objects.get_for_model(get_image_model())
    page_ids = (
        ReferenceIndex.objects.filter(
            to_content_type=image_type,
            to_object_id=str(instance.image_id),
            base_content_type=page_type,
        )
        .values_list("object_id", flat=True)
        .distinct()
    )
    for url_path in Page.objects.filter(
        pk__in=[int(pk) for pk in page_ids]
    ).values_list("url_path", flat=True):
        site_ids.add(selectors.govsite_id_for_path(url_path))
    for site_id in site_ids - {None}:
        generation.site_changed(site_id=site_id)


post_save.connect(image_changed_record, sender=get_image_model())
post_delete.connect(
    rendition_deleted_record, sender=get_image_model().get_rendition_model()
)
# Before the row goes: its references are still in the index then.
pre_delete.connect(image_changed_record, sender=get_image_model())
