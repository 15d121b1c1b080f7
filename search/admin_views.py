"""Admin views: query statistics of the sites the signed-in person works on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from sites.params import text_param
from sites.selectors import sites_for_user

from . import selectors


def query_statistics(request):
    sites = sites_for_user(request.user)
    if not sites.exists():
        raise PermissionDenied
    code = text_param(request.GET.get("site"), max_length=10)
    chosen = None
    if code:
        chosen = sites.filter(code=code).first()
        if chosen is None:  # another site's code, or none: not shown, not hinted
            raise Http404
    stats = selectors.query_stats(sites=[chosen] if chosen else sites)
    return TemplateResponse(
        request,
        "search/admin/query_statistics.html",
        {
            "sites": sites,
            "chosen": chosen,
            "top": stats["top"],
            "zero": stats["zero"],
            "page_title": _("Search statistics"),
            "header_title": _("Search statistics"),
            "header_icon": "search",
        },
    )
