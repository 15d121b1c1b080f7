"""Static files of the themes: ``themes/<name>/...`` from each theme's ``static/``."""

from django.contrib.staticfiles.finders import FileSystemFinder
from django.core.files.storage import FileSystemStorage

from . import registry


class ThemeFinder(FileSystemFinder):
    def __init__(self, app_names=None, *args, **kwargs):
        # FileSystemFinder reads STATICFILES_DIRS; give it the themes' folders.
        self.locations = []
        self.storages = {}
        for theme in registry.theme_list():
            if theme.static_dir.is_dir():
                location = (theme.static_prefix, str(theme.static_dir))
                self.locations.append(location)
                storage = FileSystemStorage(location=str(theme.static_dir))
                storage.prefix = theme.static_prefix
                self.storages[str(theme.static_dir)] = storage

    def check(self, **kwargs):
        return []
