"""A vanilla Wagtail 8 project, generated at run time into a temporary folder, for
the ``serving`` benchmark's baseline of a rendered page.

What ``wagtail start`` gives (its installed apps, middleware and base template),
with one page type more: an article with a title and a rich-text body. Its own
database on the same PostgreSQL server as the platform's, persistent connections
(``CONN_MAX_AGE = None``), ``DEBUG = False``; served by gunicorn with the same
workers and threads as the platform (gthread, 2 x 4), so that the ratio compares
the two applications and nothing else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SETTINGS = """
import json
import os

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "bench-vanilla-wagtail-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "news",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]
ROOT_URLCONF = "vanilla_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(BASE_DIR, "templates")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
WSGI_APPLICATION = "vanilla_wsgi.application"
with open(os.path.join(BASE_DIR, "database.json")) as handle:
    DATABASES = {"default": json.load(handle)}
AUTH_PASSWORD_VALIDATORS = []
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(BASE_DIR, "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = os.path.join(BASE_DIR, "media")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
WAGTAIL_SITE_NAME = "vanilla"
WAGTAILADMIN_BASE_URL = "http://localhost"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
"""

URLS = """
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("", include(wagtail_urls)),
]
"""

WSGI = """
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanilla_settings")
application = get_wsgi_application()
"""

MODELS = """
from wagtail.fields import RichTextField
from wagtail.models import Page


class ArticlePage(Page):
    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, "body"]
"""

# wagtail start's base.html, shortened to what a page uses.
BASE_HTML = """{% load static wagtailcore_tags wagtailuserbar %}
<!DOCTYPE html>
<html lang="zh-hans">
    <head>
        <meta charset="utf-8" />
        <title>
            {% block title %}
            {% if page.seo_title %}{{ page.seo_title }}
            {% else %}{{ page.title }}{% endif %}
            {% endblock %}
            {% block title_suffix %}
            {% wagtail_site as current_site %}
            {% if current_site and current_site.site_name %}
            - {{ current_site.site_name }}{% endif %}
            {% endblock %}
        </title>
        {% if page.search_description %}
        <meta name="description" content="{{ page.search_description }}" />
        {% endif %}
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="stylesheet" type="text/css" href="{% static 'css/site.css' %}">
    </head>
    <body class="{% block body_class %}{% endblock %}">
        {% wagtailuserbar %}
        {% block content %}{% endblock %}
    </body>
</html>
"""

ARTICLE_HTML = """{% extends "base.html" %}
{% load wagtailcore_tags %}
{% block body_class %}template-articlepage{% endblock %}
{% block content %}
<h1>{{ page.title }}</h1>
{{ page.body|richtext }}
{% endblock %}
"""

CREATE = """
import json

import django

django.setup()
from wagtail.models import Page, Site

from news.models import ArticlePage

with open("article.json") as handle:
    article = json.load(handle)
home = Page.objects.get(depth=2)
page = home.add_child(
    instance=ArticlePage(title=article["title"], slug="article", body=article["body"])
)
page.save_revision().publish()
site = Site.objects.get(is_default_site=True)
site.hostname = article["host"]
site.port = 80
site.root_page = home
site.save()
print(page.url)
"""


def build(*, database: dict, host: str, title: str, body: str) -> tuple[Path, str]:
    """The project in a new temporary folder, migrated, with the article
    published: the folder and the article's path."""
    folder = Path(tempfile.mkdtemp(prefix="bench-vanilla-wagtail-"))
    (folder / "vanilla_settings.py").write_text(SETTINGS, encoding="utf-8")
    (folder / "vanilla_urls.py").write_text(URLS, encoding="utf-8")
    (folder / "vanilla_wsgi.py").write_text(WSGI, encoding="utf-8")
    (folder / "database.json").write_text(json.dumps(database), encoding="utf-8")
    app = folder / "news"
    (app / "migrations").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    (app / "models.py").write_text(MODELS, encoding="utf-8")
    templates = folder / "templates"
    (templates / "news").mkdir(parents=True)
    (templates / "base.html").write_text(BASE_HTML, encoding="utf-8")
    (templates / "news" / "article_page.html").write_text(ARTICLE_HTML, "utf-8")
    (folder / "static" / "css").mkdir(parents=True)
    (folder / "static" / "css" / "site.css").write_text("body { margin: 0 }\n")
    (folder / "article.json").write_text(
        json.dumps({"title": title, "body": body, "host": host}), encoding="utf-8"
    )
    env = environment(folder)
    for argv in (["makemigrations", "news"], ["migrate"]):
        subprocess.run(
            [sys.executable, "-m", "django", *argv, "-v", "0"],
            cwd=folder,
            env=env,
            check=True,
        )
    path = subprocess.run(
        [sys.executable, "-c", CREATE],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return folder, path


def environment(folder: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="vanilla_settings",
        PYTHONPATH=str(folder),
    )
    return env


def start(folder: Path, port: int, *, workers: int, threads: int) -> subprocess.Popen:
    """gunicorn with the same workers and threads as the platform's (gthread)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--bind",
            f"127.0.0.1:{port}",
            "vanilla_wsgi:application",
        ],
        cwd=folder,
        env=environment(folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
