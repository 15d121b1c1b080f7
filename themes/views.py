import functools
import logging

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.http.request import split_domain_port
from django.shortcuts import render
from django.template import loader
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from . import registry, senior
from .colours import darker
from .selectors import (
    column_tree,
    site_for_request,
    site_host_by_code,
    theme_for_request,
)

logger = logging.getLogger(__name__)


@functools.cache
def _senior_css(theme_name: str) -> bytes:
    theme = registry.theme_find(theme_name) or registry.base_theme()
    for folder in (theme.static_dir, registry.base_theme().static_dir):
        path = folder / "senior.css"
        if path.is_file():
            return path.read_bytes()
    return b""


@require_safe
def mode_css(request):
    """The per-visitor part of every page's look: the senior-friendly rules when
    the visitor chose them (cookie), nothing otherwise. Pages stay the same bytes."""
    body = (
        _senior_css(theme_for_request(request).name) if senior.is_on(request) else b""
    )
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    # no-store: a browser must not reuse the answer after the visitor switches.
    response["Cache-Control"] = "private, no-store"
    patch_vary_headers(response, ["Cookie"])
    return response


@require_safe
def colours_css(request, key: str):
    """A site's colours as a stylesheet of their own rather than an inline
    ``<style>``, which the pages' Content-Security-Policy refuses. The address
    carries the colour, so the answer never changes: cached for a year."""
    primary = f"#{key}"
    body = f":root {{ --primary: {primary}; --primary-dark: {darker(primary)}; }}\n"
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@require_safe
def site_map(request):
    """The site map (网站地图): the site's column tree, in its theme."""
    site = getattr(request, "govsite", None)
    if site is None:
        raise Http404
    return render(request, "site_map.html", {"tree": column_tree(site=site)})


@require_safe
def site_go(request, code: str):
    """A link to another site of the platform that carries the senior-friendly
    choice to a host the shared cookie domain does not reach."""
    host = site_host_by_code(code=code)
    if host is None:
        raise Http404
    # Every site is served by this same install: the scheme and port the visitor
    # used here (the Host header's, which a proxy in front keeps) reach it too.
    port = split_domain_port(request.get_host())[1]
    target = f"{request.scheme}://{host}{':' + port if port else ''}/"
    if senior.is_on(request):
        target += f"?{senior.PARAM}=1"
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "private, no-store"
    patch_vary_headers(response, ["Cookie"])
    return response


def server_error(request, template_name="500.html"):
    """The themed 500 page of the request's site, rendered without the context
    processors (no query may run while something has already failed)."""
    try:
        theme = theme_for_request(request)
        site = site_for_request(request)
        template = loader.get_template(template_name)
        html = template.render({"govsite": site, "theme": theme, "request": None})
    except Exception:  # the fallback must not fail too
        logger.exception("the themed 500 page failed; plain text instead")
        html = (
            '<!DOCTYPE html><html lang="zh-hans"><meta charset="utf-8">'
            "<title>服务器错误</title><h1>服务器错误</h1>"
            "<p>网站暂时无法处理您的请求，请稍后再试。</p></html>"
        )
    return HttpResponse(html, status=500)
