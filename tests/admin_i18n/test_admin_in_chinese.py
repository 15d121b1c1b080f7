"""Every admin page a site admin, an editor, a reviewer and a platform admin can
reach, rendered in Chinese, shows no English interface text: the menu's links and
the links on those pages two levels deep (GET only, within /admin/, nothing that
logs out or deletes), checked for runs of Latin letters in visible text and in
title, placeholder and aria-label attributes."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.utils import translation

from tests.conftest import admin_client_for
from tests.factories.content import ArticleFactory, column

pytestmark = pytest.mark.django_db

# Words that stay as they are in a Chinese interface.
ALLOWED = {
    "RSS",
    "URL",
    "ID",
    "API",
    "PDF",
    "OFD",
    "HTML",
    "JSON",
    "CSV",
    "XLSX",
    "XML",
    "SVG",
    "JPG",
    "JPEG",
    "PNG",
    "GIF",
    "WebP",
    "WEBP",
    "WPS",
    "Office",
    "Word",
    "Excel",
    "ICP",
    "SM4",
    "AES",
    "GCM",
    "SSO",
    "HTTP",
    "HTTPS",
    "Email",
    "E",
    "mail",
    "Wagtail",
    "Elasticsearch",
    "PostgreSQL",
    "Redis",
    "OK",
    "UTC",
    "px",
    "KB",
    "MB",
    "GB",
    "Ctrl",
    "Cmd",
    "Alt",
    "Shift",
    "Enter",
    "Esc",
    "Tab",
    "a",
    "b",
    "x",
    "i",
    # The language picker names each language in its own tongue.
    "English",
}
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ '-][A-Za-z]+)*")
ATTRIBUTES = {"title", "placeholder", "aria-label"}
SKIP_TAGS = {"script", "style", "code", "pre", "template", "noscript", "svg"}
SKIP_URL = re.compile(
    r"logout|delete|unpublish|/revisions/\d+/revert|/lock/|/unlock/|/copy/|/move/"
    r"|/export|\.csv|\.xlsx|/api/|/preview|/workflow/|/chooser/|/usage/|/history/\d"
)
DEPTH = 2
# English still left (none now). This list only shrinks: any English string not
# on it fails the test.
NOT_YET_TRANSLATED: set[str] = set()


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.zones = False
        self.texts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIP_TAGS:
            self.skipping += 1
        # Time zone names (Asia/Shanghai, GMT) are proper names.
        if tag == "select" and "time_zone" in (attributes.get("name") or ""):
            self.skipping += 1
            self.zones = True
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if not self.skipping:
            self.texts.extend(
                value for name, value in attrs if name in ATTRIBUTES and value
            )

    def handle_endtag(self, tag):
        if (tag in SKIP_TAGS or (tag == "select" and self.zones)) and self.skipping:
            self.skipping -= 1
            self.zones = False

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


def _english(texts):
    found = set()
    for text in texts:
        for run in ENGLISH.findall(text):
            words = re.findall(r"[A-Za-z]+", run)
            if any(word not in ALLOWED for word in words):
                found.add(run)
    return found


def _crawl(client):
    """{url: English runs} for every page reachable from the dashboard."""
    queue = deque([("/admin/", 0)])
    seen = {"/admin/"}
    problems = {}
    while queue:
        url, depth = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "html" not in response["Content-Type"]:
            continue
        parser = _Text()
        parser.feed(response.content.decode())
        english = _english(parser.texts)
        if english:
            problems[url] = sorted(english)
        if depth >= DEPTH:
            continue
        for href in parser.links:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.netloc or not parts.path.startswith("/admin/"):
                continue
            if SKIP_URL.search(href) or href in seen:
                continue
            seen.add(href)
            queue.append((href, depth + 1))
    return problems


@pytest.fixture
def chinese_content(site):
    ArticleFactory(parent=column(site, "zwyw"), title="春季植树活动", publish=True)
    ArticleFactory(parent=column(site, "tzgg"), title="停水通知")


@pytest.mark.parametrize("role", ["site_admin", "editor", "reviewer", "platform_admin"])
def test_admin_pages_show_no_english_interface_text(role, request, chinese_content):
    user = request.getfixturevalue(role)
    # Staff have Chinese names; a factory's Latin username is no interface text.
    user.last_name, user.first_name = "张", "明"
    user.save(update_fields=["last_name", "first_name"])
    client = admin_client_for(user)
    with translation.override("zh-hans"):
        problems = _crawl(client)
    found = {run for runs in problems.values() for run in runs}
    assert found - NOT_YET_TRANSLATED == set(), problems
