from django.utils.functional import SimpleLazyObject
from wagtail.models import Page

from core.pages import public


def govsite(request):
    """The current site and its top-level columns, for every template."""
    site = getattr(request, "govsite", None)
    if site is None:
        return {"govsite": None}
    root = site.wagtail_site.root_page
    return {
        "govsite": site,
        # Built when a template reads it (the themes' navigation is a kept
        # fragment: most pages never do).
        "site_nav": SimpleLazyObject(
            lambda: public(Page.objects.child_of(root).live().in_menu())
        ),
    }
