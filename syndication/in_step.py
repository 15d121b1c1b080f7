"""Published in step (同步发布): a department's normative document, its
interpretation and its consultation's adoption report go live on the
same-level government portal (the department's parent site) when first
published, as items that must be republished. Updates and repeals follow by
themselves: the portal shows the source page as it is live now."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page

from cms.models import ConsultationPage, InterpretationPage, PolicyDocumentPage
from sites.models import GovSite, SiteLevel

from . import selectors
from .fanout import item_record
from .models import Direction
from .tasks import fan_out_task

# The portal's column for each kind of item, by column code in order of
# preference (the column templates of sites/column_templates/).
PORTAL_COLUMNS: dict[type[Page], list[str]] = {
    PolicyDocumentPage: ["zcwj"],
    InterpretationPage: ["zcjd", "zcwj"],
    ConsultationPage: ["yjzj", "zjdc"],
}
PORTAL_LEVELS = (SiteLevel.PROVINCE, SiteLevel.CITY, SiteLevel.COUNTY)


def qualifies(page: Page) -> bool:
    """A normative document, an interpretation of one, or a consultation whose
    adoption report is published."""
    if isinstance(page, PolicyDocumentPage):
        return page.is_normative
    if isinstance(page, InterpretationPage):
        document = page.document
        return document is not None and document.is_normative
    if isinstance(page, ConsultationPage):
        return bool(page.adoption_report)
    return False


def portal_of(site: GovSite) -> GovSite | None:
    """The same-level government portal of a department site: its parent."""
    parent = site.parent
    if parent is None or parent.level not in PORTAL_LEVELS:
        return None
    return parent


@transaction.atomic
def item_publish_in_step(*, page: Page) -> bool:
    """Queue ``page`` for its portal if its site publishes in step and it was not
    sent there yet. Returns whether it was queued."""
    page = page.specific
    if not qualifies(page):
        return False
    source = selectors.source_site_of(page)
    if source is None or not selectors.publish_in_step(site=source):
        return False
    portal = portal_of(source)
    if portal is None or portal.status not in selectors.RECEIVING_STATUSES:
        return False
    existing = selectors.item_for_page(page_id=page.pk, source=source)
    if existing is not None and portal.pk in existing.target_site_ids:
        return False  # not the first publication: the portal reads it live
    codes = PORTAL_COLUMNS[type(page)]
    columns = selectors.columns_by_code(sites=[portal], codes=codes)
    if portal.pk not in columns:
        return False
    item = item_record(source=source, page=page, site_ids=[portal.pk], user=None)
    fan_out_task.enqueue(
        item.pk,
        source.pk,
        [[portal.pk, columns[portal.pk].pk]],
        str(Direction.IN_STEP),
        True,
        None,
    )
    return True
