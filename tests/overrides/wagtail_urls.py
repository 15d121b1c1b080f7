"""Wagtail's admin urlconf alone, mounted where the project mounts it: the URLs
our shadowing patterns must match (tests/overrides/test_admin_urls.py)."""

from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [path("admin/", include(wagtailadmin_urls))]
