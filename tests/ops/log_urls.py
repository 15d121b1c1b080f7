"""The platform's URLs plus one view that fails, for tests of what a server error
writes to the log."""

from django.urls import include, path


def fail(request):
    # Exception messages often quote the input that broke the code.
    raise ValueError(f"cannot read {request.GET.get('q', '')!r}")


urlpatterns = [
    path("fail/", fail),
    path("", include("config.urls")),
]
