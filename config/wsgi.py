import os

from django.core.wsgi import get_wsgi_application

from delivery.serving import StaticTreeApplication

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Published pages are answered from the static tree before Django (delivery/).
application = StaticTreeApplication(get_wsgi_application())
