"""Page visibility in one SQL statement.

Wagtail's ``PageQuerySet.public()`` reads every view restriction of the whole
platform first (one query each time it is called: several per uncached public
page) to build its filter. ``public(queryset)`` leaves out the same pages (a
restricted page and everything below it) with a subquery in the same statement.
"""

from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith
from wagtail.models import PageViewRestriction


def public(queryset):
    """``queryset.public()`` without its own query."""
    restricted = PageViewRestriction.objects.filter(
        StartsWith(OuterRef("path"), F("page__path"))
    )
    return queryset.exclude(Exists(restricted))
