"""Static file names before and after ``collectstatic``.

Production serves hashed, compressed copies named by the manifest that
``collectstatic`` writes, and a name missing from it is an error (a template that
names a file nobody collected). On a fresh clone, ``manage.py runserver`` runs
before anything was collected: there is no manifest at all, and every page would
answer 500 ("Missing staticfiles manifest entry"). The development settings use
this storage instead: with no manifest it gives the plain names, which WhiteNoise
serves straight from the apps' and themes' static folders
(``WHITENOISE_USE_FINDERS``); once ``collectstatic`` has run it is the production
storage, strict as ever.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class FirstRunStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def stored_name(self, name):
        if not self.hashed_files:  # no manifest: nothing collected yet
            return name
        return super().stored_name(name)
