"""Writes of supervision: refreshing the stored warnings, and the daily mail to
each site's admins. Commands, tasks and admin views all call these."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from sites.models import GovSite, SiteGroup, SiteRole, SiteStatus
from sites.tenancy import all_sites

from . import links
from .models import BrokenLink, LinkCheck, LinkKind, SiteWarning
from .vetoes import Finding, findings_compute

logger = logging.getLogger(__name__)


@transaction.atomic
def warnings_refresh(
    *, today: datetime.date | None = None, site_ids=None
) -> list[Finding]:
    """Compute the warnings of every active site (of ``site_ids`` only, if given)
    and replace the stored rows with them, in one transaction: readers see the
    old set or the new one, never half of each. Returns the findings."""
    today = today or timezone.localdate()
    findings = findings_compute(today=today, site_ids=site_ids)
    with all_sites():
        stored = SiteWarning.objects.all()
        if site_ids is not None:
            stored = stored.filter(site_id__in=list(site_ids))
        stored.delete()
        SiteWarning.objects.bulk_create(
            [
                SiteWarning(
                    site_id=f.site_id,
                    kind=f.kind,
                    level=f.level,
                    subject=f.subject,
                    page_id=f.page_id,
                    title=f.title[:255],
                    last_update=f.last_update,
                    days_since=f.days_since,
                    threshold_days=f.threshold_days,
                    days_left=f.days_left,
                    count=f.count,
                    computed_on=today,
                )
                for f in findings
            ],
            batch_size=2000,
        )
    return findings


def sites_with_warnings() -> list[int]:
    """Ids of the sites that have stored warnings (for the daily mail's fan-out)."""
    with all_sites():
        return list(
            SiteWarning.objects.values_list("site_id", flat=True)
            .distinct()
            .order_by("site_id")
        )


def admin_emails(*, site_id: int) -> list[str]:
    """The addresses of the site's own admins (active accounts with an address)."""
    with all_sites():
        emails = SiteGroup.objects.filter(
            site_id=site_id,
            role=SiteRole.ADMIN,
            group__user__is_active=True,
        ).values_list("group__user__email", flat=True)
        return sorted({email for email in emails if email})


def warnings_mail(*, site_id: int) -> int:
    """Mail the site's admins what is due on their site (its stored warnings).
    Returns the number of recipients (0: nothing due, or nobody to tell)."""
    site = GovSite.objects.filter(pk=site_id).first()
    if site is None:
        return 0
    with all_sites():
        rows = list(
            SiteWarning.objects.filter(site_id=site_id).order_by(
                "-level", "days_left", "pk"
            )
        )
    recipients = admin_emails(site_id=site_id)
    if not rows or not recipients:
        return 0
    with override(settings.LANGUAGE_CODE):
        subject = _("%(site)s: %(count)d supervision warnings") % {
            "site": site.name,
            "count": len(rows),
        }
        body = render_to_string(
            "supervision/warnings_mail.txt", {"site": site, "warnings": rows}
        )
    send_mail(subject, body, None, recipients)
    return len(recipients)


# -- link checks ---------------------------------------------------------------------


def links_check(*, site: GovSite) -> LinkCheck:
    """Check every link of the site's published pages and replace the site's
    broken-link rows with what was found. Each distinct external address is asked
    once (at most ``LINKCHECK_MAX_EXTERNAL`` per run); internal ones need no request."""
    started = timezone.now()
    home = site.root_page
    hosts = {host.lower() for host in site.hosts.values_list("hostname", flat=True)}
    hosts.add(site.host.lower())
    by_page: dict[int, set[links.Link]] = {}
    for page in links.page_queryset(home).iterator(chunk_size=200):
        by_page[page.pk] = links.links_of_page(page)
    every_link = set().union(*by_page.values()) if by_page else set()
    failures = links.resolve_internal(every_link, home=home, hosts=hosts)
    external = sorted(
        link
        for link in every_link
        if link.kind == LinkKind.EXTERNAL
        and links.own_address(link.target, hosts) is None
    )
    limit = getattr(settings, "LINKCHECK_MAX_EXTERNAL", 2000)
    for link in external[:limit]:
        failure = links.check_external(link.target)
        if failure is not None:
            failures[link] = failure
    checked_at = timezone.now()
    rows = [
        BrokenLink(
            site=site,
            page_id=page_id,
            url=link.target[:2000]
            if link.kind in (LinkKind.EXTERNAL,)
            else f"{link.kind}:{link.target}",
            kind=_kind_of(link, hosts),
            status=failures[link].status,
            reason=str(failures[link].reason)[:200],
            checked_at=checked_at,
        )
        for page_id, page_links in by_page.items()
        for link in sorted(page_links, key=lambda link: (link.kind, link.target))
        if link in failures
    ]
    with transaction.atomic(), all_sites():
        BrokenLink.objects.filter(site=site).delete()
        BrokenLink.objects.bulk_create(rows)
        return LinkCheck.objects.create(
            site=site,
            started_at=started,
            finished_at=checked_at,
            pages=len(by_page),
            links=sum(len(page_links) for page_links in by_page.values()),
            broken=len(rows),
        )


def _kind_of(link, hosts) -> str:
    if link.kind != LinkKind.EXTERNAL:
        return link.kind
    if links.own_address(link.target, hosts) is not None:
        return LinkKind.INTERNAL
    return LinkKind.EXTERNAL


def active_site_ids() -> list[int]:
    return list(
        GovSite.objects.filter(status=SiteStatus.ACTIVE)
        .order_by("tree_path")
        .values_list("pk", flat=True)
    )
