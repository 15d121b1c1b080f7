from django.shortcuts import render
from wagtail.views import serve

from sites.selectors import site_list


def home(request):
    """A site's home page on a site's host; the index of sites on the platform's."""
    if getattr(request, "govsite", None) is not None:
        return serve(request, "")
    return render(request, "cms/platform_index.html", {"sites": site_list()})
