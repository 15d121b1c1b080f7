from django.urls import path

from . import views

urlpatterns = [
    path("themes/mode.css", views.mode_css, name="themes_mode_css"),
    path("sitemap.html", views.site_map, name="site_map"),
    path("themes/go/<str:code>/", views.site_go, name="themes_site_go"),
]
