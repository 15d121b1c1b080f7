"""Background work: mail to the submitter when a case changes status.

The task carries only ids (never an address): it re-enters the case's site and
reads the address there, so no personal data sits in the task queue. A mail that
cannot be sent is tried again later (MAIL_RETRY_DELAYS, growing), through the same
durable queue; after the last try the task fails (its result shows FAILED).
"""

from __future__ import annotations

import datetime
import logging

from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from sites.models import GovSite
from sites.tenancy import use_site

from .models import Case

logger = logging.getLogger(__name__)

# Seconds before the next try of a mail that failed: 1 minute, 5 minutes, half an
# hour, 2 hours, 6 hours; then the task fails for good.
MAIL_RETRY_DELAYS = (60, 300, 1800, 7200, 21600)


@task()
def notify_submitter(site_id: int, case_id: int, attempt: int = 0) -> None:
    site = GovSite.objects.filter(pk=site_id).first()
    if site is None:
        return
    with use_site(site):
        case = Case.objects.filter(pk=case_id).select_related("intake_site").first()
    if case is None or not case.email:
        # Transferred on since (the new site's task will write) or anonymised.
        return
    with override("zh-hans"):
        subject = _("Your case %(number)s: %(status)s") % {
            "number": case.tracking_number,
            "status": case.get_status_display(),
        }
        body = _(
            "Your case %(number)s filed on %(site)s is now: %(status)s.\n"
            "Look it up at http://%(host)s/interaction/cases/lookup/ with its tracking "
            "number and query code."
        ) % {
            "number": case.tracking_number,
            "site": case.intake_site.name,
            "status": case.get_status_display(),
            "host": case.intake_site.public_netloc,
        }
    try:
        send_mail(subject, body, None, [case.email])
    except Exception:
        if attempt >= len(MAIL_RETRY_DELAYS):
            logger.exception(
                "case notification failed; no tries left",
                extra={"case_id": case.pk, "attempt": attempt},
            )
            raise
        delay = datetime.timedelta(seconds=MAIL_RETRY_DELAYS[attempt])
        notify_submitter.using(run_after=timezone.now() + delay).enqueue(
            site_id, case_id, attempt + 1
        )
        logger.warning(
            "case notification failed; tried again later",
            exc_info=True,
            extra={"case_id": case.pk, "attempt": attempt, "retry_in": delay.seconds},
        )
        return
    logger.info("case notification sent", extra={"case_id": case.pk})
