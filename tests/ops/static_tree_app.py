"""The embedded server's static tree under gunicorn in a test, without a
database: ``StaticTreeApplication`` over ``TEST_STATIC_ROOT`` in front of an
application that says it is Django and which address it got."""

import os

import django
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()
settings.DELIVERY_STATIC_ROOT = os.environ["TEST_STATIC_ROOT"]
settings.DELIVERY_ACCESS_LOG = True
settings.DELIVERY_PAGE_CACHE_SECONDS = 0

from delivery.serving import StaticTreeApplication  # noqa: E402


def _django(environ, start_response):
    body = b"from django " + environ["PATH_INFO"].encode("latin-1")
    start_response(
        "200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
    )
    return [body]


app = StaticTreeApplication(_django)
