"""What each administrator role may do: its group and the group's permissions."""

from django.utils.translation import gettext_lazy as _

from .models import StaffRole

ACCESS_ADMIN = "wagtailadmin.access_admin"

# role -> (group name, permissions as "app_label.codename")
ROLE_GROUPS = {
    StaffRole.SYSTEM_ADMIN: (
        _("System administrators"),
        [
            ACCESS_ADMIN,
            # The platform admin's mark (sites.selectors.PLATFORM_ADMIN_PERMISSION):
            # provisioning, every site's settings and members.
            "govsites.add_govsite",
            "govsites.change_govsite",
            "auth.add_user",
            "auth.change_user",
            "auth.delete_user",
            "auth.add_group",
            "auth.change_group",
            "auth.delete_group",
        ],
    ),
    StaffRole.SECURITY_ADMIN: (
        _("Security administrators"),
        [ACCESS_ADMIN, "accounts_staff.manage_security"],
    ),
    StaffRole.AUDIT_ADMIN: (
        _("Audit administrators"),
        [ACCESS_ADMIN, "audit.view_auditevent"],
    ),
}

MANAGE_SECURITY = "accounts_staff.manage_security"
READ_AUDIT = "audit.view_auditevent"
