from marshmallow import ValidationError

from .base import *  # noqa: F403
from .env import env, seal


def _real_secret(value: str) -> None:
    if len(value) < 50 or value.startswith("django-insecure"):
        raise ValidationError("must be a random string of at least 50 characters")


# No default: production refuses to start without a real secret key.
SECRET_KEY = env.str("SECRET_KEY", validate=_real_secret)
DEBUG = False
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
seal()

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
