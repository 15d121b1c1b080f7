"""Answer 503, not 500, while the database (or the cache) is down.

``DatabaseOutageMiddleware`` sits at the top of the middleware list. An error of
the database or the cache raised by a view reaches its ``process_exception``; one
raised by a middleware below it (the site routing reads the registry first) is
turned into a 500 response by Django before this middleware sees it, so the
``got_request_exception`` signal marks the request and the middleware replaces that
response. The answer needs neither the database nor the cache:

- ``/api/`` and ``/admin/api/``: JSON ``{"detail": ...}``;
- everything else (public pages, the admin): ``ops/templates/503.html``, a static
  Chinese page rendered by its own template engine (no theme loader, no context
  processors), with the site's name and stylesheet when this process's host map
  knows the host.

Every answer carries ``Retry-After``. ``/healthz`` needs no database and
``/readyz`` answers its own JSON 503 naming the failed check (ops/health.py).
"""

from __future__ import annotations

import functools
import logging
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.template import Context, Engine
from django.templatetags.static import static

from sites import routing

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
JSON_PATHS = ("/api/", "/admin/api/")


def _cache_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = []
    try:
        # optional: redis is installed only with django-redis
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover - redis comes with django-redis
        pass
    try:
        # optional: django-redis may be absent
        from django_redis.exceptions import ConnectionInterrupted

        errors.append(ConnectionInterrupted)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    *_cache_errors(),
)


def is_outage(error: BaseException | None) -> bool:
    """Whether ``error`` (or an error it was raised from) says the database or the
    cache cannot be reached, as opposed to a bug."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OUTAGE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


@functools.cache
def _engine() -> Engine:
    # Its own engine: the project's template loaders follow the request's theme,
    # which may need the site registry.
    return Engine(dirs=[settings.BASE_DIR / "ops" / "templates"], autoescape=True)


def _site_values(request) -> dict:
    """The site's name and theme from this process's host map, if it holds one
    (never loaded here: that would need the cache or the database)."""
    host_map = routing.loaded_host_map()
    if host_map is None:
        return {}
    hostname = split_domain_port(request._get_raw_host())[0].lower().rstrip(".")
    route = host_map.routes.get(hostname)
    row = host_map.rows.get(route.govsite_id) if route is not None else None
    if row is None:
        return {}
    return {"site_name": row["name"], "theme": row["theme"]}


def _stylesheets(theme: str | None) -> list[str]:
    names = ["themes/base/base.css"]
    if theme and theme != "base":
        names.append(f"themes/{theme}/theme.css")
    urls = []
    for name in names:
        try:
            urls.append(static(name))
        except ValueError:  # not in the manifest: no such file
            continue
    return urls


def outage_response(request) -> HttpResponse:
    """The 503 answer for ``request`` while the database or cache is down."""
    if request.path.startswith(JSON_PATHS):
        response = JsonResponse(
            {"detail": "The service is temporarily unavailable; retry later."},
            status=503,
        )
    else:
        try:
            values = _site_values(request)
            context = {
                "site_name": values.get("site_name", ""),
                "stylesheets": _stylesheets(values.get("theme")),
                "is_admin": request.path.startswith("/admin/"),
            }
            html = _engine().get_template("503.html").render(Context(context))
        except Exception:  # the fallback must not fail too
            logger.exception("the 503 page failed; plain text instead")
            html = (
                '<!DOCTYPE html><html lang="zh-hans"><meta charset="utf-8">'
                "<title>服务暂时不可用</title><h1>服务暂时不可用</h1>"
                "<p>网站正在维护或暂时无法连接数据库，请稍后再试。</p></html>"
            )
        response = HttpResponse(html, status=503, content_type="text/html")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _mark_outage(sender, request=None, **kwargs) -> None:
    # Sent by Django inside its exception handler: the error is being handled.
    if request is not None and is_outage(sys.exc_info()[1]):
        request._database_outage = True


got_request_exception.connect(_mark_outage, dispatch_uid="ops.outage.mark")


class DatabaseOutageMiddleware:
    """Put it first (after the request log): every answer below it that failed
    because the database or the cache is down becomes a 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "_database_outage", False) and response.status_code >= 500:
            logger.warning("database unavailable: %s answered 503", request.path)
            return outage_response(request)
        return response

    def process_exception(self, request, exception):
        if is_outage(exception):
            logger.warning("database unavailable: %s answered 503", request.path)
            request._database_outage = True
            return outage_response(request)
        return None
