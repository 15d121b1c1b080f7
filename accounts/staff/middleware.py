"""Every admin request of a signed-in staff member: the session's idle and
absolute limits, then the second factor (enrol first if there is none)."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from . import services
from .roles import ACCESS_ADMIN

# Admin paths a signed-in staff member reaches before the second factor.
OPEN_URL_NAMES = (
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "staff_mfa_verify",
    "staff_mfa_enrol",
    # The icon sprite and translations the sign-in pages themselves load.
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
)
# The session's last-seen time is written at most this often (seconds).
SEEN_RESOLUTION = 60


def _is_staff(user) -> bool:
    return user.is_authenticated and user.has_perm(ACCESS_ADMIN)


class StaffSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open_paths is None:
            self._open_paths = tuple(reverse(name) for name in OPEN_URL_NAMES)
        return self._open_paths

    def __call__(self, request):
        session = getattr(request, "session", None)
        if not request.path.startswith(self.admin_prefix):
            # Outside the admin (public pages, the same bytes for every visitor,
            # without Vary: Cookie) a staff session is neither read nor renewed:
            # reading a site is no admin activity.
            return self.get_response(request)
        if session is not None and SESSION_KEY not in session:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and _is_staff(user):
            response = self._session_limits(request)
            if response is not None:
                return response
            response = self._second_factor(request)
            if response is not None:
                return response
        return self.get_response(request)

    def _session_limits(self, request):
        session = request.session
        now = time.time()
        started = session.get("staff_started_at")
        seen = session.get("staff_seen_at")
        if started is None or seen is None:
            session["staff_started_at"] = started = now
            session["staff_seen_at"] = seen = now
        expired = (
            now - seen > settings.STAFF_SESSION_IDLE_SECONDS
            or now - started > settings.STAFF_SESSION_ABSOLUTE_SECONDS
        )
        if expired:
            services.staff_session_forget(session_key=session.session_key)
            logout(request)
            if request.path.startswith(self.admin_prefix):
                messages.info(
                    request, _("Your session has ended; please sign in again.")
                )
                return redirect(self._login_url(request))
            return None
        if now - seen > SEEN_RESOLUTION:
            session["staff_seen_at"] = now
            services.staff_session_seen(request=request)
        return None

    @property
    def admin_prefix(self) -> str:
        return reverse("wagtailadmin_home")

    def _login_url(self, request) -> str:
        return (
            reverse("wagtailadmin_login")
            + "?"
            + urlencode({"next": request.get_full_path()})
        )

    def _second_factor(self, request):
        path = request.path
        if not path.startswith(self.admin_prefix):
            return None
        if path.startswith(self.open_paths()):
            return None
        if services.mfa_session_verified(request):
            return None
        name = (
            "staff_mfa_verify"
            if services.mfa_is_enrolled(request.user)
            else "staff_mfa_enrol"
        )
        return redirect(
            reverse(name) + "?" + urlencode({"next": request.get_full_path()})
        )
