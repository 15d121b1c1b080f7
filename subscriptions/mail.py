"""The messages subscriptions send: a confirmation link, a manage link, one new
item, a digest. Each item message and digest carries a one-click unsubscribe link
(and the List-Unsubscribe headers of RFC 2369 and RFC 8058) and a link to the
page that lists the address's subscriptions; none needs signing in."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from sites.models import GovSite

from . import tokens


def base_url(site: GovSite) -> str:
    scheme = "https" if site.wagtail_site.port == 443 else "http"
    return f"{scheme}://{site.public_netloc}"


def confirm_url(site: GovSite, subscription) -> str:
    token = tokens.confirm_token(subscription)
    return f"{base_url(site)}/subscriptions/confirm/?t={token}"


def unsubscribe_url(site: GovSite, subscription) -> str:
    token = tokens.unsubscribe_token(subscription)
    return f"{base_url(site)}/subscriptions/unsubscribe/?t={token}"


def manage_url(site: GovSite, email: str) -> str:
    token = tokens.manage_token(site_id=site.pk, email=email)
    return f"{base_url(site)}/subscriptions/manage/?t={token}"


def _message(subject: str, template: str, context: dict, to: str, **kw):
    body = render_to_string(template, context)
    return EmailMessage(subject=subject, body=body, to=[to], **kw)


def confirmation_message(site: GovSite, subscription) -> EmailMessage:
    with override("zh-hans"):
        subject = _("Confirm your subscription on %(site)s") % {"site": site.name}
        return _message(
            subject,
            "subscriptions/mail/confirm.txt",
            {
                "site": site,
                "subscription": subscription,
                "confirm_url": confirm_url(site, subscription),
            },
            subscription.email,
        )


def manage_link_message(site: GovSite, email: str) -> EmailMessage:
    with override("zh-hans"):
        subject = _("Your subscriptions on %(site)s") % {"site": site.name}
        return _message(
            subject,
            "subscriptions/mail/manage.txt",
            {"site": site, "manage_url": manage_url(site, email)},
            email,
        )


def _unsubscribe_headers(url: str) -> dict:
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def item_message(site: GovSite, delivery) -> EmailMessage:
    subscription = delivery.subscription
    unsubscribe = unsubscribe_url(site, subscription)
    with override("zh-hans"):
        subject = _("[%(site)s] New: %(title)s") % {
            "site": site.name,
            "title": delivery.item.title,
        }
        return _message(
            subject,
            "subscriptions/mail/item.txt",
            {
                "site": site,
                "subscription": subscription,
                "title": delivery.item.title,
                "url": delivery.item.specific.get_full_url(),
                "unsubscribe_url": unsubscribe,
                "manage_url": manage_url(site, delivery.recipient),
            },
            delivery.recipient,
            headers=_unsubscribe_headers(unsubscribe),
        )


def digest_message(site: GovSite, recipient: str, deliveries: list) -> EmailMessage:
    """One message for ``deliveries`` (of one recipient); the unsubscribe link is
    the first subscription's, each item names its own."""
    items = [
        {
            "title": delivery.item.title,
            "url": delivery.item.specific.get_full_url(),
            "subscription": delivery.subscription,
            "unsubscribe_url": unsubscribe_url(site, delivery.subscription),
        }
        for delivery in deliveries
    ]
    with override("zh-hans"):
        subject = _("[%(site)s] %(count)s new items you follow") % {
            "site": site.name,
            "count": len(items),
        }
        return _message(
            subject,
            "subscriptions/mail/digest.txt",
            {
                "site": site,
                "items": items,
                "manage_url": manage_url(site, recipient),
            },
            recipient,
            headers=_unsubscribe_headers(items[0]["unsubscribe_url"]),
        )
