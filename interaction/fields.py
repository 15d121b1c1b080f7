"""A text field stored encrypted (interaction.crypto); Python code sees plain text."""

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Encrypted at rest. Not searchable, not orderable: only its owner row reads it."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return crypto.encrypt(value)
