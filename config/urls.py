from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import sitemaps, views
from cms.api import api
from core.uploads import views as uploads_views
from ops import health, metrics_view
from search import views as search_views
from supervision import views as supervision_views
from syndication import library as syndication_library
from syndication import views as syndication_views

# A themed 500 page for the request's site, rendered without running queries.
handler500 = "themes.views.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Prometheus metrics, for a token or an allowed network only (ops/metrics_view.py).
    path("metrics", metrics_view.metrics, name="metrics"),
    # Wagtail admin views replaced to keep each editor inside their own sites.
    path("", include("sites.overrides.admin_urls")),
    # Wagtail's image preview, from the stored rendition instead of a new one.
    path(
        "admin/images/<int:image_id>/preview/<str:filter_spec>/",
        uploads_views.image_preview,
        name="wagtailimages_preview",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The JSON API, on the platform's hosts and on every site's host (the site of a
    # request is the host's, as for pages).
    path("api/v1/", api.urls),
]

# Media: image renditions only, in every environment (no web server needed in
# front). Original uploads are never served; documents go through Wagtail's
# serve view above, which checks collection privacy and sets download headers.
if settings.MEDIA_URL.startswith("/"):
    urlpatterns += [
        path(
            f"{settings.MEDIA_URL.lstrip('/')}images/<path:path>",
            uploads_views.rendition_serve,
            name="rendition_serve",
        ),
    ]

urlpatterns += [
    # A site's sitemap and robots.txt (404 on the platform's own hosts).
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    # The senior-friendly stylesheet per visitor and links between sites (themes).
    path("", include("themes.urls")),
    # Site search (search/): this site, or every site with scope=all.
    path("search/", search_views.search, name="search"),
    # 规范性文件库: every normative document of a portal and the sites below it.
    path("gfxwjk/", syndication_library.normative_library, name="normative_library"),
    # Page views' beacon (supervision/): a 1x1 image every public page asks for.
    path("stats/hit", supervision_views.stats_hit, name="stats_hit"),
    path("", views.home, name="home"),
    # Interaction's dynamic public pages (forms, look-up, listing): never cached.
    path("interaction/", include("interaction.urls")),
    # Public accounts and single sign-on (accounts/): dynamic, never cached.
    path("accounts/", include("accounts.urls")),
    # Subscriptions, notifications and 「我的主页」 (subscriptions/): never cached.
    path("subscriptions/", include("subscriptions.urls")),
    # Content pages (/<column>/<yyyymm>/t<yyyymmdd>_<id>.html) and column feeds
    # (rss.xml, atom.xml): page routes whose last segment is a file name, which
    # Wagtail's own pattern (slug segments ending in "/") does not match.
    # A syndicated item's own address on a target site, under the target's
    # column: /<column>/<yyyymm>/s<yyyymmdd>_<reference id>.html (syndication).
    re_path(
        r"^(?P<column_path>(?:[\w\-]+/)+)(?P<month>\d{6})/s(?P<day>\d{8})_(?P<pk>\d+)\.html$",
        syndication_views.item_serve,
        name="syndicated_item",
    ),
    re_path(
        r"^((?:[\w\-]+/)+[\w\-]+\.(?:html|xml))$",
        wagtail_views.serve,
        name="page_file",
    ),
    path("", include(wagtail_urls)),
]
