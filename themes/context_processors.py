from django.utils.functional import SimpleLazyObject

from . import selectors


def theme(request):
    """The request's theme, its site's theme settings and colours, and the related
    sites for the footer: lazy, so pages that do not show them cost no query."""
    site = selectors.site_for_request(request)
    current = selectors.theme_for_request(request)
    if site is None:
        return {
            "theme": current,
            "theme_colours": selectors.theme_colours(theme=current),
        }
    settings = SimpleLazyObject(lambda: selectors.theme_settings_get(site=site))
    return {
        # Also for a closed site's notice, answered before the site is current.
        "govsite": site,
        "theme": current,
        "theme_settings": settings,
        "theme_colours": SimpleLazyObject(
            lambda: selectors.theme_colours(theme=current, settings=settings)
        ),
        "related_sites": SimpleLazyObject(lambda: selectors.related_sites(site=site)),
    }
