"""Media files that no database row points at, and their removal.

A file can lose its row when the process dies between writing it and committing
the row, when a transaction that saved it rolls back, or (before uploads were
written under a temporary name) when the disk filled up halfway. Such files are
found by walking MEDIA_ROOT and comparing against every ``FileField`` of every
model; only files older than an hour are taken, so an upload whose row is about
to be committed is never touched.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models

from sites.models import GovSite
from sites.tenancy import SiteOwnedModel, for_sites

ORPHAN_MIN_AGE = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Orphan:
    name: str  # relative to MEDIA_ROOT, with forward slashes
    size: int
    modified: datetime.datetime


def _file_fields(storage) -> list[tuple[type[models.Model], str]]:
    fields = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            field_storage = field.storage
            if getattr(field_storage, "location", None) == storage.location:
                fields.append((model, field.attname))
    return fields


def media_referenced_names(*, storage=default_storage) -> set[str]:
    """Every file name a row of any model points at in ``storage``."""
    names: set[str] = set()
    site_ids = list(GovSite.objects.values_list("pk", flat=True))
    for model, attname in _file_fields(storage):
        if issubclass(model, SiteOwnedModel):
            queryset = for_sites(model, site_ids)
        else:
            queryset = model._base_manager.all()
        names.update(
            name
            for name in queryset.exclude(**{attname: ""}).values_list(
                attname, flat=True
            )
            if name
        )
    return names


def media_orphans(
    *,
    storage: FileSystemStorage = default_storage,
    min_age: datetime.timedelta = ORPHAN_MIN_AGE,
    now: datetime.datetime | None = None,
) -> list[Orphan]:
    """Files under ``storage``'s folder that no row points at, last written more
    than ``min_age`` ago (unfinished ``.part`` uploads included)."""
    root = os.path.abspath(storage.location)
    if not os.path.isdir(root):
        return []
    now = now or datetime.datetime.now(tz=datetime.UTC)
    cutoff = (now - min_age).timestamp()
    referenced = media_referenced_names(storage=storage)
    orphans = []
    for directory, _subdirectories, filenames in os.walk(root):
        for filename in filenames:
            path = os.path.join(directory, filename)
            try:
                stat = os.lstat(path)
            except FileNotFoundError:
                continue
            if not os.path.isfile(path) or os.path.islink(path):
                continue
            name = os.path.relpath(path, root).replace(os.sep, "/")
            if name in referenced or stat.st_mtime > cutoff:
                continue
            orphans.append(
                Orphan(
                    name=name,
                    size=stat.st_size,
                    modified=datetime.datetime.fromtimestamp(
                        stat.st_mtime, tz=datetime.UTC
                    ),
                )
            )
    return sorted(orphans, key=lambda orphan: orphan.name)


def media_orphans_delete(
    *, orphans: list[Orphan], storage: FileSystemStorage = default_storage
) -> list[Orphan]:
    """Delete ``orphans`` that are still orphans (a row may have appeared since
    they were listed); returns those deleted."""
    referenced = media_referenced_names(storage=storage)
    deleted = []
    for orphan in orphans:
        if orphan.name in referenced:
            continue
        try:
            os.unlink(storage.path(orphan.name))
        except FileNotFoundError:
            continue
        deleted.append(orphan)
    return deleted
