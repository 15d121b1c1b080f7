"""For the test settings only: ``force_login`` signs staff in through this
backend (the first in the test settings' AUTHENTICATION_BACKENDS), and
STAFF_MFA_TRUSTED_BACKENDS, which only config/settings/test.py sets, lets such a
session past the second factor. It never authenticates anyone by password, and
production settings name it nowhere."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend


class ForceLoginBackend(BaseBackend):
    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        user = get_user_model()._default_manager.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
