"""Link checking (错链检查): the links of a site's published pages.

Internal links (Wagtail's page, document and image references, and addresses on
the site's own hosts) are resolved against the page tree and the media tables,
without a request. External links go through ``core.outbound.fetch`` only, which
refuses private, loopback and link-local addresses, checks every redirect hop,
caps time and size and limits requests per host: HEAD first, GET when the server
does not answer HEAD properly. Each distinct address is asked once per run.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Page

from core.outbound import OutboundError, OutboundRefused, OutboundTimeout, fetch

from .models import LinkKind

# Wagtail stores references as <a linktype="page" id="3"> and
# <embed embedtype="image" id="5"/>.
REFERENCE = re.compile(
    r'<(?:a|embed)\b[^>]*?(?:linktype|embedtype)="(?P<type>page|document|image)"'
    r'[^>]*?\bid="(?P<id>\d+)"'
)
HREF = re.compile(r'<a\b[^>]*?\bhref="(?P<href>[^"]+)"', re.IGNORECASE)
# /<column>/<yyyymm>/t<yyyymmdd>_<id>.html: a content page's address.
CONTENT_ADDRESS = re.compile(r"/\d{6}/t\d{8}_(?P<id>\d+)\.html$")
DOCUMENT_ADDRESS = re.compile(r"^/documents/(?P<id>\d+)/")
# Stream block values naming a chooser's object.
CHOOSER_KEYS = {"document": LinkKind.DOCUMENT, "image": LinkKind.IMAGE}
PAGE_CHOOSER_KEYS = frozenset({"column", "page"})
# Answers to HEAD that say "ask with GET" rather than "broken".
HEAD_NOT_SUPPORTED = frozenset({400, 403, 404, 405, 406, 500, 501})


@dataclass(frozen=True, order=True)
class Link:
    kind: str
    target: str  # an id for page/document/image, an address otherwise


@dataclass(frozen=True)
class Failure:
    status: int | None
    reason: str


def _strings(value) -> Iterator[tuple[str | None, object]]:
    """(key, leaf) pairs of a stream's raw data, recursively."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list):
                yield from _strings(item)
            else:
                yield key, item
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    else:
        yield None, value


def links_in_html(html: str) -> Iterator[Link]:
    for match in REFERENCE.finditer(html):
        yield Link(match["type"], match["id"])
    for match in HREF.finditer(html):
        href = match["href"].replace("&amp;", "&")
        if href.startswith(("http://", "https://", "/")):
            yield Link(LinkKind.EXTERNAL, href)


def links_of_page(page) -> set[Link]:
    """Every link of a (specific) page's rich text and stream fields."""
    found: set[Link] = set()
    for field in page._meta.concrete_fields:
        if isinstance(field, RichTextField):
            found.update(links_in_html(getattr(page, field.attname) or ""))
        elif isinstance(field, StreamField):
            value = getattr(page, field.attname)
            raw = getattr(value, "raw_data", None)
            if raw is None:
                continue
            for key, leaf in _strings(list(raw)):
                if isinstance(leaf, int) and not isinstance(leaf, bool):
                    if key in CHOOSER_KEYS:
                        found.add(Link(CHOOSER_KEYS[key], str(leaf)))
                    elif key in PAGE_CHOOSER_KEYS:
                        found.add(Link(LinkKind.PAGE, str(leaf)))
                elif isinstance(leaf, str):
                    if leaf.startswith(("http://", "https://")) and " " not in leaf:
                        found.add(Link(LinkKind.EXTERNAL, leaf))
                    elif "<" in leaf:
                        found.update(links_in_html(leaf))
    return found


# -- internal ------------------------------------------------------------------------


def _existing(model, ids: Iterable[str], **filters) -> set[str]:
    numbers = [int(i) for i in ids if i.isdigit()]
    if not numbers:
        return set()
    return {
        str(pk)
        for pk in model.objects.filter(pk__in=numbers, **filters).values_list(
            "pk", flat=True
        )
    }


def own_address(url: str, hosts: set[str]) -> str | None:
    """The path of ``url`` if it is an address on one of the site's hosts (or a
    path without a host), else None."""
    parts = urlsplit(url)
    if not parts.netloc:
        return parts.path or "/"
    if (parts.hostname or "").lower() in hosts:
        return parts.path or "/"
    return None


def resolve_internal(
    links: Iterable[Link], *, home: Page, hosts: set[str]
) -> dict[Link, Failure]:
    """The internal links that lead nowhere, with a few queries for them all."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    paths: dict[Link, str] = {}
    for link in links:
        if link.kind == LinkKind.EXTERNAL:
            path = own_address(link.target, hosts)
            if path is not None:
                paths[link] = path
        else:
            by_kind[link.kind].add(link.target)

    # Addresses on the site: a content page's address names its id; a document's
    # address its id; anything else is looked up by its place in the page tree.
    url_paths: dict[Link, str] = {}
    for link, path in paths.items():
        path = unquote(path)
        if match := CONTENT_ADDRESS.search(path):
            by_kind[LinkKind.PAGE].add(match["id"])
        elif match := DOCUMENT_ADDRESS.match(path):
            by_kind[LinkKind.DOCUMENT].add(match["id"])
        elif not path.startswith(("/static/", "/media/", "/admin/")):
            url_paths[link] = (
                home.url_path + path.strip("/") + ("/" if path.strip("/") else "")
            )

    live_pages = _existing(Page, by_kind[LinkKind.PAGE], live=True)
    documents = _existing(get_document_model(), by_kind[LinkKind.DOCUMENT])
    images = _existing(get_image_model(), by_kind[LinkKind.IMAGE])
    found_paths = set(
        Page.objects.filter(
            url_path__in=set(url_paths.values()), live=True
        ).values_list("url_path", flat=True)
    )
    missing = {
        LinkKind.PAGE: (live_pages, _("The page does not exist or is not published.")),
        LinkKind.DOCUMENT: (documents, _("The document does not exist.")),
        LinkKind.IMAGE: (images, _("The image does not exist.")),
    }
    failures: dict[Link, Failure] = {}
    for link in links:
        if link.kind in missing:
            present, reason = missing[link.kind]
            if link.target not in present:
                failures[link] = Failure(None, reason)
        elif link in paths:
            path = unquote(paths[link])
            if match := CONTENT_ADDRESS.search(path):
                if match["id"] not in live_pages:
                    failures[link] = Failure(
                        404, _("No published page at this address.")
                    )
            elif match := DOCUMENT_ADDRESS.match(path):
                if match["id"] not in documents:
                    failures[link] = Failure(404, _("The document does not exist."))
            elif link in url_paths and url_paths[link] not in found_paths:
                failures[link] = Failure(404, _("No published page at this address."))
    return failures


# -- external ------------------------------------------------------------------------


def _setting(name: str, default):
    return getattr(settings, name, default)


def check_external(url: str) -> Failure | None:
    """None if ``url`` answers with a success (after redirects), else why not."""
    options = {
        "timeout": _setting("LINKCHECK_TIMEOUT", 10.0),
        "max_redirects": 5,
        "per_host": _setting("LINKCHECK_PER_HOST", 2),
        "allowed_networks": _setting("LINKCHECK_ALLOWED_NETWORKS", ()),
    }
    try:
        response = fetch(url, method="HEAD", max_bytes=1024, **options)
        if response.status in HEAD_NOT_SUPPORTED:
            response = fetch(url, method="GET", max_bytes=64 * 1024, **options)
    except OutboundRefused as error:
        return Failure(None, str(error.message))
    except OutboundTimeout:
        return Failure(None, _("No answer in time."))
    except OutboundError as error:
        return Failure(None, str(error.message))
    if response.status >= 400 or response.status in (301, 302, 303, 307, 308):
        return Failure(response.status, _("The address answered with an error."))
    return None


def page_queryset(home: Page) -> models.QuerySet:
    return Page.objects.descendant_of(home, inclusive=True).live().specific()
