"""The project's URLs plus one view that fails, for the themed 500 page test."""

from django.urls import path

from cms.urls import handler500
from cms.urls import urlpatterns as project_urlpatterns


def failing_view(request):
    raise RuntimeError("a failure for the 500 page test")


urlpatterns = [path("boom/", failing_view), *project_urlpatterns]
__all__ = ["handler500", "urlpatterns"]
