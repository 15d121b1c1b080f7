"""A local session made from an identity session lives only as long as it: signed
out on one site (or the device signed out under 安全设置, or the account
deactivated), and every host's session is refused on its next request."""

from django.contrib.auth import logout

from . import selectors

IDENTITY_SESSION_KEY = "accounts_identity"


class IdentitySessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        accessed = session.accessed
        session_id = session.get(IDENTITY_SESSION_KEY)
        if not session_id:
            # Looking for the key is no use of the visitor's session: public pages
            # stay the same bytes for everyone, without ``Vary: Cookie``.
            session.accessed = accessed
            return self.get_response(request)
        if request.user.is_authenticated and not selectors.identity_session_is_active(
            session_id=session_id, user_id=request.user.pk
        ):
            logout(request)
        return self.get_response(request)
