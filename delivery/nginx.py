"""An nginx configuration from the site registry (``manage.py nginx_config``).

Each site's primary host answers from its folder of the static tree first
(``try_files``) and passes to the application what has no file; a query string,
a signed-in person's session cookie or a method other than GET and HEAD always
go to the application, as do search, interaction, accounts, the admin, the API,
documents and media. Each alias answers 301 to the primary host; the platform's
own hosts go to the application. ``/static/`` is served from ``STATIC_ROOT``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from sites.models import GovSite, SiteHost

from . import tree
from .serving import static_headers

# Always the application's: per person, per submission, per query.
APPLICATION_PATHS = (
    "admin",
    "api",
    "search",
    "interaction",
    "accounts",
    "subscriptions",
    "stats",
    "metrics",
    "documents",
    "media",
    "themes",
    "healthz",
    "readyz",
)
# Feeds, whose type the file name does not say.
SPECIAL_TYPES = {
    "~ /rss\\.xml$": "application/rss+xml",
    "~ /atom\\.xml$": "application/atom+xml",
}


@dataclass(frozen=True)
class SiteHosts:
    primary: str
    aliases: tuple[str, ...]


def site_hosts() -> list[SiteHosts]:
    aliases: dict[int, list[str]] = {}
    for hostname, govsite_id in SiteHost.objects.filter(is_primary=False).values_list(
        "hostname", "govsite_id"
    ):
        aliases.setdefault(govsite_id, []).append(hostname)
    return [
        SiteHosts(primary=host, aliases=tuple(sorted(aliases.get(pk, []))))
        for pk, host in GovSite.objects.order_by("code").values_list("pk", "host")
    ]


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _proxy(upstream: str) -> list[str]:
    return [
        f"proxy_pass http://{upstream};",
        "proxy_http_version 1.1;",
        'proxy_set_header Connection "";',
        "proxy_set_header Host $http_host;",
        "proxy_set_header X-Real-IP $remote_addr;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
    ]


def _block(head: str, lines: list[str], indent: str = "    ") -> list[str]:
    out = [f"{indent}{head} {{"]
    out += [f"{indent}    {line}" if line else "" for line in lines]
    out.append(f"{indent}}}")
    return out


def _static_location(pattern: str, try_files: str, default_type: str | None):
    lines = [
        "error_page 418 = @application;",
        "if ($request_method !~ ^(GET|HEAD)$) { return 418; }",
        'if ($args != "") { return 418; }',
        "if ($govplatform_signed_in) { return 418; }",
    ]
    if default_type:
        lines += ["types { }", f"default_type {default_type};"]
    lines += [
        f"add_header {name} {_quote(value)} always;" for name, value in static_headers()
    ]
    lines.append(f"try_files {try_files} @application;")
    return _block(f"location {pattern}", lines)


def config_text(*, upstream: str, listen: str) -> str:
    root = tree.root()
    bypass = "|".join(settings.DELIVERY_BYPASS_COOKIES)
    static_root = str(settings.STATIC_ROOT).rstrip("/") + "/"
    out = [
        "# Written by `manage.py nginx_config` from the site registry; write it",
        "# again when sites or hosts change (do not edit by hand).",
        "",
        f"upstream govplatform {{ server {upstream}; keepalive 32; }}",
        "",
        "map $http_cookie $govplatform_signed_in {",
        "    default 0;",
        f'    "~(^|;\\s*)({bypass})=" 1;',
        "}",
        "",
    ]
    upstream_name = "govplatform"
    static_files = _block(
        "location /static/",
        [f"alias {static_root};", "expires 30d;", "access_log off;"],
    )
    application = _block("location @application", _proxy(upstream_name))
    dynamic = _block(
        "location ~ ^/(" + "|".join(APPLICATION_PATHS) + ")(/|$)",
        _proxy(upstream_name),
    )
    platform = [*settings.PLATFORM_HOSTS]
    out += [
        "server {",
        f"    listen {listen};",
        f"    server_name {' '.join(platform)};",
        "    client_max_body_size 60m;",
        *static_files,
        *_block("location /", _proxy(upstream_name)),
        "}",
        "",
    ]
    port = "" if listen.rsplit(":", 1)[-1] in ("80", "443") else ":$server_port"
    for site in site_hosts():
        out += [
            "server {",
            f"    listen {listen};",
            f"    server_name {site.primary};",
            f"    root {root / site.primary};",
            "    charset utf-8;",
            "    charset_types text/html text/plain application/rss+xml "
            "application/atom+xml;",
            "    client_max_body_size 60m;",
            *static_files,
            *dynamic,
            # Temporary files of the tree (and any dot file) are never served.
            *_block("location ~ /\\.", ["return 404;"]),
            *[
                line
                for pattern, mime in SPECIAL_TYPES.items()
                for line in _static_location(pattern, "$uri", mime)
            ],
            *_static_location("~ /$", "${uri}index.html", None),
            *_static_location("/", "$uri", None),
            *application,
            "}",
            "",
        ]
        if site.aliases:
            out += [
                "server {",
                f"    listen {listen};",
                f"    server_name {' '.join(site.aliases)};",
                f"    return 301 $scheme://{site.primary}{port}$request_uri;",
                "}",
                "",
            ]
    return "\n".join(out)
