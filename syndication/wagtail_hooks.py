from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from sites.selectors import is_platform_admin

from . import admin_views, selectors, services
from .admin_panels import InboxPanel
from .models import Direction, Peer


@hooks.register("register_admin_urls")
def register_syndication_urls():
    return [
        path("syndication/inbox/", admin_views.inbox, name="syndication_inbox"),
        path(
            "syndication/targets/<int:pk>/<str:action>/",
            admin_views.decide,
            name="syndication_decide",
        ),
        path(
            "syndication/received/<int:pk>/<str:action>/",
            admin_views.decide_received,
            name="syndication_decide_received",
        ),
        path(
            "syndication/pages/<int:page_id>/status/",
            admin_views.status,
            name="syndication_status",
        ),
        path(
            "syndication/pages/<int:page_id>/<str:direction>/",
            admin_views.send,
            name="syndication_send",
        ),
    ]


class InboxMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_authenticated


@hooks.register("register_admin_menu_item")
def register_inbox_menu_item():
    return InboxMenuItem(
        _("Items from other sites"),
        reverse("syndication_inbox"),
        icon_name="mail",
        order=152,
    )


@hooks.register("construct_homepage_panels")
def add_inbox_panel(request, panels):
    count = selectors.inbox_count(user=request.user)
    if count:
        panels.append(InboxPanel(count=count))


class SendButton(PageMenuItem):
    icon_name = "resubmit"

    def __init__(self, *, page, direction, label, priority):
        super().__init__(label=label, page=page, priority=priority)
        self.direction = direction

    @property
    def url(self):
        return reverse("syndication_send", args=[self.page.pk, self.direction])


class StatusButton(PageMenuItem):
    label = _("Syndication status")
    icon_name = "list-ul"

    @property
    def url(self):
        return reverse("syndication_status", args=[self.page.pk])


def _buttons(page, user):
    specific_class = page.specific_class
    if (
        specific_class is None
        or not issubclass(specific_class, services.SYNDICATED_TYPES)
        or not page.live
    ):
        return
    source = selectors.source_site_of(page)
    if source is None or not selectors.can_send_from(user=user, source=source):
        return
    yield SendButton(
        page=page, direction=Direction.PUSH, label=_("Push down"), priority=80
    )
    yield SendButton(
        page=page, direction=Direction.REPORT, label=_("Report up"), priority=81
    )
    yield StatusButton(page=page, priority=82)


@hooks.register("register_page_header_buttons")
def syndication_header_buttons(page, user, view_name, next_url=None):
    yield from _buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def syndication_listing_buttons(page, user, next_url=None):
    yield from _buttons(page, user)


class PlatformAdminsOnly(BasePermissionPolicy):
    """Peers (their secrets and addresses) are the platform admins' alone."""

    def user_has_permission(self, user, action):
        return is_platform_admin(user)

    def user_has_any_permission(self, user, actions):
        return is_platform_admin(user)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(actions)


class PeerViewSet(ModelViewSet):
    """对接平台: the peer platforms, for platform admins."""

    model = Peer
    icon = "link"
    menu_label = _("Peer platforms")
    menu_order = 153
    add_to_admin_menu = True
    list_display = ["name", "code", "base_url", "site", "active"]
    form_fields = [
        "code",
        "name",
        "base_url",
        "secret",
        "site",
        "allow_private",
        "active",
    ]
    copy_view_enabled = False
    inspect_view_enabled = False


register_permission_policy(Peer, PlatformAdminsOnly(Peer))


@hooks.register("register_admin_viewset")
def register_peer_viewset():
    return PeerViewSet("syndication_peer", url_prefix="syndication/peers")
