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

# `manage.py demo_otp USERNAME` prints a demo staff account's current code.
STAFF_DEMO_OTP = True
# The demo's platform admin `admin` is a superuser and signs in to the admin.
STAFF_SUPERUSER_ADMIN_SIGNIN = True
# The demo's sites live on this machine: probe their home pages over plain HTTP on
# loopback (production keeps https and refuses internal addresses).
AVAILABILITY_SCHEME = "http"
AVAILABILITY_ALLOWED_NETWORKS = ["127.0.0.0/8", "::1/128"]
