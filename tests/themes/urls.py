"""The project's URLs plus two test views: one that fails (the themed 500 page) and
one that renders like another app's public page (the base.html contract)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import handler500
from config.urls import urlpatterns as project_urlpatterns

OTHER_APP_PAGE = """{% extends "base.html" %}
{% block title %}检索结果 - {{ govsite.name }}{% endblock %}
{% block meta %}<meta name="robots" content="noindex">{% endblock %}
{% block content %}<h1>检索结果</h1><p>第{{ page.number }}页</p>{% endblock %}"""


def failing_view(request):
    raise RuntimeError("a failure for the 500 page test")


def other_app_view(request):
    template = engines["django"].from_string(OTHER_APP_PAGE)
    page = Paginator(range(50), 10).get_page(2)  # "page" is not a Wagtail page
    return HttpResponse(template.render({"page": page}, request))


urlpatterns = [
    path("boom/", failing_view),
    path("other-app/", other_app_view),
    *project_urlpatterns,
]
__all__ = ["handler500", "urlpatterns"]
