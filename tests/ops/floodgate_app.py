"""A letter form's flood gate under gunicorn in a test, without a database: the
embedded server's application (``StaticTreeApplication``, whose ``answer_raw``
hands POSTs to interaction/floodgate.py) over Django with only the request log,
the Content-Security-Policy and the flood gate as middleware, and one view.

The view at /letters/ refuses the address (as ``views.limited`` does when the
address is over its limit) when the form says ``flood=<seconds>``, and says
otherwise which address and body it got; /seen/ says how many requests reached
Django (the early answers never do)."""

import os
import threading
import time

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()
settings.DELIVERY_STATIC_ROOT = os.environ["TEST_STATIC_ROOT"]
settings.DELIVERY_PAGE_CACHE_SECONDS = 0
settings.ROOT_URLCONF = __name__
settings.MIDDLEWARE = [
    "ops.middleware.RequestLogMiddleware",
    "ops.csp.ContentSecurityPolicyMiddleware",
    "interaction.floodgate.FloodGateMiddleware",
]

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from django_ratelimit.core import _get_ip  # noqa: E402

from delivery.serving import StaticTreeApplication  # noqa: E402
from interaction import floodgate  # noqa: E402

_seen = 0
_lock = threading.Lock()


@csrf_exempt
def letters(request):
    seconds = request.POST.get("flood")
    if seconds:
        floodgate.refuse(request, time.time() + float(seconds))
        return floodgate.too_many()
    return _plain(f"from django {_get_ip(request)} {len(request.body)}")


def seen(request):
    return _plain(str(_seen))


def _plain(text):
    response = HttpResponse(text, content_type="text/plain")
    response["Content-Length"] = str(len(response.content))
    return response


urlpatterns = [
    path("letters/", letters),
    path("letters/other/", letters),
    path("seen/", seen),
]

_django = WSGIHandler()


def _counting(environ, start_response):
    global _seen
    if environ["PATH_INFO"] != "/seen/":
        with _lock:
            _seen += 1
    return _django(environ, start_response)


app = StaticTreeApplication(_counting)
