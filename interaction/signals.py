"""Signals other packages listen to (interaction imports none of them).

``case_status_changed``: sent inside the transaction of every handling step that
changes what the submitter sees (accepted, declined, transferred, replied,
closed, reopened by a rating), with ``case`` as saved (``case.site_id`` is the
site handling it now)."""

from django.dispatch import Signal

case_status_changed = Signal()
