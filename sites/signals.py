"""What the sites registry tells the packages above it (the audit log, for one),
which it cannot import: it is the bottom layer."""

from django.dispatch import Signal

# A site was provisioned: ``site``.
site_provisioned = Signal()
# A site's status changed: ``site``, ``old_status``, ``new_status``.
site_status_changed = Signal()
# A site's details changed: ``site``, ``fields`` (the names).
site_updated = Signal()
# An account was put in or taken out of a site role group: ``site``, ``actor``,
# ``user``, ``role``, ``added``.
site_member_changed = Signal()
