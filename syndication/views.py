"""The public page of a syndicated item on a target site: the source item, read
live from the source page, in the target's theme, with 「来源」 and a canonical
link to the source. Gone from the target (withdrawn, hidden, source unpublished
or deleted): 410 with a notice in the target's theme."""

from __future__ import annotations

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from wagtail.models import Page

from . import selectors
from .models import GONE_STATES, TargetState


def item_serve(request, column_path: str, month: str, day: str, pk: str):
    site = getattr(request, "govsite", None)
    if site is None:
        raise Http404
    target = selectors.target_on_site(site=site, pk=int(pk))
    if target is None or target.column is None:
        raise Http404
    column = target.column
    column_url = column.get_url(request)
    if column_url is None or not column_url.startswith("/"):
        raise Http404
    address = target.address_path(column_url)
    if request.path != address:
        if request.path.rsplit("_", 1)[-1] == address.rsplit("_", 1)[-1]:
            return HttpResponsePermanentRedirect(address)
        raise Http404
    source_page = (
        Page.objects.filter(pk=target.item.source_page_id).specific().first()
        if target.item.source_page_id
        else None
    )
    source_live = source_page is not None and source_page.live
    if target.state in GONE_STATES or (
        target.state == TargetState.LIVE and not source_live
    ):
        return render(
            request,
            "syndication/item_gone.html",
            {
                "page": column,
                "column": column,
                "message": _("This item has been withdrawn from this website."),
            },
            status=410,
        )
    if target.state != TargetState.LIVE:
        raise Http404
    source_site = target.item.site
    return render(
        request,
        "syndication/item_page.html",
        {
            "page": column,
            "column": column,
            "item": source_page,
            "target": target,
            "source_site": source_site,
            "source_url": source_page.get_full_url(request),
        },
    )
