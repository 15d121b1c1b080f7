from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404

from .models import StaffRoleAssignment, StaffSession


def staff_session_list(*, user):
    return StaffSession.objects.filter(user=user).order_by("-last_seen_at")


def staff_session_get(*, user, pk) -> StaffSession:
    """One of ``user``'s own sessions (404 for anyone else's)."""
    return get_object_or_404(StaffSession, user=user, pk=pk)


def role_assignment_list():
    return StaffRoleAssignment.objects.select_related("user", "granted_by").order_by(
        "role", "user__username"
    )


def role_holder_get(*, pk):
    return get_object_or_404(get_user_model(), pk=pk, staff_role__isnull=False)
