import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .env import seal

seal()

# Django's test set-up replaces ALLOWED_HOSTS with a plain list (adding
# "testserver"), which drops the registry-following wrapper; test hosts live
# under .localhost. tests/overrides/test_allowed_hosts.py checks the wrapper itself.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, ".localhost"]  # noqa: F405

# Tests never send mail and hash passwords fast; everything else is production's path.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files straight from the apps' folders: no collectstatic before a test run.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Live-server tests serve each request on its own thread; persistent connections
# would outlive the test database. Production keeps them (DB_CONN_MAX_AGE).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Staff sign-in (accounts.staff): force_login signs in through a test-only backend
# whose sessions pass the second factor, so admin tests need not enrol everyone;
# a password sign-in (the browser tests) still goes through the second factor.
AUTHENTICATION_BACKENDS = [
    "accounts.staff.testing.ForceLoginBackend",
    *globals().get(
        "AUTHENTICATION_BACKENDS", ["django.contrib.auth.backends.ModelBackend"]
    ),
]
STAFF_MFA_TRUSTED_BACKENDS = ("accounts.staff.testing.ForceLoginBackend",)
# The static tree of a test run lives in a temporary folder (tests that look at
# it give each test its own); the page cache is off unless a test turns it on
# (tests run in transactions whose on-commit hooks, which drop cached pages,
# never fire).
DELIVERY_STATIC_ROOT = Path(tempfile.gettempdir()) / f"govplatform-public-{os.getpid()}"
DELIVERY_PAGE_CACHE_SECONDS = 0

# Only failed answers are counted from the request log unless a test lowers the
# limit (a loaded machine's slow answer must not add a query to another test),
# and written at once, inside the test's transaction.
REQUESTLOG_SLOW_MS = 3_600_000
REQUESTLOG_FLUSH_SECONDS = 0
