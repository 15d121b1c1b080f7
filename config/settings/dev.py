from .base import *  # noqa: F403
from .env import seal

seal()

# `manage.py runserver` works before `collectstatic` (plain names served from the
# static folders until a manifest exists: ops/static.py); `make demo` collects anyway.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "ops.static.FirstRunStaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG  # noqa: F405

# The demo's sites live on this machine: probe their home pages over plain HTTP on
# loopback (production keeps https and refuses internal addresses).
AVAILABILITY_SCHEME = "http"
AVAILABILITY_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
