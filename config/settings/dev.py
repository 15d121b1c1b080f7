from .base import *  # noqa: F403
from .env import seal

seal()

# `manage.py runserver` works before `collectstatic`; `make demo` collects anyway.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG  # noqa: F405
