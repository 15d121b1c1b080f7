"""Syndication's rules: pushing down, reporting up, taking, declining, hiding.

Each action is ``check`` then ``execute`` (as Wagtail's page actions): the admin
views, the commands and the exchange API all call these.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.rich_text import RichText

from cms.models import (
    ArticlePage,
    ConsultationPage,
    InterpretationPage,
    PolicyDocumentPage,
)
from sites.models import GovSite, SiteRole
from sites.selectors import sites_for_user
from sites.tenancy import for_sites, use_site

from . import exchange, selectors
from .fanout import changed, item_record
from .models import (
    Direction,
    ExchangeState,
    OutboxMessage,
    Peer,
    ReceivedItem,
    SyndicatedItem,
    SyndicationTarget,
    TargetState,
)
from .signals import syndication_event
from .tasks import exchange_send_task, push_task

# What may be syndicated: articles (news, notices), policy documents and their
# interpretations; consultations for their adoption reports (published in step).
SYNDICATED_TYPES = (ArticlePage, PolicyDocumentPage, InterpretationPage)
IN_STEP_TYPES = (*SYNDICATED_TYPES, ConsultationPage)


@dataclasses.dataclass
class PushPlan:
    """What a push asked for: the item, the target sites and the column codes
    (the column asked for, then the fallback). Each target's column is planned
    by the queued task (``fanout.push``); ``columns()`` reads the same plan now
    (for commands; the status page shows the sites without either column)."""

    item: SyndicatedItem | None
    sites: list[GovSite]
    codes: list[str]

    def columns(self) -> tuple[list[tuple[GovSite, object]], list[GovSite]]:
        found = selectors.columns_by_code(sites=self.sites, codes=self.codes)
        planned = [(site, found[site.pk]) for site in self.sites if site.pk in found]
        missing = [site for site in self.sites if site.pk not in found]
        return planned, missing

    def as_json(self) -> dict:
        planned, missing = self.columns()
        return {
            "item": self.item.pk if self.item else None,
            "targets": [
                {
                    "site": site.code,
                    "name": site.name,
                    "column": column.code,
                    "column_id": column.pk,
                }
                for site, column in planned
            ],
            "missing_column": [
                {"site": site.code, "name": site.name} for site in missing
            ],
        }


def _event(action: str, *, user, item, site_ids, reason: str = "") -> None:
    syndication_event.send(
        sender=SyndicatedItem,
        action=action,
        user=user,
        item_id=item.pk,
        site_ids=list(site_ids),
        reason=reason,
    )


def item_send_check(
    *,
    user,
    page: Page,
    targets: list[GovSite],
    column_code: str,
    fallback_column_code: str = "",
    direction: str = Direction.PUSH,
    types: tuple = SYNDICATED_TYPES,
) -> PushPlan:
    """Refuse what may not be sent, in the same queries whatever the number of
    targets. Raises PermissionDenied or ValidationError (Chinese)."""
    page = page.specific
    if not isinstance(page, types):
        raise ValidationError(
            _(
                "Only articles, policy documents and interpretations "
                "can be sent to other sites."
            )
        )
    if not page.live:
        raise ValidationError(_("Only a published item can be sent to other sites."))
    source = selectors.source_site_of(page)
    if source is None:
        raise ValidationError(_("The item belongs to no site."))
    if user is not None and not selectors.can_send_from(user=user, source=source):
        raise PermissionDenied(_("You do not work on the site of this item."))
    if not targets:
        raise ValidationError(_("Choose at least one site."))
    if direction == Direction.REPORT:
        allowed = selectors.report_target_candidates(source=source)
    elif user is None:  # a command run by an operator: the sites below
        allowed = selectors.sites_below(site=source).filter(
            status__in=selectors.RECEIVING_STATUSES
        )
    else:
        allowed = selectors.push_target_candidates(user=user, source=source)
    allowed_ids = set(
        allowed.filter(pk__in=[t.pk for t in targets]).values_list("pk", flat=True)
    )
    refused = [t for t in targets if t.pk not in allowed_ids]
    if refused:
        raise PermissionDenied(
            _("These sites cannot receive items from this site: %(sites)s")
            % {"sites": "、".join(t.name for t in refused)}
        )
    codes = [code for code in (column_code, fallback_column_code) if code]
    # One query, whatever the number of targets: each target's column is
    # planned by the queued task.
    if not selectors.some_site_has_column(
        site_ids=[t.pk for t in targets], codes=codes
    ):
        raise ValidationError(
            _(
                "None of the chosen sites has the column %(code)s "
                "or the fallback column."
            )
            % {"code": column_code}
        )
    return PushPlan(item=None, sites=list(targets), codes=codes)


@transaction.atomic
def item_send(
    *,
    user,
    page: Page,
    targets: list[GovSite],
    column_code: str,
    fallback_column_code: str = "",
    mandatory: bool = False,
    direction: str = Direction.PUSH,
    types: tuple = SYNDICATED_TYPES,
) -> PushPlan:
    """Push an item down (or report it up): record it and queue the push.
    Returns at once whatever the number of targets: ``push_task`` plans each
    target's column and writes the reference rows; sites without either column
    are left out and listed on the item's status page."""
    plan = item_send_check(
        user=user,
        page=page,
        targets=targets,
        column_code=column_code,
        fallback_column_code=fallback_column_code,
        direction=direction,
        types=types,
    )
    source = selectors.source_site_of(page)
    if direction == Direction.REPORT:
        mandatory = False  # a site above decides what it takes
    site_ids = [site.pk for site in plan.sites]
    item = item_record(source=source, page=page, site_ids=site_ids, user=user)
    plan.item = item
    push_task.enqueue(
        item.pk,
        source.pk,
        site_ids,
        plan.codes,
        str(direction),
        bool(mandatory),
        user.pk if user is not None else None,
    )
    _event(
        "report" if direction == Direction.REPORT else "push",
        user=user,
        item=item,
        site_ids=site_ids,
    )
    return plan


# -- the target's side ---------------------------------------------------------


def _target_roles(*, user, target: SyndicationTarget) -> set[str]:
    roles = selectors.site_roles(user=user, site=target.site)
    if not roles:
        # Another site's staff: as if the row did not exist.
        raise PermissionDenied(_("This item was not sent to your site."))
    return roles


def _decide(target: SyndicationTarget, *, user, state: str, reason: str = "") -> None:
    now = timezone.now()
    was_live = target.state == TargetState.LIVE
    target.state = state
    target.reason = reason
    target.decided_by = user
    target.decided_at = now
    if state == TargetState.LIVE and not was_live:
        target.live_at = now
    target.save(
        update_fields=[
            "state",
            "reason",
            "decided_by",
            "decided_at",
            "live_at",
            "updated_at",
        ]
    )
    if was_live or state == TargetState.LIVE:
        changed(page_id=target.item.source_page_id, site_ids=[target.site_id])


@transaction.atomic
def target_take(*, user, target: SyndicationTarget) -> SyndicationTarget:
    """Take an offered item: it goes live in the target's column, or waits for a
    reviewer when the target's settings ask for review and the user is none."""
    roles = _target_roles(user=user, target=target)
    if target.state not in (TargetState.PENDING, TargetState.REVIEWING):
        raise ValidationError(_("This item has already been dealt with."))
    if target.column_id is None:
        raise ValidationError(_("The column for this item no longer exists."))
    needs_review = selectors.settings_for(site=target.site).review_taken_items
    may_approve = bool(roles & {SiteRole.REVIEWER, SiteRole.ADMIN})
    if target.state == TargetState.REVIEWING and not may_approve:
        raise PermissionDenied(_("Only a reviewer of this site can approve it."))
    state = (
        TargetState.REVIEWING if needs_review and not may_approve else TargetState.LIVE
    )
    _decide(target, user=user, state=state)
    _event("take", user=user, item=target.item, site_ids=[target.site_id])
    return target


@transaction.atomic
def target_decline(
    *, user, target: SyndicationTarget, reason: str
) -> SyndicationTarget:
    _target_roles(user=user, target=target)
    if target.mandatory:
        raise ValidationError(
            _(
                "An item that must be republished cannot be declined; "
                "it can only be hidden."
            )
        )
    if target.state not in (TargetState.PENDING, TargetState.REVIEWING):
        raise ValidationError(_("This item has already been dealt with."))
    if not reason.strip():
        raise ValidationError(_("Give a reason."))
    _decide(target, user=user, state=TargetState.DECLINED, reason=reason.strip())
    _event(
        "decline", user=user, item=target.item, site_ids=[target.site_id], reason=reason
    )
    return target


@transaction.atomic
def target_hide(*, user, target: SyndicationTarget, reason: str) -> SyndicationTarget:
    """Take a live item down from this site only, with a reason the source sees."""
    _target_roles(user=user, target=target)
    if target.state != TargetState.LIVE:
        raise ValidationError(_("Only a live item can be hidden."))
    if not reason.strip():
        raise ValidationError(_("Give a reason."))
    _decide(target, user=user, state=TargetState.HIDDEN, reason=reason.strip())
    _event(
        "hide", user=user, item=target.item, site_ids=[target.site_id], reason=reason
    )
    return target


def target_get(*, user, pk: int) -> SyndicationTarget:
    """A reference row of one of the sites ``user`` works on (404 otherwise)."""
    found = (
        for_sites(SyndicationTarget, sites_for_user(user))
        .select_related("item", "item__site", "site", "column")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise SyndicationTarget.DoesNotExist
    return found


# -- exchange with other platforms ------------------------------------------------


@transaction.atomic
def outbox_add(*, page: Page, peer: Peer, column_code: str) -> OutboxMessage:
    """Queue ``page``'s live revision for ``peer`` (once per revision)."""
    source = selectors.source_site_of(page)
    payload = exchange.payload_for(page=page, source=source, column_code=column_code)
    with use_site(source):
        message, created = OutboxMessage.objects.get_or_create(
            site=source,
            peer=peer,
            remote_id=payload["remote_id"],
            revision=payload["revision"],
            defaults={"page": page, "payload": payload},
        )
    if created:
        exchange_send_task.enqueue(source.pk, message.pk)
    return message


def peers_for(*, user, source: GovSite):
    """The peers ``user`` may send an item of ``source`` to: those configured
    for ``source`` (platform admins configure them)."""
    if not selectors.can_send_from(user=user, source=source):
        return Peer.objects.none()
    return Peer.objects.filter(site=source, active=True)


@transaction.atomic
def received_take(*, user, item: ReceivedItem) -> Page:
    """Publish an item from a peer platform in its column (a page of our own:
    the source is on another platform, so this is the one place that copies);
    a user who may not publish there leaves it as a draft for the site's review."""
    if not selectors.site_roles(user=user, site=item.site):
        raise PermissionDenied(_("This item was not sent to your site."))
    if item.state != ExchangeState.PENDING:
        raise ValidationError(_("This item has already been dealt with."))
    if item.column is None:
        raise ValidationError(_("The column for this item no longer exists."))
    page = ArticlePage(
        title=item.title,
        body=[("paragraph", RichText(item.body or "<p></p>"))],
        source=item.source_name,
        live=False,
    )
    item.column.add_child(instance=page)
    revision = page.save_revision(user=user)
    if page.permissions_for_user(user).can_publish():
        revision.publish(user=user)
        item.state = ExchangeState.LIVE
    else:  # an editor: the page waits for the site's own review
        item.state = ExchangeState.DRAFT
    item.page = page
    item.decided_by = user
    item.decided_at = timezone.now()
    item.save(update_fields=["state", "page", "decided_by", "decided_at"])
    return page


@transaction.atomic
def received_decline(*, user, item: ReceivedItem, reason: str) -> ReceivedItem:
    if not selectors.site_roles(user=user, site=item.site):
        raise PermissionDenied(_("This item was not sent to your site."))
    if item.state != ExchangeState.PENDING:
        raise ValidationError(_("This item has already been dealt with."))
    if not reason.strip():
        raise ValidationError(_("Give a reason."))
    item.state = ExchangeState.DECLINED
    item.reason = reason.strip()
    item.decided_by = user
    item.decided_at = timezone.now()
    item.save(update_fields=["state", "reason", "decided_by", "decided_at"])
    return item
