"""Staff sessions are listed from sign-in to sign-out."""

from django.contrib.auth import user_logged_in, user_logged_out
from django.dispatch import receiver

from . import services
from .roles import ACCESS_ADMIN


@receiver(user_logged_in)
def _staff_signed_in(sender, request, user, **kwargs):
    if request is not None and user.has_perm(ACCESS_ADMIN):
        services.staff_session_started(request=request, user=user)


@receiver(user_logged_out)
def _staff_signed_out(sender, request, user, **kwargs):
    if request is not None:
        services.staff_session_forget(session_key=request.session.session_key)
