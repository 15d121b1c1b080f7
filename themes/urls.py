from django.urls import path, re_path

from . import views

urlpatterns = [
    path("themes/mode.css", views.mode_css, name="themes_mode_css"),
    re_path(
        r"^themes/colours/(?P<key>[0-9a-f]{6})\.css$",
        views.colours_css,
        name="themes_colours_css",
    ),
    path("sitemap.html", views.site_map, name="site_map"),
    path("themes/go/<str:code>/", views.site_go, name="themes_site_go"),
]
