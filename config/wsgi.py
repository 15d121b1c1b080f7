import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

django_application = get_wsgi_application()

# Published pages (and pages this process's page cache holds) are answered before
# Django (delivery/). Imported once Django is set up: it reads models' modules.
from delivery.serving import StaticTreeApplication  # noqa: E402

application = StaticTreeApplication(django_application)
