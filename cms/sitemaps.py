"""``sitemap.xml`` and ``robots.txt`` of the site a request is for.

Only on a site's host: the platform's own hosts have no pages of their own (and
Wagtail's sitemap would fall back to a default site there). The sitemap lists the
live public pages of the current site's tree only, addressed on the host it was
asked on; ``robots.txt`` points to it.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpResponse
from django.urls import reverse
from wagtail.models import Page

from core.pages import public


class SiteSitemap(Sitemap):
    """Every live public page of one site.

    ``lastmod`` is when the page, or the newest page below it, was last published:
    a column or home page changes when what it lists does.
    """

    def __init__(self, *, request, site) -> None:
        self.request = request
        self.site = site

    def items(self):
        root = self.site.root_page
        newest_below = (
            Page.objects.filter(
                path__startswith=OuterRef("path"), depth__gt=OuterRef("depth")
            )
            .live()
            .exclude(last_published_at=None)
            .order_by("-last_published_at")
            .values("last_published_at")[:1]
        )
        return (
            public(Page.objects.descendant_of(root, inclusive=True).live())
            .order_by("path")
            .annotate(
                # GREATEST ignores NULLs on PostgreSQL.
                changed_at=Coalesce(
                    Greatest("last_published_at", Subquery(newest_below)),
                    "latest_revision_created_at",
                )
            )
            .defer_streamfields()
            .specific()
        )

    def location(self, page) -> str:
        # The path on this site; the framework adds the request's scheme and host.
        return page.get_url(self.request)

    def lastmod(self, page):
        return page.changed_at


def _require_site(request):
    site = getattr(request, "govsite", None)
    if site is None:
        raise Http404
    return site


def sitemap(request):
    site = _require_site(request)
    return sitemap_views.sitemap(
        request, sitemaps={"pages": SiteSitemap(request=request, site=site)}
    )


def robots_txt(request):
    _require_site(request)
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )
