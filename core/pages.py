"""Page visibility in one SQL statement.

Wagtail's ``PageQuerySet.public()`` reads every view restriction of the whole
platform first (one query each time it is called: several per uncached public
page) to build its filter. ``public(queryset)`` leaves out the same pages (a
restricted page and everything below it) with a subquery in the same statement.
"""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import StartsWith
from wagtail.models import PageViewRestriction

from sites import generation, tenancy


def public(queryset):
    """``queryset.public()`` without its own query; and, as Wagtail's check of
    each page answers (``get_view_restrictions``), without an alias whose
    source is restricted nor any page below such an alias (Wagtail's
    ``public()`` keeps them)."""
    from wagtail.models import Page

    restricted = PageViewRestriction.objects.filter(
        StartsWith(OuterRef("path"), F("page__path"))
    )
    under_private_alias = Page.objects.filter(
        StartsWith(OuterRef("path"), F("path")),
        Exists(PageViewRestriction.objects.filter(page_id=OuterRef("alias_of_id"))),
        alias_of__isnull=False,
    )
    return queryset.exclude(Exists(restricted)).exclude(Exists(under_private_alias))


class KeptViewRestrictionsMixin:
    """``get_view_restrictions()`` without its two queries (the page's ancestors,
    then their restrictions) for a page of the request's site when neither it nor
    any page above it is restricted or an alias: the site's restricted and alias
    paths are kept per site generation (``sites.generation``; a restriction
    added or removed moves it on). Otherwise, and outside a request's site,
    Wagtail's own answer."""

    def get_view_restrictions(self):
        site = tenancy.current_site()
        if site is not None and not self.alias_of_id:
            root_path = site.root_page.path
            if self.path.startswith(root_path):
                marked = generation.kept_for(
                    site, "restricted_or_alias_paths", lambda: _marked_paths(root_path)
                )
                if not any(self.path.startswith(path) for path in marked):
                    return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def _marked_paths(root_path: str) -> tuple[str, ...]:
    """The paths, in the site's tree and above its home page, of restricted
    pages and of aliases (their restrictions are their source's)."""
    from wagtail.models import Page

    above = [
        root_path[:end] for end in range(Page.steplen, len(root_path), Page.steplen)
    ]
    restricted = PageViewRestriction.objects.filter(
        Q(page__path__startswith=root_path) | Q(page__path__in=above)
    ).values_list("page__path", flat=True)
    aliases = Page.objects.filter(
        Q(path__startswith=root_path) | Q(path__in=above), alias_of__isnull=False
    ).values_list("path", flat=True)
    return (*sorted(set(restricted)), *sorted(set(aliases)))
