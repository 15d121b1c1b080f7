"""Signals other packages listen to (interaction imports none of them).

``case_status_changed``: sent inside the transaction of every handling step that
changes what the submitter sees (accepted, declined, transferred, replied,
closed, reopened by a rating), with ``case`` as saved (``case.site_id`` is the
site handling it now).

``comment_replied``: sent inside the transaction of a new or changed official
reply to a public comment, with ``comment`` as saved (its ``consultation``
loaded); ``comment.user_id`` is the signed-in author, if any."""

from django.dispatch import Signal

case_status_changed = Signal()
comment_replied = Signal()
