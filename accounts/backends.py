"""Sign-in with a password by account name, mobile number or e-mail address, for
public accounts only (staff keep Django's backend and their user names)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import selectors


class PublicAccountBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        account = selectors.account_for_identifier(username)
        if account is None:
            # The same work for unknown names as for known ones.
            get_user_model()().set_password(password)
            return None
        user = account.user
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
