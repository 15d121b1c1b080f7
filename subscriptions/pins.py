"""Pins on 「我的主页」: services, columns and sites a signed-in person keeps at
hand. Platform-wide rows (accounts are), each naming the site it belongs to."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cms.models import ColumnPage
from sites.models import GovSite

from .models import Pin, PinKind

PINS_MAX = 50


def pin_add(*, user, site: GovSite, kind: str, target: str, title: str = "") -> Pin:
    """Pin a column (``target``: its page id), a service (``target``: a path on
    ``site``, such as /interaction/cases/new/) or ``site`` itself. Pinning the
    same thing again changes nothing."""
    if kind == PinKind.COLUMN:
        column = (
            ColumnPage.objects.live()
            .descendant_of(site.root_page)
            .filter(pk=int(target) if target.isdigit() else None)
            .first()
        )
        if column is None:
            raise ValidationError(_("Choose a column of this site."))
        path, title = column.get_url_parts()[2], column.title
    elif kind == PinKind.SERVICE:
        path = target.strip()
        if not path.startswith("/") or path.startswith("//") or len(path) > 300:
            raise ValidationError(_("A service is a page of this site."))
        title = (title or "").strip()[:200] or path
    elif kind == PinKind.SITE:
        path, title = "/", site.name
    else:
        raise ValidationError(_("Choose what to pin."))
    if Pin.objects.filter(user=user).count() >= PINS_MAX:
        raise ValidationError(_("You have pinned the most there can be."))
    pin, _created = Pin.objects.get_or_create(
        user=user, site=site, kind=kind, path=path, defaults={"title": title}
    )
    return pin


def pin_remove(*, user, pk) -> None:
    Pin.objects.filter(user=user, pk=pk).delete()
